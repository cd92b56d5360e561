import type { AccountEvent } from '../account/account.events';
import type { IsoInstant, Paise } from '../common/types';
import type { MarketMark } from '../market/market-prices';

/*
 * Portfolio composition and marking: the one home of these figures. The live portfolio (read models), the portfolio
 * as of an instant (the log), the analyst's tools and the performance curve all call it.
 *
 *   market value of a holding = quantity x mark          (a short is negative: its sale proceeds are in cash)
 *   unrealized of a holding   = quantity x mark - sign(quantity) x costBasis = (mark - average) x quantity
 *   equity                    = cash + Σ market value
 *   net money in              = initial cash + deposits - withdrawals
 *   total P&L                 = equity - net money in
 *                             = realized net + unrealized - charges paid on the open quantity
 * The mark is the market price of the feed (recorded in the log); an open holding without one is valued at its own
 * cost (sign x costBasis, unrealized 0) and flagged markSource 'COST', never at another account's fill.
 */

/** Where a holding's mark came from: the market feed, or its own cost basis when the feed has no price for it. */
export type MarkSource = 'MARKET' | 'COST';

/** What a position contributes, as its stream (or read model) has it. */
export interface HoldingInput {
  instrument: string;
  /** Signed: long +, short -; 0 for a flat position kept for its realized P&L. */
  quantity: number;
  /** Absolute entry value of the open quantity. */
  costBasisPaise: Paise;
  /** Entry charges of the open quantity (not yet realized). */
  openFeesPaise: Paise;
  realizedGrossPaise: Paise;
  realizedNetPaise: Paise;
  /** Every charge paid on the instrument. */
  feesPaise: Paise;
}

export interface CashInput {
  cashPaise: Paise;
  reservedPaise: Paise;
  /** Initial cash + deposits - withdrawals. */
  netInflowPaise: Paise;
}

export interface ValuedHolding extends HoldingInput {
  /** Display only (a float): costBasis / |quantity|, 0 when flat. */
  averagePricePaise: number;
  /** The market price the holding is marked at; null when flat or marked at cost. */
  lastPricePaise: number | null;
  /** Null when flat. */
  markSource: MarkSource | null;
  /** Business time of the market price; null when marked at cost or flat. */
  markedAt: IsoInstant | null;
  /** False when an open holding has no market price (marked at cost). */
  priced: boolean;
  marketValuePaise: Paise;
  /** Before exit charges. */
  unrealizedPnlPaise: Paise;
  status: 'OPEN' | 'CLOSED';
}

export interface PortfolioFigures {
  cashPaise: Paise;
  reservedPaise: Paise;
  buyingPowerPaise: Paise;
  netInflowPaise: Paise;
  marketValuePaise: Paise;
  equityPaise: Paise;
  realizedGrossPaise: Paise;
  realizedNetPaise: Paise;
  feesPaise: Paise;
  unrealizedPnlPaise: Paise;
  /** Charges paid on the open quantity: in cash already, not yet in a realized figure. */
  openChargesPaise: Paise;
  /** equity - net money in. */
  totalPnlPaise: Paise;
  /** The parts of total P&L: realizedNet + unrealized - openCharges = total. */
  pnlSplit: { realizedNetPaise: Paise; unrealizedPnlPaise: Paise; openChargesPaise: Paise };
  /** False when an open holding is marked at cost. */
  priced: boolean;
  /** Open holdings marked at cost, ordered. */
  unpricedInstruments: string[];
  /** Ordered by instrument. */
  positions: ValuedHolding[];
}

/** Unrealized P&L of a holding at a price: price x quantity - sign(quantity) x costBasis = (price - average) x quantity, exact. */
export function unrealizedAt(quantity: number, costBasisPaise: Paise, pricePaise: Paise): Paise {
  return pricePaise * quantity - Math.sign(quantity) * costBasisPaise;
}

