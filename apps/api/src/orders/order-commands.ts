import type { FillReport, OrderCommand, OrderType, Product, Side, Validity } from '@robo/domain';
import type { CommandContext, Accepted, AlreadyDone, Rejected } from '@robo/write-path';

export interface PlaceOrderRequest {
  orderId: string;
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  orderType: OrderType;
  limitPricePaise: number | null;
  triggerPricePaise: number | null;
  product: Product;
  validity: Validity;
  strategyId: string | null;
  clientOrderId: string | null;
}

export interface PlaceOrderOptions {
  /** Set when the order id came from an Idempotency-Key (or a client order id): a retry answers with the first result. */
  idempotent: boolean;
  /**
   * Set when the order id was generated for this message (not derived from anything a caller can send twice): its
   * stream cannot exist yet, so the handler does not read it. The order stream's append still expects no stream.
   */
  generatedId?: boolean;
}

export class PlaceOrderMessage {
  readonly idempotent: boolean;
  readonly generatedId: boolean;
  constructor(
    public readonly request: PlaceOrderRequest,
    public readonly ctx: CommandContext,
    options: PlaceOrderOptions,
  ) {
    this.idempotent = options.idempotent;
    this.generatedId = options.generatedId ?? false;
  }
}

export class ModifyOrderMessage {
  constructor(
    public readonly orderId: string,
    public readonly changes: { quantity?: number; limitPricePaise?: number; triggerPricePaise?: number },
    public readonly ctx: CommandContext,
  ) {}
}

/**
 * Fill reports, cancels, expiries and triggers: commands on an existing order. A fill report comes as the broker
 * sent it; the handler adds what the decision checks it against (position, account, instrument, calendar, charges).
 */
export type OrderLifecycleCommand =
  | Extract<OrderCommand, { type: 'CancelOrder' | 'ExpireOrder' | 'TriggerOrder' | 'RecordRouting' | 'RecordBrokerUpdate' }>
  | { type: 'ReportFill'; data: FillReport };

export class OrderLifecycleMessage {
  constructor(
    public readonly orderId: string,
    /** Built by the handler once the order is loaded. */
    public readonly build: (order: { side: Side; product: Product; instrument: string }) => OrderLifecycleCommand,
    public readonly ctx: CommandContext,
    public readonly idSeed: string | null,
  ) {}
}

export interface OrderCommandResult {
  orderId: string;
  status: string;
  streamRevision: number;
  globalPosition: number;
  /** False when the command changed nothing (a modification to the values the order already has). */
  changed?: boolean;
}

/**
 * What became of a PlaceOrder command. The handler answers with one of these and throws only for failures of the
 * system (a store down); only the HTTP edge (`placeOrderResponse`) turns an outcome into a status code, so callers
 * outside HTTP (the paper engine, analyst proposals) read the outcome instead of decoding status codes.
 * - accepted: the order is recorded and working.
 * - already-done: a retry with the same Idempotency-Key or client order id; the first answer, nothing appended.
 * - rejected, recorded: recorded as REJECTED by a pre-trade risk check (the audit trail shows why), with its reason
 *   code as `code` and the order in `details`.
 * - rejected, not recorded: invalid, unknown or conflicting input; nothing was appended.
 */
export type PlaceOrderOutcome = Accepted<OrderCommandResult> | AlreadyDone<OrderCommandResult> | PlaceOrderRejected;

export type PlaceOrderRejected = Rejected & { orderId: string | null; recorded: boolean };
