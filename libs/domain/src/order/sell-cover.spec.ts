import { planSellCover, requiredSellReservations, type WorkingSell, workingSellOf } from './sell-cover';
import type { ExistingOrder } from './order.state';

const sell = (orderId: string, openQuantity: number, heldPaise: number, valuationPricePaise = 1_000): WorkingSell => ({ orderId, openQuantity, valuationPricePaise, heldPaise });

describe('requiredSellReservations', () => {
  it('shares the held long out to the sells oldest first and values the uncovered units', () => {
    // long 100: A (100) is covered, B (100) is not: 100 x 1,000
    expect(requiredSellReservations(100, [sell('A', 100, 0), sell('B', 100, 0)])).toEqual(new Map([['A', 0], ['B', 100_000]]));
    // long 150: A covered, B has 50 covered and 50 short at 2,000: 100,000
    expect(requiredSellReservations(150, [sell('A', 100, 0), sell('B', 100, 0, 2_000)])).toEqual(new Map([['A', 0], ['B', 100_000]]));
    // short or flat: nothing covers
    expect(requiredSellReservations(-10, [sell('A', 5, 0)])).toEqual(new Map([['A', 5_000]]));
  });
});

describe('planSellCover', () => {
  it('moves the reservation to the sell whose cover a fill of another sell used up', () => {
    // Long 100 held, A (100) covered, B (100) reserved 100,000. B fills in full: the long is gone, B is no longer
    // working, and A now opens a short of 100: it must hold 100 x 1,000 = 100,000.
    const plan = planSellCover(0, [sell('A', 100, 0)], 100_000);
    expect(plan).toEqual({ adjustments: [{ orderId: 'A', deltaPaise: 100_000 }], cancel: [] });
  });

  it('gives back what a sell no longer needs once an earlier sell is cancelled', () => {
    // Long 100, A cancelled: B is covered by the long now and gives its 100,000 back
    expect(planSellCover(100, [sell('B', 100, 100_000)], 0)).toEqual({ adjustments: [{ orderId: 'B', deltaPaise: -100_000 }], cancel: [] });
  });

  it('takes a newly needed reservation from buying power, and cancels the sell when it cannot hold it', () => {
    // long 100: B (older, 100) is covered; A (50, raised or newly uncovered) needs 50 x 1,000 = 50,000
    expect(planSellCover(100, [sell('B', 100, 0), sell('A', 50, 0)], 50_000)).toEqual({ adjustments: [{ orderId: 'A', deltaPaise: 50_000 }], cancel: [] });
    expect(planSellCover(100, [sell('B', 100, 0), sell('A', 50, 0)], 49_999)).toEqual({ adjustments: [], cancel: ['A'] });
  });

  it('counts what other sells give back before reserving', () => {
    // long 60: B (older, 60 at 5,000) is covered now and gives back 300,000; A (60 at 1,000) needs 60,000, which
    // 10,000 of buying power + 300,000 given back holds
    const plan = planSellCover(60, [sell('B', 60, 300_000, 5_000), sell('A', 60, 0)], 10_000);
    expect(plan).toEqual({ adjustments: [{ orderId: 'B', deltaPaise: -300_000 }, { orderId: 'A', deltaPaise: 60_000 }], cancel: [] });
  });

  it('gives the cover of a cancelled sell to the sells after it', () => {
    // long 50: A (older, 100) takes the 50 and needs 50 x 1,000 it cannot hold (no buying power): cancelled.
    // B (50) held 50,000 for its short; with A gone the long covers B, which gives its 50,000 back.
    expect(planSellCover(50, [sell('A', 100, 0), sell('B', 50, 50_000)], 0)).toEqual({ adjustments: [{ orderId: 'B', deltaPaise: -50_000 }], cancel: ['A'] });
  });

  it('changes nothing when every sell holds what it needs', () => {
    expect(planSellCover(100, [sell('A', 100, 0), sell('B', 100, 100_000)], 0)).toEqual({ adjustments: [], cancel: [] });
  });
});

describe('workingSellOf', () => {
  const base = { orderId: 'o', accountId: 'a', instrument: 'ITC', side: 'SELL', quantity: 10, filledQuantity: 4, orderType: 'LIMIT', limitPricePaise: 45_000, triggerPricePaise: null } as const;
  const order = (over: Partial<ExistingOrder>): ExistingOrder => ({ ...base, status: 'PARTIALLY_FILLED', ...over }) as ExistingOrder;
  it('values the open quantity of a working sell at its limit, or the reference price for a market sell', () => {
    expect(workingSellOf(order({}), 40_000, 7)).toEqual({ orderId: 'o', openQuantity: 6, valuationPricePaise: 45_000, heldPaise: 7 });
    expect(workingSellOf(order({ orderType: 'MARKET', limitPricePaise: null }), 40_000, 0)?.valuationPricePaise).toBe(40_000);
    expect(workingSellOf(order({ side: 'BUY' }), 40_000, 0)).toBeNull();
    expect(workingSellOf(order({ status: 'CANCELLED' }), 40_000, 0)).toBeNull();
  });
});
