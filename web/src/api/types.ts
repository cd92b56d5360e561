/** Shapes of the api's answers (money in integer paise, instants as ISO strings). */

export type Side = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
export type Product = 'CNC' | 'MIS' | 'NRML';
export type Validity = 'DAY' | 'IOC';
export const ORDER_STATUSES = ['PLACED', 'ACCEPTED', 'REJECTED', 'TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const FINAL_STATUSES: readonly OrderStatus[] = ['REJECTED', 'FILLED', 'CANCELLED', 'EXPIRED'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CommandResult {
  streamRevision: number;
  globalPosition: number;
}

export interface OrderFill {
  fillId: string;
  quantity: number;
  pricePaise: number;
  feesPaise: number;
  occurredAt: string;
}

export interface Order {
  orderId: string;
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  filledQuantity: number;
  remainingQuantity: number;
  orderType: OrderType;
  limitPricePaise: number | null;
  triggerPricePaise: number | null;
  product: Product;
  validity: Validity;
  strategyId: string | null;
  status: OrderStatus;
  rejectReasonCode: string | null;
  rejectReason: string | null;
  closeReason: string | null;
  averageFillPricePaise: number | null;
  feesPaise: number;
  fills: OrderFill[];
  placedAt: string;
  updatedAt: string;
}

export interface PlaceOrderBody {
  accountId: string;
  instrument: string;
  side: Side;
  /** A number; the ticket sends text it cannot read as one unchanged, so that the api's message explains it. */
  quantity: number | string;
  type: OrderType;
  limitPricePaise?: number;
  triggerPricePaise?: number;
  product: Product;
  validity: Validity;
  strategyId?: string;
}

export interface Account {
  accountId: string;
  name: string;
  cashPaise: number;
  reservedPaise: number;
  buyingPowerPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
  fillsCount: number;
  tradingDay: string | null;
  dayRealizedNetPaise: number;
  halted: boolean;
  haltReason: string | null;
  openedAt: string;
}

export interface PortfolioPosition {
  instrument: string;
  quantity: number;
  averagePricePaise: number;
  lastPricePaise: number | null;
  marketValuePaise: number;
  unrealizedPnlPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
  status?: 'OPEN' | 'CLOSED';
  priced?: boolean;
  /** MARKET: marked at the feed's recorded price (markedAt); COST: no market price yet, valued at its own cost. */
  markSource?: 'MARKET' | 'COST' | null;
  markedAt?: string | null;
  openFeesPaise?: number;
}

export interface Portfolio {
  accountId: string;
  cashPaise: number;
  reservedPaise: number;
  buyingPowerPaise?: number;
  marketValuePaise: number;
  equityPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
  unrealizedPnlPaise: number;
  /** equity - net money in (initial cash + deposits - withdrawals). */
  totalPnlPaise?: number;
  netInflowPaise?: number;
  /** Charges paid on the open quantities: total P&L = realized net + unrealized - open charges. */
  openChargesPaise?: number;
  positions: PortfolioPosition[];
  /** As-of answers only: whether the account existed then, and the streams the figures were folded from. */
  exists?: boolean;
  asOf?: string;
  sources?: { stream: string; events: number; lastPosition: number | null }[];
}

export interface AuditEntry {
  position: number;
  streamName: string;
  streamRevision: number;
  eventId: string;
  type: string;
  correlationId: string;
  causationId: string | null;
  actor: string;
  occurredAt: string;
  recordedAt: string;
  accountId: string | null;
  orderId: string | null;
  summary: string;
}

export interface StoredEvent {
  globalPosition: number;
  streamName: string;
  streamRevision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

export interface ProjectionStatus {
  name: string;
  checkpoint: number | null;
  lagEvents: number;
  lagSeconds?: number | null;
  /** Null for a reactor, whose checkpoint only moves on the events it handles. */
  caughtUp: boolean | null;
  /** True while this api's embedded projector stands by (another instance holds the projector lease). */
  standby?: boolean | null;
  /** Who holds the projector lease (`host/pid/random`); null when the projector runs elsewhere. */
  leaseHolder?: string | null;
  [extra: string]: unknown;
}

export interface DeadLetter {
  id: string;
  projection: string;
  globalPosition?: number;
  streamName?: string;
  type?: string;
  error?: string;
  parkedAt?: string;
  [extra: string]: unknown;
}

export type Statistics = Record<string, number | null | string | unknown>;

export interface Performance {
  statistics: Statistics;
  equityCurve: { date: string; equityPaise: number; cashPaise?: number; marketValuePaise?: number }[];
  drawdownSeries: { date: string; drawdownPaise: number; drawdown: number }[];
  byInstrument?: Record<string, Statistics>;
  byPeriod?: Partial<Record<'day' | 'week' | 'month', Record<string, Statistics>>>;
}

export interface Strategy {
  strategyId: string;
  name?: string;
  kind?: string;
  state?: string;
  status?: string;
  accountId?: string;
  instruments?: string[];
  statistics?: Statistics;
  [extra: string]: unknown;
}

export interface CausalNode {
  eventId: string;
  globalPosition: number;
  stream: string;
  type: string;
  actor: string;
  occurredAt: string;
  recordedAt: string;
  children: CausalNode[];
}

export interface CorrelationTree {
  correlationId: string;
  commands: { commandId: string | null; actor: string; events: CausalNode[] }[];
}

export interface Lineage {
  value: number;
  figure?: string;
  contributions: {
    globalPosition: number;
    stream: string;
    streamRevision: number;
    type: string;
    eventId: string;
    actor: string;
    correlationId: string;
    occurredAt: string;
    recordedAt: string;
    amount: number;
  }[];
}

export interface AccountSummary {
  accountId: string;
  name?: string;
}
