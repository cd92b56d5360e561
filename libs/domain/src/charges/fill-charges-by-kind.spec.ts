import { CHARGE_SCHEDULES } from './charge-schedule';
import { CHARGE_KINDS, fillChargesByKind, fillChargesPaise, type ChargesByKind } from './fill-charges';

const at = '2025-06-02T10:00:00+05:30';
const total = (lines: ChargesByKind) => CHARGE_KINDS.reduce((s, k) => s + lines[k], 0);

describe('fillChargesByKind', () => {
  it('splits the schedule charge of one execution into its contract-note lines (hand-computed: 100 x 2,500.00 intraday buy)', () => {
    const order = { side: 'BUY' as const, product: 'MIS' as const, filledValuePaise: 0, feesPaise: 0 };
    // brokerage min(7500, 2000) = 2000, exchange 742.5 -> 743, SEBI 25, stamp 750, GST 18% of 2768 = 498
    expect(fillChargesByKind(order, 'EQ', { quantity: 100, pricePaise: 250000, feesPaise: 4016, occurredAt: at }, CHARGE_SCHEDULES)).toEqual({
      brokerage: 2000,
      stt: 0,
      exchange: 743,
      sebi: 25,
      stamp: 750,
      gst: 498,
    });
  });

  it('splits partial fills so that their lines add up to the one execution of the whole order', () => {
    const order = { side: 'SELL' as const, product: 'MIS' as const, filledValuePaise: 0, feesPaise: 0 };
    const first = { quantity: 40, pricePaise: 249900, occurredAt: at };
    const firstFees = fillChargesPaise(order, 'EQ', first, CHARGE_SCHEDULES);
    const a = fillChargesByKind(order, 'EQ', { ...first, feesPaise: firstFees }, CHARGE_SCHEDULES)!;
    const after = { ...order, filledValuePaise: 40 * 249900, feesPaise: firstFees };
    const second = { quantity: 60, pricePaise: 250000, occurredAt: at };
    const secondFees = fillChargesPaise(after, 'EQ', second, CHARGE_SCHEDULES);
    const b = fillChargesByKind(after, 'EQ', { ...second, feesPaise: secondFees }, CHARGE_SCHEDULES)!;
    expect(total(a)).toBe(firstFees);
    expect(total(b)).toBe(secondFees);
    expect(a.stt + b.stt).toBeGreaterThan(0);
    // brokerage is once per order: capped at Rs 20 over both parts
    expect(a.brokerage + b.brokerage).toBe(2000);
    for (const kind of CHARGE_KINDS) expect(a[kind]).toBeGreaterThanOrEqual(0);
  });

  it('does not split a total the broker reported, nor a schedule charge that makes up for an earlier reported one', () => {
    const order = { side: 'BUY' as const, product: 'MIS' as const, filledValuePaise: 0, feesPaise: 0 };
    expect(fillChargesByKind(order, 'EQ', { quantity: 40, pricePaise: 249900, feesPaise: 1200, occurredAt: at }, CHARGE_SCHEDULES)).toBeNull();
    const reported = { ...order, filledValuePaise: 40 * 249900, feesPaise: 1200 };
    const fees = fillChargesPaise(reported, 'EQ', { quantity: 60, pricePaise: 250000, occurredAt: at }, CHARGE_SCHEDULES);
    expect(fillChargesByKind(reported, 'EQ', { quantity: 60, pricePaise: 250000, feesPaise: fees, occurredAt: at }, CHARGE_SCHEDULES)).toBeNull();
  });
});
