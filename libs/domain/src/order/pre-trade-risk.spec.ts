import { checkPreTrade, requiredReservation, valuationPrice, type PreTradeOrder } from './pre-trade-risk';
import { NIFTY_CE, NIFTY_FUT, RELIANCE, riskContext, type RiskOverrides } from './testing/order-fixtures';

/** BUY 10 RELIANCE LIMIT 147,000 MIS unless overridden. */
const order = (o: Partial<PreTradeOrder> = {}): PreTradeOrder => ({
  side: 'BUY',
  quantity: 10,
  orderType: 'LIMIT',
  limitPricePaise: 147000,
  triggerPricePaise: null,
  product: 'MIS',
  ...o,
});
const check = (o: Partial<PreTradeOrder> = {}, r: RiskOverrides = {}) => checkPreTrade(order(o), riskContext(r));
const codeOf = (o: Partial<PreTradeOrder> = {}, r: RiskOverrides = {}) => {
  const result = check(o, r);
  return result.ok ? 'OK' : result.code;
};

describe('accepted orders and their reservation', () => {
  it('reserves quantity x limit for a LIMIT buy', () => {
    // 10 x 147,000 = 1,470,000
    expect(check()).toEqual({ ok: true, reservedPaise: 1_470_000 });
  });

  it('values a MARKET buy at the context reference price, not the instrument default', () => {
    // 10 x 150,000 (context) = 1,500,000; the instrument's own 148,000 is not used
    expect(check({ orderType: 'MARKET', limitPricePaise: null })).toEqual({ ok: true, reservedPaise: 1_500_000 });
  });

  it('values an SL-M buy at the higher of trigger and reference, an SL-M sell at the reference', () => {
    const slm = { orderType: 'SL-M' as const, limitPricePaise: null };
    // max(152,000, 150,000) = 152,000; x 10 = 1,520,000
    expect(check({ ...slm, triggerPricePaise: 152000 })).toEqual({ ok: true, reservedPaise: 1_520_000 });
    // max(149,000, 150,000) = 150,000; x 10 = 1,500,000
    expect(check({ ...slm, triggerPricePaise: 149000 })).toEqual({ ok: true, reservedPaise: 1_500_000 });
    expect(valuationPrice({ ...slm, side: 'SELL', triggerPricePaise: 149000 }, 150000)).toBe(150000);
    expect(valuationPrice({ ...slm, side: 'SELL', triggerPricePaise: 155000 }, 150000)).toBe(150000);
  });

  it('values an SL order at its limit', () => {
    // 10 x 153,000 = 1,530,000
    expect(check({ orderType: 'SL', limitPricePaise: 153000, triggerPricePaise: 152000 })).toEqual({ ok: true, reservedPaise: 1_530_000 });
  });

  it('reserves only the part of a sell that opens or grows a short', () => {
    const sell = order({ side: 'SELL', limitPricePaise: 150000 });
    const ctx = (positionQuantity: number, openSellQuantity: number, openBuyQuantity = 0) => ({ positionQuantity, openBuyQuantity, openSellQuantity, referencePricePaise: 150000 });
    // flat: all 10 open a short: 10 x 150,000
    expect(requiredReservation(sell, ctx(0, 0))).toBe(1_500_000);
    // long 4: 10 - 4 = 6 short: 6 x 150,000 = 900,000
    expect(requiredReservation(sell, ctx(4, 0))).toBe(900_000);
    // long 10 but 4 already being sold: covered 10 - 4 = 6, short 4 x 150,000 = 600,000
    expect(requiredReservation(sell, ctx(10, 4))).toBe(600_000);
    // long 12: fully covered
    expect(requiredReservation(sell, ctx(12, 0))).toBe(0);
    // already short 5: the whole sell grows the short
    expect(requiredReservation(sell, ctx(-5, 0))).toBe(1_500_000);
  });

  it('never counts an open buy as cover for a sell', () => {
    const sell = order({ side: 'SELL', limitPricePaise: 150000 });
    const ctx = (positionQuantity: number, openBuyQuantity: number, openSellQuantity = 0) => ({ positionQuantity, openBuyQuantity, openSellQuantity, referencePricePaise: 150000 });
    // flat with a buy of 1,000 open: the sell of 10 still opens a short of 10: 10 x 150,000
    expect(requiredReservation(sell, ctx(0, 1000))).toBe(1_500_000);
    // long 4 with a buy of 6 open: only the 4 held cover, 6 x 150,000 = 900,000
    expect(requiredReservation(sell, ctx(4, 6))).toBe(900_000);
    // short 5 with a buy of 5 open (a cover not yet filled): the whole sell is short
    expect(requiredReservation(sell, ctx(-5, 5))).toBe(1_500_000);
  });

  it('refuses a short sale that only an open buy would cover (Rs 1,000 of cash, SELL 1000 ITC LIMIT 450)', () => {
    // 1,000 x 45,000 = 45,000,000 paise (Rs 4.5 lakh) against 100,000 paise (Rs 1,000) of buying power
    const sell = { side: 'SELL' as const, quantity: 1000, limitPricePaise: 45_000 };
    const poor = { account: { buyingPowerPaise: 100_000 } };
    expect(codeOf(sell, poor)).toBe('INSUFFICIENT_FUNDS');
    expect(check(sell, { ...poor, openBuyQuantity: 1000 })).toEqual({ ok: false, code: 'INSUFFICIENT_FUNDS', reason: 'needs Rs 4,50,000.00, buying power is Rs 1,000.00' });
  });

  it('accepts a covered sell when buying power is below zero (a fill that cost more than its reservation)', () => {
    // long 665 bought at 1,504.60 with 10 lakh reserved at 1,500.00: cash and buying power end at -Rs 648.87
    expect(check({ side: 'SELL', quantity: 665, orderType: 'MARKET', limitPricePaise: null }, { positionQuantity: 665, account: { buyingPowerPaise: -64_887 } })).toEqual({ ok: true, reservedPaise: 0 });
    // a sell larger than the holding still reserves its short part, and is refused
    expect(codeOf({ side: 'SELL', quantity: 666, orderType: 'MARKET', limitPricePaise: null }, { positionQuantity: 665, account: { buyingPowerPaise: -64_887 } })).toBe('INSUFFICIENT_FUNDS');
  });

  it('accepts a covered CNC sell with no buying power at all', () => {
    expect(check({ side: 'SELL', product: 'CNC' }, { positionQuantity: 10, account: { buyingPowerPaise: 0 } })).toEqual({ ok: true, reservedPaise: 0 });
  });
});

