import type { DomainError } from '@robo/domain';
import { at, calendar, placed, quote, record } from '../testing/paper-fixtures';
import { applyMatch } from './apply-match';
import { DAY_EXPIRY_REASON, dayOrderExpired as sessionOver, IOC_EXPIRY_REASON, stopTriggerReached as triggerReached } from '@robo/domain';
import { matchOrder, type MatchOptions } from './match-order';

const EQ = { segment: 'EQ' as const, tickSizePaise: 5, lotSize: 1 };
const options = (over: Partial<MatchOptions> = {}): MatchOptions => ({ now: at('10:00'), slippageBps: 0, maxFillFractionOfVolume: 0.1, instrument: EQ, calendar, ...over });

describe('MARKET orders', () => {
  it('a buy fills in full at the ask plus slippage rounded up to whole ticks, with the charges of the domain', () => {
    const order = placed({ side: 'BUY', quantity: 100, orderType: 'MARKET' });
    // slippage = 150,005 x 1.5 bp = 22.50075 -> 23 paise -> up to whole ticks: 25; price = 150,005 + 25 = 150,030
    // charges (MIS buy, turnover 100 x 150,030 = 15,003,000): brokerage min(4,501, 2,000) = 2,000; STT 0;
    // exchange 15,003,000 x 0.00297% = 445.5891 -> 446; SEBI 15,003,000 x 0.0001% = 15.003 -> 15;
    // stamp 15,003,000 x 0.003% = 450.09 -> 450; GST 18% x (2,000 + 446 + 15) = 442.98 -> 443
    // total = 2,000 + 446 + 15 + 450 + 443 = 3,354
    const result = matchOrder(order, quote({ volume: 10 }), options({ slippageBps: 1.5 }));
    expect(result).toEqual({ fills: [{ fillId: 'ord-1:p1', quantity: 100, pricePaise: 150_030, feesPaise: 3_354, occurredAt: at('10:00') }] });
    // volume does not limit a market order (10 traded, 100 filled): slippage stands for walking the book
    expect(record(order, result).state).toMatchObject({ status: 'FILLED', filledQuantity: 100, feesPaise: 3_354 });
  });

  it('a sell fills at the bid minus slippage; without slippage exactly at the touch', () => {
    const sell = placed({ side: 'SELL', quantity: 10, orderType: 'MARKET' });
    // slippage = 149,995 x 1.5 bp = 22.49925 -> 22 paise -> 5 ticks = 25; price = 149,995 - 25 = 149,970
    expect(matchOrder(sell, quote(), options({ slippageBps: 1.5 })).fills[0].pricePaise).toBe(149_970);
    expect(matchOrder(sell, quote(), options()).fills[0].pricePaise).toBe(149_995);
    expect(matchOrder(placed({ quantity: 10 }), quote(), options()).fills[0].pricePaise).toBe(150_005);
  });

  it('matches only in the normal market: an order from the pre-open waits for 09:15', () => {
    const order = placed({ quantity: 10 }, at('09:05'));
    expect(matchOrder(order, quote(), options({ now: at('09:05') }))).toEqual({ fills: [] });
    expect(matchOrder(order, quote(), options({ now: at('09:15') })).fills).toHaveLength(1);
  });
});

