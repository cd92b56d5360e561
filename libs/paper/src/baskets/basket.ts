import { InvalidCommand, optionSymbol, type IstDate, type OptionType, type Paise, type Product, type Side } from '@robo/domain';
import { deterministicId } from '../ids';
import type { OrderIntent } from '../strategies/order-intent';

export type BasketKind = 'STRADDLE' | 'STRANGLE' | 'VERTICAL_SPREAD' | 'IRON_CONDOR';

export interface BasketLeg {
  /** Stable within the basket: `CE`, `PE`, `LONG_CE`, `SHORT_PE`, ... */
  legId: string;
  instrument: string;
  side: Side;
  quantity: number;
}

/** Option legs traded together and accounted as one strategy position. */
export interface Basket {
  legGroupId: string;
  kind: BasketKind;
  underlying: string;
  expiry: IstDate;
  legs: BasketLeg[];
}

interface Common {
  legGroupId: string;
  underlying: string;
  expiry: IstDate;
  /** Units per leg (lots x lot size). */
  quantity: number;
}

const leg = (c: Common, legId: string, strikePaise: Paise, optionType: OptionType, side: Side): BasketLeg => ({
  legId,
  instrument: optionSymbol(c.underlying, c.expiry, strikePaise, optionType),
  side,
  quantity: c.quantity,
});

function basket(kind: BasketKind, c: Common, legs: BasketLeg[]): Basket {
  if (!Number.isSafeInteger(c.quantity) || c.quantity <= 0) throw new InvalidCommand('QUANTITY_INVALID', 'leg quantity must be a positive integer');
  return { legGroupId: c.legGroupId, kind, underlying: c.underlying, expiry: c.expiry, legs };
}

/** Call and put at one strike; SELL is the short straddle (collects both premiums). */
export function straddle(c: Common & { strikePaise: Paise; side: Side }): Basket {
  return basket('STRADDLE', c, [leg(c, 'CE', c.strikePaise, 'CE', c.side), leg(c, 'PE', c.strikePaise, 'PE', c.side)]);
}

/** An out-of-the-money put and call (put strike below call strike). */
export function strangle(c: Common & { putStrikePaise: Paise; callStrikePaise: Paise; side: Side }): Basket {
  if (!(c.putStrikePaise < c.callStrikePaise)) throw new InvalidCommand('BASKET_STRIKES_INVALID', 'a strangle needs the put strike below the call strike');
  return basket('STRANGLE', c, [leg(c, 'PE', c.putStrikePaise, 'PE', c.side), leg(c, 'CE', c.callStrikePaise, 'CE', c.side)]);
}

/**
 * Buy one strike and sell another of the same type: a bull call spread buys the lower CE and sells the higher,
 * a bear put spread buys the higher PE and sells the lower.
 */
export function verticalSpread(c: Common & { optionType: OptionType; longStrikePaise: Paise; shortStrikePaise: Paise }): Basket {
  if (c.longStrikePaise === c.shortStrikePaise) throw new InvalidCommand('BASKET_STRIKES_INVALID', 'a vertical spread needs two different strikes');
  return basket('VERTICAL_SPREAD', c, [leg(c, `LONG_${c.optionType}`, c.longStrikePaise, c.optionType, 'BUY'), leg(c, `SHORT_${c.optionType}`, c.shortStrikePaise, c.optionType, 'SELL')]);
}

/** Short iron condor: buy put < sell put < sell call < buy call. */
export function ironCondor(c: Common & { longPutStrikePaise: Paise; shortPutStrikePaise: Paise; shortCallStrikePaise: Paise; longCallStrikePaise: Paise }): Basket {
  const strikes = [c.longPutStrikePaise, c.shortPutStrikePaise, c.shortCallStrikePaise, c.longCallStrikePaise];
  if (strikes.some((s, i) => i > 0 && !(s > strikes[i - 1]))) throw new InvalidCommand('BASKET_STRIKES_INVALID', 'an iron condor needs long put < short put < short call < long call');
  return basket('IRON_CONDOR', c, [
    leg(c, 'LONG_PE', c.longPutStrikePaise, 'PE', 'BUY'),
    leg(c, 'SHORT_PE', c.shortPutStrikePaise, 'PE', 'SELL'),
    leg(c, 'SHORT_CE', c.shortCallStrikePaise, 'CE', 'SELL'),
    leg(c, 'LONG_CE', c.longCallStrikePaise, 'CE', 'BUY'),
  ]);
}

/**
 * The basket's opening orders, MARKET, every leg tagged with the basket's legGroupId. Bought legs come first:
 * a hedged basket asks for less margin than its naked short legs would alone, so a broker fills the hedge first.
 */
export function basketOrders(b: Basket, o: { strategyId: string; accountId: string; product: Exclude<Product, 'CNC'>; reason: string }): OrderIntent[] {
  const ordered = [...b.legs.filter((l) => l.side === 'BUY'), ...b.legs.filter((l) => l.side === 'SELL')];
  return ordered.map((l) => ({
    kind: 'PLACE',
    clientOrderId: deterministicId(b.legGroupId, 'open', l.legId),
    accountId: o.accountId,
    instrument: l.instrument,
    side: l.side,
    quantity: l.quantity,
    orderType: 'MARKET',
    limitPricePaise: null,
    triggerPricePaise: null,
    product: o.product,
    validity: 'DAY',
    strategyId: o.strategyId,
    legGroupId: b.legGroupId,
    reason: `${o.reason}: ${l.side.toLowerCase()} ${l.instrument}`,
  }));
}