describe('TRADING_HALTED', () => {
  it('refuses everything on a halted account, before any other rule', () => {
    expect(check({}, { account: { halted: true } })).toEqual({ ok: false, code: 'TRADING_HALTED', reason: 'trading is halted for this account' });
    expect(codeOf({}, { account: { halted: true }, now: '2026-11-21T10:00:00+05:30' })).toBe('TRADING_HALTED');
  });

  it('refuses exits too, unlike the daily loss limit: a halt is an explicit human stop', () => {
    // long 10, SELL 10 closes it (10 - 10 = 0); still refused
    expect(codeOf({ side: 'SELL' }, { account: { halted: true }, positionQuantity: 10 })).toBe('TRADING_HALTED');
    // short 10, BUY 4 covers part of it (-10 + 4 = -6); still refused, also with the loss limit reached
    expect(codeOf({ quantity: 4 }, { account: { halted: true, dailyLossLimitPaise: 500_000, realizedTodayPaise: -500_000 }, positionQuantity: -10 })).toBe('TRADING_HALTED');
  });
});

describe('market phase', () => {
  it.each([
    ['2026-11-21T10:00:00+05:30', 'MARKET_CLOSED_WEEKEND'], // Saturday
    ['2026-11-22T10:00:00+05:30', 'MARKET_CLOSED_WEEKEND'], // Sunday
    ['2026-12-25T10:00:00+05:30', 'MARKET_CLOSED_HOLIDAY'],
    ['2026-11-20T08:59:00+05:30', 'MARKET_CLOSED'],
    ['2026-11-20T09:10:00+05:30', 'MARKET_CLOSED'], // between pre-open entry and the open
    ['2026-11-20T15:30:00+05:30', 'MARKET_CLOSED'],
    ['2026-11-20T15:45:00+05:30', 'MARKET_CLOSED'], // closing session
    ['2026-11-19T20:00:00Z', 'MARKET_CLOSED'], // Friday 01:30 IST
    ['2026-11-20T09:15:00+05:30', 'OK'],
    ['2026-11-20T03:45:00Z', 'OK'], // 09:15 IST
    ['2026-11-20T15:29:00+05:30', 'OK'],
  ])('at %s: %s', (now, code) => {
    // CNC so that the MIS cut-off does not interfere late in the day
    expect(codeOf({ product: 'CNC' }, { now })).toBe(code);
  });

  it('takes only equity MARKET and LIMIT orders in the pre-open window', () => {
    const now = '2026-11-20T09:05:00+05:30';
    expect(codeOf({}, { now })).toBe('OK');
    expect(codeOf({ orderType: 'MARKET', limitPricePaise: null }, { now })).toBe('OK');
    expect(codeOf({ orderType: 'SL', limitPricePaise: 153000, triggerPricePaise: 152000 }, { now })).toBe('MARKET_CLOSED');
    expect(codeOf({ orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 152000 }, { now })).toBe('MARKET_CLOSED');
    expect(codeOf({ quantity: 75, limitPricePaise: 20000 }, { now, instrument: NIFTY_CE })).toBe('MARKET_CLOSED');
  });

  it('is skipped when asked (modifications)', () => {
    const result = checkPreTrade(order(), riskContext({ now: '2026-11-21T10:00:00+05:30' }), { skipMarketPhase: true });
    expect(result).toEqual({ ok: true, reservedPaise: 1_470_000 });
  });
});

