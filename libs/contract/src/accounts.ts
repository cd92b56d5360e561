import { commandResultProps, pageOf } from './common';
import { t, type Static } from './schema';

export const RiskLimits = t.named(
  'RiskLimits',
  t.object({ maxOrderValuePaise: t.nullable(t.paise()), maxPositionQuantity: t.nullable(t.integer()), dailyLossLimitPaise: t.nullable(t.paise()) }),
);
export type RiskLimits = Static<typeof RiskLimits>;

export const Account = t.named(
  'Account',
  t.object({
    accountId: t.uuid(),
    name: t.string(),
    cashPaise: t.paise({ description: 'cash after every deposit, withdrawal and settled fill; reservations are part of it' }),
    reservedPaise: t.paise({ description: 'buying power held for open orders' }),
    buyingPowerPaise: t.paise({ description: 'cash - reserved' }),
    initialCashPaise: t.paise(),
    depositedPaise: t.paise(),
    withdrawnPaise: t.paise(),
    realizedNetPaise: t.paise(),
    feesPaise: t.paise(),
    fillsCount: t.integer({ minimum: 0 }),
    tradingDay: t.nullable(t.date({ description: 'IST trading day of the latest settled fill' })),
    dayRealizedNetPaise: t.paise(),
    limits: RiskLimits,
    halted: t.boolean(),
    haltReason: t.nullable(t.string()),
    openedAt: t.instant(),
    updatedAt: t.instant(),
    lastEventPosition: t.integer(),
  }),
);
export type Account = Static<typeof Account>;

/** One row of GET /api/accounts (and `robo accounts list`): what the account picker shows. */
export const AccountSummary = t.named(
  'AccountSummary',
  t.object({
    accountId: t.uuid(),
    name: t.string(),
    cashPaise: t.paise(),
    equityPaise: t.paise({ description: 'cash plus the open positions at the recorded market prices (at cost without one)' }),
    openedAt: t.instant(),
    halted: t.boolean(),
    access: t.enum(['trade', 'read'], { description: 'what the caller may do with the account' }),
  }),
);
export type AccountSummary = Static<typeof AccountSummary>;

/** GET /api/accounts: the accounts the caller may see, by name, paged (`q` searches names). */
export const AccountPage = pageOf('AccountPage', AccountSummary);
export type AccountPage = Static<typeof AccountPage>;

export const OpenAccountBody = t.named('OpenAccountBody', t.object({ name: t.string({ maxLength: 100 }), initialCashPaise: t.paise({ minimum: 0 }) }));
export type OpenAccountBody = Static<typeof OpenAccountBody>;
export const AmountBody = t.named('AmountBody', t.object({ amountPaise: t.paise({ minimum: 1 }) }));
export type AmountBody = Static<typeof AmountBody>;
export const RiskLimitsBody = t.named(
  'RiskLimitsBody',
  t.object({ maxOrderValuePaise: t.nullable(t.paise()), maxPositionQuantity: t.nullable(t.integer()), dailyLossLimitPaise: t.nullable(t.paise()) }, [
    'maxOrderValuePaise',
    'maxPositionQuantity',
    'dailyLossLimitPaise',
  ]),
);
export type RiskLimitsBody = Static<typeof RiskLimitsBody>;
export const HaltBody = t.named('HaltBody', t.object({ reason: t.string() }));
export type HaltBody = Static<typeof HaltBody>;
/** POST /api/accounts/{id}/broker: where the account's orders go (`paper` until chosen otherwise). */
export const BrokerBody = t.named('BrokerBody', t.object({ broker: t.enum(['paper', 'kite']) }));
export type BrokerBody = Static<typeof BrokerBody>;

export const AccountCommandResult = t.named('AccountCommandResult', t.object({ accountId: t.uuid(), ...commandResultProps }));
export type AccountCommandResult = Static<typeof AccountCommandResult>;

export const MarkSource = t.enum(['MARKET', 'COST']);

export const PortfolioPosition = t.named(
  'PortfolioPosition',
  t.object({
    instrument: t.string(),
    quantity: t.integer({ description: 'negative for a short' }),
    costBasisPaise: t.paise(),
    openFeesPaise: t.paise({ description: 'charges paid on the open quantity' }),
    realizedGrossPaise: t.paise(),
    realizedNetPaise: t.paise(),
    feesPaise: t.paise(),
    averagePricePaise: t.number({ description: 'display only (a float): cost basis / |quantity|, 0 when flat' }),
    marketValuePaise: t.paise(),
    unrealizedPnlPaise: t.paise({ description: 'before exit charges' }),
    markSource: t.nullable(MarkSource),
    lastPricePaise: t.nullable(t.paise()),
    markedAt: t.nullable(t.instant()),
    priced: t.boolean({ description: 'false when an open holding has no market price (marked at cost)' }),
    status: t.enum(['OPEN', 'CLOSED']),
  }),
);
export type PortfolioPosition = Static<typeof PortfolioPosition>;

const portfolioProps = {
  accountId: t.uuid(),
  cashPaise: t.paise(),
  reservedPaise: t.paise(),
  buyingPowerPaise: t.paise(),
  netInflowPaise: t.paise({ description: 'initial cash + deposits - withdrawals' }),
  marketValuePaise: t.paise(),
  equityPaise: t.paise({ description: 'cash + Σ quantity x mark' }),
  realizedGrossPaise: t.paise(),
  realizedNetPaise: t.paise(),
  feesPaise: t.paise(),
  unrealizedPnlPaise: t.paise(),
  openChargesPaise: t.paise(),
  totalPnlPaise: t.paise({ description: 'equity - net money in' }),
  pnlSplit: t.object({ realizedNetPaise: t.paise(), unrealizedPnlPaise: t.paise(), openChargesPaise: t.paise() }, [], {
    description: 'realizedNet + unrealized - openCharges = totalPnl',
  }),
  priced: t.boolean(),
  unpricedInstruments: t.array(t.string()),
  positions: t.array(PortfolioPosition),
};

/** The live portfolio, or (with asOf) the portfolio as it was, rebuilt from the log. */
export const Portfolio = t.named(
  'Portfolio',
  t.object(
    {
      ...portfolioProps,
      asOf: t.instant(),
      time: t.enum(['business', 'recorded']),
      exists: t.boolean({ description: 'as-of answers: whether the account existed then' }),
      sources: t.array(t.object({ stream: t.string(), events: t.integer(), lastPosition: t.nullable(t.integer()) }), { description: 'as-of answers: the streams folded' }),
    },
    ['asOf', 'time', 'exists', 'sources'],
  ),
);
export type Portfolio = Static<typeof Portfolio>;

export const Positions = t.named('Positions', t.object({ accountId: t.uuid(), positions: t.array(PortfolioPosition) }));
export type Positions = Static<typeof Positions>;