describe('LIMIT orders', () => {
  const buy = placed({ side: 'BUY', quantity: 100, orderType: 'LIMIT', limitPricePaise: 150_000 });

  it('a buy waits while the ask is above the limit', () => {
    expect(matchOrder(buy, quote(), options())).toEqual({ fills: [] });
  });

  it('a buy fills at the ask once it is at or below the limit, at most the volume share, in parts', () => {
    // ask 149,995 <= 150,000: price 149,995 (better than the limit); volume 400 x 0.1 = 40 of 100
    const first = matchOrder(buy, quote({ bidPaise: 149_985, askPaise: 149_995, volume: 400 }), options());
    expect(first.fills.map((f) => [f.fillId, f.quantity, f.pricePaise])).toEqual([['ord-1:p1', 40, 149_995]]);
    const afterFirst = record(buy, first);
    expect(afterFirst.state).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 40 });
    expect(applyMatch(buy, first)).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 40, fillIds: ['ord-1:p1'] });
    // the next step has 2,000 traded: room for 200, the 60 left fill and the order is done
    const second = matchOrder(afterFirst.state as typeof buy, quote({ askPaise: 150_000, volume: 2_000 }), options({ now: at('10:01') }));
    expect(second.fills.map((f) => [f.fillId, f.quantity, f.pricePaise])).toEqual([['ord-1:p2', 60, 150_000]]);
    expect(record(afterFirst.state, second).state).toMatchObject({ status: 'FILLED', filledQuantity: 100 });
  });

  it('a sell fills at the bid once it is at or above the limit', () => {
    const sell = placed({ side: 'SELL', quantity: 10, orderType: 'LIMIT', limitPricePaise: 150_000 });
    expect(matchOrder(sell, quote(), options()).fills).toEqual([]);
    expect(matchOrder(sell, quote({ bidPaise: 150_010, askPaise: 150_020 }), options()).fills[0]).toMatchObject({ quantity: 10, pricePaise: 150_010 });
  });

  it('no volume, no fill; option fills come in whole lots', () => {
    expect(matchOrder(buy, quote({ askPaise: 149_995, volume: 0 }), options())).toEqual({ fills: [] });
    const option = placed({ instrument: 'NIFTY 2026-11-24 26000 CE', quantity: 260, orderType: 'LIMIT', limitPricePaise: 20_000, product: 'NRML' });
    const OPT = { segment: 'OPT' as const, tickSizePaise: 5, lotSize: 65 };
    // 1,000 traded x 0.1 = 100 units -> whole lots of 65 (NIFTY from January 2026): 65
    const result = matchOrder(option, quote({ symbol: option.instrument, bidPaise: 19_990, askPaise: 20_000, volume: 1_000 }), options({ instrument: OPT }));
    expect(result.fills.map((f) => f.quantity)).toEqual([65]);
  });

  it('charges of partial fills add up to the charges of one execution (brokerage is per order)', () => {
    const order = placed({ instrument: 'RELIANCE', quantity: 100, orderType: 'LIMIT', limitPricePaise: 250_000 });
    const q = (volume: number) => quote({ symbol: 'RELIANCE', bidPaise: 249_995, askPaise: 250_000, lastPaise: 250_000, volume });
    // 40 @ 2,500.00: turnover 10,000,000; brokerage min(3,000, 2,000) = 2,000; exchange 10,000,000 x 0.00297% = 297;
    // SEBI 10; stamp 300; GST 18% x (2,000 + 297 + 10) = 415.26 -> 415; total 3,022
    const first = matchOrder(order, q(400), options());
    expect(first.fills[0]).toMatchObject({ quantity: 40, feesPaise: 3_022 });
    // cumulative 100 @ 2,500.00 costs 4,016 (the domain's hand-computed intraday buy); this fill pays 4,016 - 3,022 = 994
    const second = matchOrder(record(order, first).state as typeof order, q(600), options());
    expect(second.fills[0]).toMatchObject({ quantity: 60, feesPaise: 994 });
  });
});

describe('stop orders', () => {
  it('SL buy: waits below the trigger, fires at last >= trigger and then fills as a limit', () => {
    const order = placed({ side: 'BUY', quantity: 10, orderType: 'SL', triggerPricePaise: 151_000, limitPricePaise: 151_500 });
    expect(order.status).toBe('TRIGGER_PENDING');
    expect(matchOrder(order, quote({ lastPaise: 150_995, askPaise: 151_000 }), options())).toEqual({ fills: [] });
    const fired = matchOrder(order, quote({ lastPaise: 151_000, bidPaise: 150_995, askPaise: 151_005 }), options());
    expect(fired.trigger).toEqual({ lastPricePaise: 151_000, at: at('10:00') });
    expect(fired.fills.map((f) => [f.quantity, f.pricePaise])).toEqual([[10, 151_005]]);
    expect(record(order, fired).events.map((e) => e.type)).toEqual(['OrderTriggered', 'OrderFilled']);
  });

  it('SL sell: fires at last <= trigger; a gap past the limit triggers without a fill', () => {
    const order = placed({ side: 'SELL', quantity: 10, orderType: 'SL', triggerPricePaise: 149_000, limitPricePaise: 148_500 });
    expect(matchOrder(order, quote({ lastPaise: 149_005, bidPaise: 149_000 }), options())).toEqual({ fills: [] });
    expect(matchOrder(order, quote({ lastPaise: 149_000, bidPaise: 148_995, askPaise: 149_005 }), options()).fills[0].pricePaise).toBe(148_995);
    const gapped = matchOrder(order, quote({ lastPaise: 148_000, bidPaise: 147_995, askPaise: 148_005 }), options());
    expect(gapped).toEqual({ trigger: { lastPricePaise: 148_000, at: at('10:00') }, fills: [] });
    expect(record(order, gapped).state.status).toBe('OPEN');
    expect(applyMatch(order, gapped).status).toBe('OPEN');
  });

  it('SL-M: fires and fills at once as a market order, slippage included', () => {
    const order = placed({ side: 'SELL', quantity: 10, orderType: 'SL-M', triggerPricePaise: 149_000 });
    const result = matchOrder(order, quote({ lastPaise: 148_900, bidPaise: 148_895, askPaise: 148_905 }), options({ slippageBps: 1 }));
    // slippage = 148,895 x 1 bp = 14.8895 -> 15 paise = 3 ticks; price = 148,895 - 15 = 148,880
    expect(result.fills.map((f) => [f.quantity, f.pricePaise])).toEqual([[10, 148_880]]);
    expect(record(order, result).state).toMatchObject({ status: 'FILLED' });
  });

  it('the trigger rule is the domain\'s, both sides, inclusive', () => {
    expect([triggerReached('BUY', 100, 100), triggerReached('BUY', 95, 100), triggerReached('SELL', 100, 100), triggerReached('SELL', 105, 100)]).toEqual([true, false, true, false]);
  });
});

