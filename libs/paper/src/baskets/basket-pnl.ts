import {
  decidePosition,
  evolvePosition,
  initialPositionState,
  InvalidCommand,
  unrealizedPnlPaise,
  type IsoInstant,
  type Paise,
  type PositionState,
  type Side,
} from '@robo/domain';

/** One execution of one leg order. */
export interface LegFill {
  legId: string;
  accountId: string;
  instrument: string;
  orderId: string;
  fillId: string;
  side: Side;
  quantity: number;
  pricePaise: Paise;
  feesPaise: Paise;
  occurredAt: IsoInstant;
}

export interface PnlFigures {
  realizedGrossPaise: Paise;
  /** Realized net of the charges of both legs of every closed part. */
  realizedNetPaise: Paise;
  /** last x qty - sign x cost basis (the domain's unrealizedPnlPaise). */
  unrealizedGrossPaise: Paise;
  /** Unrealized less the entry charges of the open quantity. */
  unrealizedNetPaise: Paise;
  totalGrossPaise: Paise;
  /** totalGross - feesPaise: every charge paid on the leg counts. */
  totalNetPaise: Paise;
  feesPaise: Paise;
}

export interface LegPnl extends PnlFigures {
  legId: string;
  instrument: string;
  /** Signed open quantity (short < 0). */
  quantity: number;
  costBasisPaise: Paise;
  lastPricePaise: Paise | null;
}

export interface BasketPnl {
  legs: LegPnl[];
  combined: PnlFigures;
}

/**
 * Per-leg and combined P&L of a basket, from the leg orders' fills alone (so two strategies trading the same
 * contract in one account still see only their own legs). Each leg is folded through the domain's position
 * decider (average cost, realized P&L net of charges, cycles), so the figures are the ones the position streams
 * would show for those fills. `lastPrices` values the open legs; an open leg without one is refused.
 */
export function basketPnl(fills: readonly LegFill[], lastPrices: Readonly<Record<string, Paise>>): BasketPnl {
  const byLeg = new Map<string, { instrument: string; state: PositionState }>();
  for (const f of fills) {
    const entry = byLeg.get(f.legId) ?? { instrument: f.instrument, state: initialPositionState };
    if (entry.instrument !== f.instrument) throw new InvalidCommand('BASKET_LEG_MISMATCH', `leg ${f.legId} has fills in ${entry.instrument} and ${f.instrument}`);
    const { legId: _legId, ...data } = f;
    for (const event of decidePosition({ type: 'ApplyFill', data }, entry.state)) entry.state = evolvePosition(entry.state, event);
    byLeg.set(f.legId, entry);
  }
  const legs = [...byLeg.entries()].map(([legId, { instrument, state }]) => legPnl(legId, instrument, state, lastPrices[instrument]));
  const sum = (pick: (l: LegPnl) => Paise) => legs.reduce((s, l) => s + pick(l), 0);
  return {
    legs,
    combined: {
      realizedGrossPaise: sum((l) => l.realizedGrossPaise),
      realizedNetPaise: sum((l) => l.realizedNetPaise),
      unrealizedGrossPaise: sum((l) => l.unrealizedGrossPaise),
      unrealizedNetPaise: sum((l) => l.unrealizedNetPaise),
      totalGrossPaise: sum((l) => l.totalGrossPaise),
      totalNetPaise: sum((l) => l.totalNetPaise),
      feesPaise: sum((l) => l.feesPaise),
    },
  };
}

/** P&L of one position state at a last price (null is fine for a flat leg). */
export function legPnl(legId: string, instrument: string, state: PositionState, lastPricePaise: Paise | undefined | null): LegPnl {
  if (state.quantity !== 0 && (lastPricePaise === undefined || lastPricePaise === null)) {
    throw new InvalidCommand('LAST_PRICE_MISSING', `no last price for the open leg ${legId} (${instrument})`, { legId, instrument });
  }
  const unrealizedGrossPaise = state.quantity === 0 ? 0 : unrealizedPnlPaise(state, lastPricePaise!);
  const unrealizedNetPaise = unrealizedGrossPaise - state.openFeesPaise;
  return {
    legId,
    instrument,
    quantity: state.quantity,
    costBasisPaise: state.costBasisPaise,
    lastPricePaise: lastPricePaise ?? null,
    realizedGrossPaise: state.totalRealizedGrossPaise,
    realizedNetPaise: state.totalRealizedNetPaise,
    unrealizedGrossPaise,
    unrealizedNetPaise,
    totalGrossPaise: state.totalRealizedGrossPaise + unrealizedGrossPaise,
    totalNetPaise: state.totalRealizedNetPaise + unrealizedNetPaise,
    feesPaise: state.totalFeesPaise,
  };
}
