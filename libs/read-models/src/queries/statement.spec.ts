import type { AccountDayDoc } from '../projections/account-performance.projection';
import { csvField, rupeesText, toCsv } from './csv';
import { checkRange, dailyStatement, type FillRow } from './statement';

const day = (date: string, realizedNetPaise: number, realizedGrossPaise: number, fillsCount: number): AccountDayDoc => ({
  accountId: 'a',
  date,
  cashChangePaise: 0,
  netFlowsPaise: 0,
  depositsPaise: 0,
  withdrawalsPaise: 0,
  tradingCashPaise: 0,
  feesPaise: 0,
  realizedNetPaise,
  realizedGrossPaise,
  fillsCount,
  positions: [],
  lastEventPosition: 1,
});
const fill = (date: string, feesPaise: number, split: boolean): FillRow => ({
  date,
  occurredAt: `${date}T10:00:00+05:30`,
  orderId: 'o',
  fillId: `${date}-${feesPaise}`,
  instrument: 'ITC',
  side: 'SELL',
  product: 'MIS',
  quantity: 10,
  pricePaise: 100,
  turnoverPaise: 1000,
  feesPaise,
  charges: split ? { brokerage: feesPaise - 5, stt: 1, exchange: 1, sebi: 1, stamp: 1, gst: 1 } : null,
  strategyId: null,
});

describe('dailyStatement', () => {
  it('gives a row per IST day in the range whose figures add up to the totals', () => {
    const days = [day('2026-11-19', -50, -40, 1), day('2026-11-20', 300, 320, 2), day('2026-11-23', 7, 9, 1), day('2026-11-24', 1000, 1000, 1)];
    const fills = [fill('2026-11-19', 10, true), fill('2026-11-20', 20, true), fill('2026-11-20', 12, false), fill('2026-11-23', 30, false), fill('2026-11-24', 1, true)];
    const s = dailyStatement('a', { from: '2026-11-19', to: '2026-11-23' }, days, fills);
    expect(s.days.map((d) => d.date)).toEqual(['2026-11-19', '2026-11-20', '2026-11-23']);
    expect(s.totals.realizedNetPaise).toBe(-50 + 300 + 7);
    expect(s.totals.realizedGrossPaise).toBe(-40 + 320 + 9);
    expect(s.totals.chargesPaise).toBe(10 + 20 + 12 + 30);
    expect(s.totals.charges).toEqual({ brokerage: 5 + 15, stt: 2, exchange: 2, sebi: 2, stamp: 2, gst: 2, notSplit: 42 });
    expect(s.days[1]).toMatchObject({ fills: 2, turnoverPaise: 2000, chargesPaise: 32, netPaise: 320 - 32 });
    expect(s.totals.netPaise).toBe(s.totals.realizedGrossPaise - s.totals.chargesPaise);
  });

  it('refuses a backwards or too long range', () => {
    expect(() => checkRange({ from: '2026-11-02', to: '2026-11-01' })).toThrow(/after/);
    expect(() => checkRange({ from: '2025-01-01', to: '2026-01-02' })).toThrow(/366/);
    expect(checkRange({ from: '2025-01-01', to: '2026-01-01' })).toEqual({ from: '2025-01-01', to: '2026-01-01' });
  });
});

describe('CSV', () => {
  it('quotes as RFC 4180 says and writes money as rupees with two decimals', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(toCsv(['x', 'y'], [[1, 'a,b']])).toBe('x,y\r\n1,"a,b"\r\n');
    expect([rupeesText(0), rupeesText(5), rupeesText(-1), rupeesText(123456), rupeesText(-100000)]).toEqual(['0.00', '0.05', '-0.01', '1234.56', '-1000.00']);
  });
});