describe('validity', () => {
  it('IOC: a limit that cannot fill at once expires whole', () => {
    const order = placed({ quantity: 100, orderType: 'LIMIT', limitPricePaise: 149_000, validity: 'IOC' });
    const result = matchOrder(order, quote(), options());
    expect(result).toEqual({ fills: [], expire: { reason: IOC_EXPIRY_REASON } });
    expect(record(order, result).events).toEqual([{ type: 'OrderExpired', data: { orderId: 'ord-1', accountId: 'acc-1', reason: 'IOC remainder', expiredQuantity: 100 } }]);
  });

  it('IOC: a partial fill leaves the rest to the domain, which expires it with the fill', () => {
    const order = placed({ quantity: 100, orderType: 'LIMIT', limitPricePaise: 150_005, validity: 'IOC' });
    const result = matchOrder(order, quote({ volume: 300 }), options());
    expect(result.expire).toBeUndefined();
    expect(result.fills.map((f) => f.quantity)).toEqual([30]);
    const { events, state } = record(order, result);
    expect(events.map((e) => e.type)).toEqual(['OrderPartiallyFilled', 'OrderExpired']);
    expect(state.status).toBe('EXPIRED');
    expect(applyMatch(order, result).status).toBe('EXPIRED');
  });

  it('IOC without a market expires; a DAY order without one waits', () => {
    expect(matchOrder(placed({ validity: 'IOC' }), null, options())).toEqual({ fills: [], expire: { reason: IOC_EXPIRY_REASON } });
    expect(matchOrder(placed(), null, options())).toEqual({ fills: [] });
  });

  it('DAY: expires at 15:30 IST of its day, or on any later day, without filling', () => {
    const order = placed({ orderType: 'LIMIT', limitPricePaise: 150_005 });
    expect(matchOrder(order, quote(), options({ now: at('15:29') })).fills).toHaveLength(1);
    const closed = matchOrder(order, quote(), options({ now: at('15:30') }));
    expect(closed).toEqual({ fills: [], expire: { reason: DAY_EXPIRY_REASON } });
    expect(record(order, closed).state.status).toBe('EXPIRED');
    expect(sessionOver(at('10:00'), at('09:20', '2026-11-23'))).toBe(true);
    // 10:00Z is 15:30 IST: the IST clock decides, whatever offset the instant is written with
    expect(sessionOver(at('10:00'), '2026-11-20T10:00:00Z')).toBe(true);
    expect(sessionOver(at('10:00'), '2026-11-20T09:59:59Z')).toBe(false);
  });

  it('final orders match nothing', () => {
    const order = placed({ quantity: 10 });
    const filled = record(order, matchOrder(order, quote(), options())).state as typeof order;
    expect(filled.status).toBe('FILLED');
    expect(matchOrder(filled, quote(), options())).toEqual({ fills: [] });
  });
});

describe('configuration', () => {
  it('is deterministic: the same order and quote give the same fill id and figures', () => {
    const order = placed({ quantity: 10 });
    expect(matchOrder(order, quote(), options({ slippageBps: 3 }))).toEqual(matchOrder(order, quote(), options({ slippageBps: 3 })));
  });

  it.each<[string, Partial<MatchOptions>]>([
    ['negative slippage', { slippageBps: -1 }],
    ['a zero volume share', { maxFillFractionOfVolume: 0 }],
    ['a volume share above 1', { maxFillFractionOfVolume: 1.5 }],
    ['a zero lot', { instrument: { ...EQ, lotSize: 0 } }],
  ])('refuses %s', (_label, over) => {
    let caught: unknown;
    try {
      matchOrder(placed(), quote(), options(over));
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).code).toBe('PAPER_BROKER_CONFIG_INVALID');
  });
});
