/**
 * The api's request and answer shapes, from the one contract the server's OpenAPI document is produced from
 * (libs/contract): money in integer paise, instants as ISO strings. Nothing here is written by hand but the names the
 * views use and the ticket's body.
 */
import type * as C from '@robo/contract';

export { FINAL_STATUSES, ORDER_STATUSES, STRATEGY_STATUSES } from '@robo/contract';
export type {
  Account,
  AccountPage,
  AccountSummary,
  AuditEntry,
  CausalNode,
  CommandResult,
  CorrelationTree,
  DeadLetter,
  ErrorBody,
  Lineage,
  Order,
  OrderCommandResult,
  OrderFill,
  OrderPage,
  OrderStatus,
  OrderType,
  Page,
  Performance,
  Portfolio,
  PortfolioPosition,
  Product,
  ProjectionStatus,
  ProjectionsStatus,
  Side,
  StoredEvent,
  StrategyCommandResult,
  StrategyPerformance,
  StrategyStatus,
  StrategySummary,
  StreamEvents,
  Validity,
} from '@robo/contract';

/** A strategy as GET /api/strategies lists it: its document and its summary statistics. */
export type Strategy = C.StrategyListItem;

/** Any set of figures a statistics table shows: a performance answer's statistics, a breakdown's, a strategy's summary. */
export type Statistics = Readonly<Record<string, unknown>>;

/**
 * The order ticket's body: the contract's, except that a quantity the ticket cannot read as a number is sent as typed,
 * so that the api's validation message explains it.
 */
export type PlaceOrderBody = Omit<C.PlaceOrderBody, 'quantity'> & { quantity: number | string };

/** An account in the picker: from GET /api/accounts, or an id typed in by hand (then only what is known of it). */
export type AccountEntry = Pick<C.AccountSummary, 'accountId'> & Partial<C.AccountSummary>;