/** The value of one holding at a mark (or at its own cost without one). */
export function markHolding(quantity: number, costBasisPaise: Paise, mark: MarketMark | undefined): { marketValuePaise: Paise; unrealizedPnlPaise: Paise; markSource: MarkSource | null; lastPricePaise: number | null; markedAt: IsoInstant | null } {
  if (quantity === 0) return { marketValuePaise: 0, unrealizedPnlPaise: 0, markSource: null, lastPricePaise: null, markedAt: null };
  if (mark === undefined) {
    // At its own average: average x quantity = sign x costBasis exactly, so unrealized is 0.
    return { marketValuePaise: Math.sign(quantity) * costBasisPaise, unrealizedPnlPaise: 0, markSource: 'COST', lastPricePaise: null, markedAt: null };
  }
  return { marketValuePaise: mark.pricePaise * quantity, unrealizedPnlPaise: unrealizedAt(quantity, costBasisPaise, mark.pricePaise), markSource: 'MARKET', lastPricePaise: mark.pricePaise, markedAt: mark.at };
}

const byInstrument = (a: { instrument: string }, b: { instrument: string }) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0);

/** The portfolio of one account: its cash, its holdings and the market's marks. Pure. */
export function composePortfolio(cash: CashInput, holdings: readonly HoldingInput[], marks: ReadonlyMap<string, MarketMark>): PortfolioFigures {
  const positions: ValuedHolding[] = [...holdings].sort(byInstrument).map((h) => {
    const valued = markHolding(h.quantity, h.costBasisPaise, marks.get(h.instrument));
    return {
      instrument: h.instrument,
      quantity: h.quantity,
      costBasisPaise: h.costBasisPaise,
      openFeesPaise: h.quantity === 0 ? 0 : h.openFeesPaise,
      realizedGrossPaise: h.realizedGrossPaise,
      realizedNetPaise: h.realizedNetPaise,
      feesPaise: h.feesPaise,
      averagePricePaise: h.quantity === 0 ? 0 : h.costBasisPaise / Math.abs(h.quantity),
      ...valued,
      priced: valued.markSource !== 'COST',
      status: h.quantity === 0 ? 'CLOSED' : 'OPEN',
    };
  });
  const sum = (pick: (p: ValuedHolding) => number) => positions.reduce((total, p) => total + pick(p), 0);
  const marketValuePaise = sum((p) => p.marketValuePaise);
  const equityPaise = cash.cashPaise + marketValuePaise;
  const realizedNetPaise = sum((p) => p.realizedNetPaise);
  const unrealizedPnlPaise = sum((p) => p.unrealizedPnlPaise);
  const openChargesPaise = sum((p) => p.openFeesPaise);
  const unpricedInstruments = positions.filter((p) => !p.priced).map((p) => p.instrument);
  return {
    cashPaise: cash.cashPaise,
    reservedPaise: cash.reservedPaise,
    buyingPowerPaise: cash.cashPaise - cash.reservedPaise,
    netInflowPaise: cash.netInflowPaise,
    marketValuePaise,
    equityPaise,
    realizedGrossPaise: sum((p) => p.realizedGrossPaise),
    realizedNetPaise,
    feesPaise: sum((p) => p.feesPaise),
    unrealizedPnlPaise,
    openChargesPaise,
    totalPnlPaise: equityPaise - cash.netInflowPaise,
    pnlSplit: { realizedNetPaise, unrealizedPnlPaise, openChargesPaise },
    priced: unpricedInstruments.length === 0,
    unpricedInstruments,
    positions,
  };
}

/** Initial cash + deposits - withdrawals over an account's events (the money put in, not earned). */
export function netInflowOf(events: readonly AccountEvent[]): Paise {
  let total = 0;
  for (const e of events) {
    if (e.type === 'AccountOpened') total += e.data.initialCashPaise;
    else if (e.type === 'FundsDeposited') total += e.data.amountPaise;
    else if (e.type === 'FundsWithdrawn') total -= e.data.amountPaise;
  }
  return total;
}
