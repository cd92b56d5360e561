import type { FillReport, OrderCommand, OrderType, Product, Side, Validity } from '@robo/domain';
import type { CommandContext } from '../write/command-context';

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

export class PlaceOrderMessage {
  constructor(
    public readonly request: PlaceOrderRequest,
    public readonly ctx: CommandContext,
    /** Set when the order id came from an Idempotency-Key: a retry answers with the first result. */
    public readonly idempotent: boolean,
    /**
     * Set when the order id was generated for this message (not derived from anything a caller can send twice): its
     * stream cannot exist yet, so the handler does not read it. The order stream's append still expects no stream.
     */
    public readonly generatedId = false,
  ) {}
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
export type OrderLifecycleCommand = Extract<OrderCommand, { type: 'CancelOrder' | 'ExpireOrder' | 'TriggerOrder' }> | { type: 'ReportFill'; data: FillReport };

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
}