describe('INSTRUMENT_EXPIRED', () => {
  const option = (expiry: string) => ({ ...NIFTY_CE, expiry });
  it('refuses a contract whose expiry is before the IST date of now, and allows expiry day', () => {
    const buy = { quantity: 75, limitPricePaise: 20000 };
    expect(codeOf(buy, { instrument: option('2026-11-19') })).toBe('INSTRUMENT_EXPIRED');
    expect(codeOf(buy, { instrument: option('2026-11-20') })).toBe('OK');
    // 2026-11-20T04:00Z is 09:30 IST on the 20th: expiry 19th has passed in IST
    expect(codeOf(buy, { instrument: option('2026-11-19'), now: '2026-11-20T04:00:00Z' })).toBe('INSTRUMENT_EXPIRED');
  });
});

describe('PRODUCT_NOT_ALLOWED', () => {
  it.each([
    ['CNC', 'EQ', 'OK', RELIANCE],
    ['CNC', 'OPT', 'PRODUCT_NOT_ALLOWED', NIFTY_CE],
    ['CNC', 'FUT', 'PRODUCT_NOT_ALLOWED', NIFTY_FUT],
    ['NRML', 'EQ', 'PRODUCT_NOT_ALLOWED', RELIANCE],
    ['NRML', 'OPT', 'OK', NIFTY_CE],
    ['NRML', 'FUT', 'OK', NIFTY_FUT],
    ['MIS', 'EQ', 'OK', RELIANCE],
    ['MIS', 'FUT', 'OK', NIFTY_FUT],
  ] as const)('%s on %s: %s', (product, _segment, code, instrument) => {
    // one lot at 200.00 rupees
    expect(codeOf({ product, quantity: instrument.lotSize, limitPricePaise: 20000 }, { instrument })).toBe(code);
  });
});

