import type { IsoInstant, OrderType, Paise, Product, Side, Validity } from '../common/types';

/** The order an analyst suggests, in the terms of PlaceOrder (prices in paise, null where the type takes none). */
export interface ProposedOrder {
  instrument: string;
  side: Side;
  quantity: number;
  orderType: OrderType;
  limitPricePaise: Paise | null;
  triggerPricePaise: Paise | null;
  product: Product;
  validity: Validity;
  strategyId: string | null;
}

/**
 * The `proposal-<id>` stream. A proposal never places anything: only an approval by a person does, through the
 * normal order path, and the resulting order id is recorded here.
 */
export type ProposalEvent =
  | {
      type: 'OrderProposed';
      data: {
        proposalId: string;
        /** The question (analyst-<askId>) that produced it. */
        askId: string;
        accountId: string;
        order: ProposedOrder;
        rationale: string;
        /** The events the rationale relies on, as cited (`[event:12]`). */
        citations: string[];
        /** `analyst:<model>`: what suggested it. */
        proposedBy: string;
        /** Who asked the question. */
        requestedBy: string;
        proposedAt: IsoInstant;
        /** Market conditions move: an old suggestion may no longer be approved. */
        expiresAt: IsoInstant;
      };
    }
  | { type: 'OrderProposalApproved'; data: { proposalId: string; accountId: string; approvedBy: string; at: IsoInstant } }
  | { type: 'OrderProposalRejected'; data: { proposalId: string; accountId: string; rejectedBy: string; reason: string; at: IsoInstant } }
  | { type: 'ProposalOrderPlaced'; data: { proposalId: string; accountId: string; orderId: string; clientOrderId: string; at: IsoInstant } }
  /** The approved order was refused by the order path (risk, market closed...); the order id is set when it was recorded as REJECTED. */
  | { type: 'ProposalOrderFailed'; data: { proposalId: string; accountId: string; code: string; message: string; orderId: string | null; at: IsoInstant } };

export type ProposalEventType = ProposalEvent['type'];
