import type { AccountDoc } from '../projections/accounts.projection';
import type { PositionDoc } from '../projections/positions.projection';

export interface PortfolioPosition {
  instrument: string;
  /** Signed: long +, short -. 0 for a closed position (kept for its realized P&L). */
  quantity: number;
  /** Display only. */
  averagePricePaise: number;
  costBasisPaise: number;
  /** Null when no fill price is known for the instrument. */
  lastPricePaise: number | null;
  /** False when an open position has no last price: it is then valued at its average price (unrealized 0). */
  priced: boolean;
  /** last x quantity (negative for a short). */
  marketValuePaise: number;
  /** last x quantity - sign(quantity) x costBasis = (last - average) x quantity, in whole paise. Before exit charges. */
  unrealizedPnlPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
  status: 'OPEN' | 'CLOSED';
}

export interface Portfolio {
  accountId: string;
  cashPaise: number;
  reservedPaise: number;
  buyingPowerPaise: number;
  marketValuePaise: number;
  /** cash + market value (short market value is negative, its sale proceeds are in cash). */
  equityPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
  unrealizedPnlPaise: number;
  /** realizedNet + unrealized. */
  totalPnlPaise: number;
  /** False when at least one open position has no last price (see unpricedInstruments). */
  priced: boolean;
  unpricedInstruments: string[];
  /** Ordered by instrument. */
  positions: PortfolioPosition[];
}

function valuePosition(position: PositionDoc, lastPrice: number | undefined): PortfolioPosition {
  const { quantity, costBasisPaise } = position;
  const base = {
    instrument: position.instrument,
    quantity,
    averagePricePaise: position.averagePricePaise,
    costBasisPaise,
    lastPricePaise: lastPrice ?? null,
    realizedGrossPaise: position.realizedGrossPaise,
    realizedNetPaise: position.realizedNetPaise,
    feesPaise: position.feesPaise,
    status: position.status,
  };
  if (quantity === 0) return { ...base, priced: true, marketValuePaise: 0, unrealizedPnlPaise: 0 };
  if (lastPrice === undefined) {
    // Valued at its own average: average x quantity = sign x costBasis exactly, so unrealized is 0.
    return { ...base, priced: false, marketValuePaise: Math.sign(quantity) * costBasisPaise, unrealizedPnlPaise: 0 };
  }
  const marketValuePaise = lastPrice * quantity;
  return { ...base, priced: true, marketValuePaise, unrealizedPnlPaise: marketValuePaise - Math.sign(quantity) * costBasisPaise };
}

/** The account's portfolio at the given last prices. Pure: the caller reads the three inputs from the read store. */
export function composePortfolio(account: AccountDoc, positions: readonly PositionDoc[], prices: ReadonlyMap<string, number>): Portfolio {
  const foreign = positions.find((p) => p.accountId !== account.accountId);
  if (foreign) throw new RangeError(`position ${foreign.accountId}|${foreign.instrument} does not belong to account ${account.accountId}`);
  const valued = [...positions]
    .sort((a, b) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0))
    .map((p) => valuePosition(p, prices.get(p.instrument)));
  const sum = (pick: (p: PortfolioPosition) => number) => valued.reduce((total, p) => total + pick(p), 0);
  const marketValuePaise = sum((p) => p.marketValuePaise);
  const realizedNetPaise = sum((p) => p.realizedNetPaise);
  const unrealizedPnlPaise = sum((p) => p.unrealizedPnlPaise);
  const unpricedInstruments = valued.filter((p) => !p.priced).map((p) => p.instrument);
  return {
    accountId: account.accountId,
    cashPaise: account.cashPaise,
    reservedPaise: account.reservedPaise,
    buyingPowerPaise: account.buyingPowerPaise,
    marketValuePaise,
    equityPaise: account.cashPaise + marketValuePaise,
    realizedGrossPaise: sum((p) => p.realizedGrossPaise),
    realizedNetPaise,
    feesPaise: sum((p) => p.feesPaise),
    unrealizedPnlPaise,
    totalPnlPaise: realizedNetPaise + unrealizedPnlPaise,
    priced: unpricedInstruments.length === 0,
    unpricedInstruments,
    positions: valued,
  };
}