describe('MIS_CUTOFF_PASSED', () => {
  it.each([
    ['15:19', 'EQ', 'MIS', 'OK', RELIANCE],
    ['15:20', 'EQ', 'MIS', 'MIS_CUTOFF_PASSED', RELIANCE],
    ['15:20', 'EQ', 'CNC', 'OK', RELIANCE],
    ['15:24', 'OPT', 'MIS', 'OK', NIFTY_CE],
    ['15:25', 'OPT', 'MIS', 'MIS_CUTOFF_PASSED', NIFTY_CE],
    ['15:25', 'OPT', 'NRML', 'OK', NIFTY_CE],
  ] as const)('at %s IST on %s %s: %s', (time, _segment, product, code, instrument) => {
    expect(codeOf({ product, quantity: instrument.lotSize, limitPricePaise: 20000 }, { instrument, now: `2026-11-20T${time}:00+05:30` })).toBe(code);
  });

  it('still takes an MIS order that only reduces the position after the cut-off (the square-off itself)', () => {
    const late = { instrument: RELIANCE, now: '2026-11-20T15:21:00+05:30' };
    // long 10: selling 10 closes, selling 4 reduces, selling 11 would open a short
    expect(codeOf({ product: 'MIS', side: 'SELL', quantity: 10, limitPricePaise: 20000 }, { ...late, positionQuantity: 10 })).toBe('OK');
    expect(codeOf({ product: 'MIS', side: 'SELL', quantity: 4, limitPricePaise: 20000 }, { ...late, positionQuantity: 10 })).toBe('OK');
    expect(codeOf({ product: 'MIS', side: 'SELL', quantity: 11, limitPricePaise: 20000 }, { ...late, positionQuantity: 10 })).toBe('MIS_CUTOFF_PASSED');
    // short 5: buying 5 covers
    expect(codeOf({ product: 'MIS', side: 'BUY', quantity: 5, limitPricePaise: 20000 }, { ...late, positionQuantity: -5 })).toBe('OK');
  });
});

describe('LOT_SIZE_MISMATCH', () => {
  it('needs whole lots', () => {
    const opt = { product: 'NRML' as const, limitPricePaise: 20000 };
    expect(codeOf({ ...opt, quantity: 50 }, { instrument: NIFTY_CE })).toBe('LOT_SIZE_MISMATCH');
    expect(codeOf({ ...opt, quantity: 76 }, { instrument: NIFTY_CE })).toBe('LOT_SIZE_MISMATCH');
    expect(codeOf({ ...opt, quantity: 150 }, { instrument: NIFTY_CE })).toBe('OK');
  });
});

describe('PRICE_NOT_ON_TICK', () => {
  it('checks limit and trigger against the 5-paise tick', () => {
    expect(codeOf({ limitPricePaise: 147003 })).toBe('PRICE_NOT_ON_TICK');
    expect(codeOf({ orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 152001 })).toBe('PRICE_NOT_ON_TICK');
    expect(codeOf({ orderType: 'SL', limitPricePaise: 153000, triggerPricePaise: 152002 })).toBe('PRICE_NOT_ON_TICK');
    expect(codeOf({ limitPricePaise: 147005 })).toBe('OK');
  });

  it('says it in rupees', () => {
    expect(check({ limitPricePaise: 147503 + 1 })).toMatchObject({ reason: 'price Rs 1,475.04 is not a multiple of the tick Rs 0.05' });
  });
});

