import type { Side } from '@robo/domain';
import type { LegFill } from './basket-pnl';
import { basketPayoff, payoffGrid } from './basket-payoff';

const CE = (k: number) => `NIFTY 2026-11-24 ${k} CE`;
const PE = (k: number) => `NIFTY 2026-11-24 ${k} PE`;
let n = 0;
const fill = (instrument: string, side: Side, quantity: number, pricePaise: number, feesPaise = 0): LegFill => ({
  legId: instrument,
  accountId: 'a',
  instrument,
  orderId: `o${++n}`,
  fillId: `f${n}`,
  side,
  quantity,
  pricePaise,
  feesPaise,
  occurredAt: '2026-11-20T10:00:00+05:30',
});

describe('basketPayoff (at expiry)', () => {
  it('short straddle: credit is the max profit at the strike, breakevens strike +- credit, loss unlimited above', () => {
    // sell 65 x 26000 CE at 200.00 and 65 x 26000 PE at 180.00: credit 380.00 a unit = 24,700.00; charges 40.00
    const fills = [fill(CE(26000), 'SELL', 65, 20_000, 2_000), fill(PE(26000), 'SELL', 65, 18_000, 2_000)];
    const p = basketPayoff(fills, payoffGrid(2_500_000, 2_700_000, 4));
    expect(p.strikesPaise).toEqual([2_600_000]);
    expect(p.maxProfitPaise).toBe(65 * 38_000 - 4_000);
    expect(p.maxLossPaise).toBeNull();
    // zero where 65 x (380.00 - |S - 26000|) = 40.00: |S - 26000| = 380.00 - 0.6154 = 379.3846
    expect(p.breakevensPaise).toEqual([2_600_000 - 37_938, 2_600_000 + 37_938]);
    expect(p.points.find((x) => x.underlyingPaise === 2_600_000)!.pnlPaise).toBe(65 * 38_000 - 4_000);
    expect(p.points.find((x) => x.underlyingPaise === 2_700_000)!.pnlPaise).toBe(65 * (38_000 - 100_000) - 4_000);
  });

  it('long call: profit unlimited above, max loss the premium paid', () => {
    const p = basketPayoff([fill(CE(26000), 'BUY', 65, 15_000)], payoffGrid(2_500_000, 2_700_000, 2));
    expect(p.maxProfitPaise).toBeNull();
    expect(p.maxLossPaise).toBe(-65 * 15_000);
    expect(p.breakevensPaise).toEqual([2_615_000]);
  });

  it('bull call spread: bounded both ways, max loss the debit, max profit the width less the debit', () => {
    // buy 26000 CE at 150.00, sell 26200 CE at 60.00, 65 units: debit 90.00 a unit; width 200.00
    const fills = [fill(CE(26000), 'BUY', 65, 15_000), fill(CE(26200), 'SELL', 65, 6_000)];
    const p = basketPayoff(fills, payoffGrid(2_550_000, 2_650_000, 2));
    expect(p.maxLossPaise).toBe(-65 * 9_000);
    expect(p.maxProfitPaise).toBe(65 * (20_000 - 9_000));
    expect(p.breakevensPaise).toEqual([2_609_000]);
  });

  it('a closed leg counts its realized P&L at every price', () => {
    const fills = [fill(CE(26000), 'BUY', 65, 15_000), fill(CE(26000), 'SELL', 65, 16_000)];
    const p = basketPayoff(fills, [2_500_000, 2_700_000]);
    expect(p.points.map((x) => x.pnlPaise)).toEqual([65_000, 65_000, 65_000]);
    expect([p.maxProfitPaise, p.maxLossPaise]).toEqual([65_000, 65_000]);
  });

  it('refuses legs that are not derivatives or are on two underlyings', () => {
    expect(() => basketPayoff([fill('INFY', 'BUY', 1, 100)], [0])).toThrow(/not an option/);
    expect(() => basketPayoff([fill(CE(26000), 'BUY', 1, 100), fill('BANKNIFTY 2026-11-24 56000 PE', 'BUY', 1, 100)], [0])).toThrow(/one underlying/);
  });
});