describe('ORDER_VALUE_LIMIT', () => {
  it('compares quantity x valuation price with the limit (equal passes)', () => {
    // 10 x 147,000 = 1,470,000
    expect(codeOf({}, { account: { maxOrderValuePaise: 1_470_000 } })).toBe('OK');
    expect(codeOf({}, { account: { maxOrderValuePaise: 1_469_999 } })).toBe('ORDER_VALUE_LIMIT');
    // MARKET: 10 x 150,000 = 1,500,000 > 1,499,999
    expect(codeOf({ orderType: 'MARKET', limitPricePaise: null }, { account: { maxOrderValuePaise: 1_499_999 } })).toBe('ORDER_VALUE_LIMIT');
  });

  it('says it in rupees with Indian grouping', () => {
    expect(check({ quantity: 1000, limitPricePaise: 80_000 }, { account: { maxOrderValuePaise: 50_000_000, buyingPowerPaise: 1_000_000_000 } })).toMatchObject({
      code: 'ORDER_VALUE_LIMIT',
      reason: 'order value Rs 8,00,000.00 is above the limit of Rs 5,00,000.00',
    });
  });

  it('refuses a value beyond safe integers even without a limit', () => {
    // 2^40 x 147,000 > 2^53
    expect(codeOf({ quantity: 2 ** 40 }, { account: { buyingPowerPaise: Number.MAX_SAFE_INTEGER } })).toBe('ORDER_VALUE_LIMIT');
  });
});

describe('DAILY_LOSS_LIMIT', () => {
  const hit = { dailyLossLimitPaise: 500_000, realizedTodayPaise: -500_000 };
  const sell = (quantity: number): Partial<PreTradeOrder> => ({ side: 'SELL', quantity, limitPricePaise: 150000 });

  it('refuses once the realized loss today reaches the limit', () => {
    expect(codeOf({}, { account: { dailyLossLimitPaise: 500_000, realizedTodayPaise: -500_000 } })).toBe('DAILY_LOSS_LIMIT');
    expect(codeOf({}, { account: { dailyLossLimitPaise: 500_000, realizedTodayPaise: -600_000 } })).toBe('DAILY_LOSS_LIMIT');
    expect(codeOf({}, { account: { dailyLossLimitPaise: 500_000, realizedTodayPaise: -499_999 } })).toBe('OK');
    expect(codeOf({}, { account: { dailyLossLimitPaise: null, realizedTodayPaise: -99_000_000 } })).toBe('OK');
    expect(check({}, { account: hit })).toEqual({
      ok: false,
      code: 'DAILY_LOSS_LIMIT',
      reason: 'realized -Rs 5,000.00 today reaches the daily loss limit of Rs 5,000.00; only orders that reduce the position are taken',
    });
  });

  it('refuses orders that add exposure: opening, adding, and flipping past zero', () => {
    // flat: 0 + 10 = 10, |10| > |0|
    expect(codeOf({}, { account: hit })).toBe('DAILY_LOSS_LIMIT');
    // long 10, BUY 10: 10 + 10 = 20 > 10
    expect(codeOf({}, { account: hit, positionQuantity: 10 })).toBe('DAILY_LOSS_LIMIT');
    // short 10, SELL 5: -10 - 5 = -15, |-15| > |-10|
    expect(codeOf(sell(5), { account: hit, positionQuantity: -10 })).toBe('DAILY_LOSS_LIMIT');
    // long 10, SELL 11: 10 - 11 = -1: smaller in size but a new short
    expect(codeOf(sell(11), { account: hit, positionQuantity: 10 })).toBe('DAILY_LOSS_LIMIT');
    // short 10, BUY 12: -10 + 12 = 2: a new long
    expect(codeOf({ quantity: 12 }, { account: hit, positionQuantity: -10 })).toBe('DAILY_LOSS_LIMIT');
  });

  it('takes orders that only reduce or close the position, so a losing position can still be exited', () => {
    // long 10, SELL 4: 10 - 4 = 6; SELL 10: 10 - 10 = 0 (closed); covered, so nothing is reserved
    expect(check(sell(4), { account: hit, positionQuantity: 10 })).toEqual({ ok: true, reservedPaise: 0 });
    expect(check(sell(10), { account: hit, positionQuantity: 10 })).toEqual({ ok: true, reservedPaise: 0 });
    // short 10, BUY 4: -10 + 4 = -6; BUY 10: 0. A cover holds its value: 10 x 147,000 = 1,470,000
    expect(codeOf({ quantity: 4 }, { account: hit, positionQuantity: -10 })).toBe('OK');
    expect(check({}, { account: hit, positionQuantity: -10 })).toEqual({ ok: true, reservedPaise: 1_470_000 });
    // a delivery (CNC) exit of shares held
    expect(codeOf({ ...sell(10), product: 'CNC' }, { account: hit, positionQuantity: 10 })).toBe('OK');
  });

  it('counts the other working orders of the same side as filled, and never those of the other side', () => {
    // long 10 with 6 already being sold: 10 - 6 = 4 left; SELL 4 is an exit, SELL 5 is not
    expect(codeOf(sell(4), { account: hit, positionQuantity: 10, openSellQuantity: 6 })).toBe('OK');
    expect(codeOf(sell(5), { account: hit, positionQuantity: 10, openSellQuantity: 6 })).toBe('DAILY_LOSS_LIMIT');
    // long 10 with a buy of 5 open: SELL 10 closes the 10 held
    expect(codeOf(sell(10), { account: hit, positionQuantity: 10, openBuyQuantity: 5 })).toBe('OK');
    // flat with a buy of 10 open: a SELL 10 is no exit (nothing is held), it opens a short
    expect(codeOf(sell(10), { account: hit, openBuyQuantity: 10 })).toBe('DAILY_LOSS_LIMIT');
    // short 10 with a sell of 10 open: BUY 10 still only covers the short
    expect(codeOf({}, { account: hit, positionQuantity: -10, openSellQuantity: 10 })).toBe('OK');
    // short 10 with a buy of 10 open already covering it: another BUY 10 would open a long
    expect(codeOf({}, { account: hit, positionQuantity: -10, openBuyQuantity: 10 })).toBe('DAILY_LOSS_LIMIT');
  });

  it('lets an exit through to the later rules, which still apply', () => {
    // short 10, BUY 10 reduces but needs 10 x 147,000 = 1,470,000 of buying power, and has 1,469,999
    expect(codeOf({}, { account: { ...hit, buyingPowerPaise: 1_469_999 }, positionQuantity: -10 })).toBe('INSUFFICIENT_FUNDS');
  });
});

describe('POSITION_LIMIT', () => {
  it('projects position + other working orders of the same side + this order, long or short', () => {
    const limit = { maxPositionQuantity: 100 };
    // 80 + 10 + 10 = 100: at the limit passes
    expect(codeOf({}, { account: limit, positionQuantity: 80, openBuyQuantity: 10 })).toBe('OK');
    // 80 + 11 + 10 = 101 > 100
    expect(codeOf({}, { account: limit, positionQuantity: 80, openBuyQuantity: 11 })).toBe('POSITION_LIMIT');
    // open sells do not make room for buys: they may be cancelled, or fill after the buy
    expect(codeOf({}, { account: limit, positionQuantity: 80, openBuyQuantity: 11, openSellQuantity: 50 })).toBe('POSITION_LIMIT');
    // short: -95 - 0 - 10 = -105, |-105| > 100
    expect(codeOf({ side: 'SELL' }, { account: limit, positionQuantity: -95 })).toBe('POSITION_LIMIT');
    // -85 - 6 - 10 = -101 with open buys beside it
    expect(codeOf({ side: 'SELL' }, { account: limit, positionQuantity: -85, openSellQuantity: 6, openBuyQuantity: 50 })).toBe('POSITION_LIMIT');
    // reducing an oversized long: 120 - 30 = 90
    expect(codeOf({ side: 'SELL', quantity: 30 }, { account: limit, positionQuantity: 120 })).toBe('OK');
  });
});

describe('INSUFFICIENT_HOLDINGS', () => {
  const cncSell = { side: 'SELL' as const, product: 'CNC' as const };
  it('lets a delivery sell only what is held and not already being sold', () => {
    expect(codeOf(cncSell, { positionQuantity: 10 })).toBe('OK');
    // 10 held, 1 already being sold: 9 available < 10
    expect(check(cncSell, { positionQuantity: 10, openSellQuantity: 1 })).toEqual({
      ok: false,
      code: 'INSUFFICIENT_HOLDINGS',
      reason: 'selling 10 but only 9 held and not already being sold',
    });
    // pending buys are not holdings yet, but do not reduce what is held
    expect(codeOf(cncSell, { positionQuantity: 10, openBuyQuantity: 5 })).toBe('OK');
    expect(codeOf(cncSell, { positionQuantity: 5, openBuyQuantity: 5 })).toBe('INSUFFICIENT_HOLDINGS');
    // a buy beside a sell does not free shares for a second sell: 10 held, 10 being sold, 0 available
    expect(codeOf(cncSell, { positionQuantity: 10, openBuyQuantity: 10, openSellQuantity: 10 })).toBe('INSUFFICIENT_HOLDINGS');
    expect(codeOf(cncSell, { positionQuantity: 0 })).toBe('INSUFFICIENT_HOLDINGS');
  });

  it('does not apply to intraday sells, which may go short', () => {
    expect(codeOf({ side: 'SELL', product: 'MIS' }, { positionQuantity: 0 })).toBe('OK');
  });
});

describe('INSUFFICIENT_FUNDS', () => {
  it('compares the reservation with buying power (equal passes)', () => {
    // needs 10 x 147,000 = 1,470,000
    expect(check({}, { account: { buyingPowerPaise: 1_470_000 } })).toEqual({ ok: true, reservedPaise: 1_470_000 });
    expect(check({}, { account: { buyingPowerPaise: 1_469_999 } })).toEqual({
      ok: false,
      code: 'INSUFFICIENT_FUNDS',
      reason: 'needs Rs 14,700.00, buying power is Rs 14,699.99',
    });
  });

  it('only charges the short part of a sell', () => {
    // long 4, sell 10 at 150,000: 6 x 150,000 = 900,000
    expect(check({ side: 'SELL', limitPricePaise: 150000 }, { positionQuantity: 4, account: { buyingPowerPaise: 900_000 } })).toEqual({ ok: true, reservedPaise: 900_000 });
    expect(codeOf({ side: 'SELL', limitPricePaise: 150000 }, { positionQuantity: 4, account: { buyingPowerPaise: 899_999 } })).toBe('INSUFFICIENT_FUNDS');
  });
});

describe('rule order', () => {
  it('reports the first failing rule in the documented order', () => {
    const broke = { account: { buyingPowerPaise: 0, maxOrderValuePaise: 1, maxPositionQuantity: 1 } };
    // weekend beats everything but the halt
    expect(codeOf({ limitPricePaise: 147003 }, { ...broke, now: '2026-11-21T10:00:00+05:30' })).toBe('MARKET_CLOSED_WEEKEND');
    // expired beats wrong product
    expect(codeOf({ product: 'CNC', quantity: 75, limitPricePaise: 20000 }, { instrument: { ...NIFTY_CE, expiry: '2026-11-01' } })).toBe('INSTRUMENT_EXPIRED');
    // lot beats tick beats value beats position beats funds
    expect(codeOf({ quantity: 7, limitPricePaise: 20003 }, { ...broke, instrument: NIFTY_CE })).toBe('LOT_SIZE_MISMATCH');
    expect(codeOf({ limitPricePaise: 147003 }, broke)).toBe('PRICE_NOT_ON_TICK');
    expect(codeOf({}, broke)).toBe('ORDER_VALUE_LIMIT');
    expect(codeOf({}, { account: { buyingPowerPaise: 0, maxPositionQuantity: 1, dailyLossLimitPaise: 1, realizedTodayPaise: -1 } })).toBe('DAILY_LOSS_LIMIT');
    expect(codeOf({}, { account: { buyingPowerPaise: 0, maxPositionQuantity: 1 } })).toBe('POSITION_LIMIT');
    expect(codeOf({ side: 'SELL', product: 'CNC' }, { account: { buyingPowerPaise: 0 } })).toBe('INSUFFICIENT_HOLDINGS');
  });
});
