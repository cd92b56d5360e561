import { createHash } from 'node:crypto';
import {
  decideProposal,
  DomainError,
  evolveProposal,
  initialProposalState,
  NotFound,
  proposalStream,
  RuleViolation,
  type ExistingProposal,
  type OrderType,
  type Product,
  type ProposalCommand,
  type ProposalEvent,
  type ProposalState,
  type Side,
  type Validity,
} from '@robo/domain';
import type { EventStore, NewEvent } from '@robo/event-store';
import { nothingToDo, rejectionError, WriteStep } from '@robo/write-path';
import type { Actor } from '../interaction-log';
import type { ProposeOrderInput } from '../tools/tool-runner';

/** The body of POST /api/orders, ready for the normal command path. */
export interface OrderRequest {
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  type: OrderType;
  limitPricePaise: number | null;
  triggerPricePaise: number | null;
  product: Product;
  validity: Validity;
  strategyId: string | null;
  /** Derived from the proposal id: resending the same approved proposal can never place a second order. */
  clientOrderId: string;
}

type OrderTermsInput = Pick<OrderRequest, 'instrument' | 'side' | 'quantity' | 'type' | 'limitPricePaise' | 'triggerPricePaise' | 'product' | 'validity' | 'strategyId'>;

/** The order's terms as the domain's commands name them (`type` is the domain's `orderType`). */
export function orderTerms(request: OrderTermsInput) {
  return {
    instrument: request.instrument,
    side: request.side,
    quantity: request.quantity,
    orderType: request.type,
    limitPricePaise: request.limitPricePaise,
    triggerPricePaise: request.triggerPricePaise,
    product: request.product,
    validity: request.validity,
    strategyId: request.strategyId,
  };
}

export interface PlacementContext extends Actor {
  /** Also derived from the proposal id, for command paths that key idempotency on it. */
  idempotencyKey: string;
}

/**
 * What the order path decided. A refusal (a pre-trade risk rejection, a validation error: a 4xx of POST /api/orders)
 * is an answer, recorded on the proposal; a failure to get an answer (store unavailable) is thrown instead.
 */
export type PlaceOrderOutcome = { placed: true; orderId: string } | { placed: false; code: string; message: string; orderId: string | null };

/** Sends an order through the api's command path (validation, risk checks, the order stream). */
export type PlaceOrderPort = (request: OrderRequest, ctx: PlacementContext) => Promise<PlaceOrderOutcome>;

/** The order path refused an approved proposal's order (422, like a refused order); the refusal is recorded. */
export class ProposalOrderRefused extends RuleViolation {
  constructor(code: string, message: string, details: { proposalId: string; orderId: string | null }) {
    super(code, message, details);
  }
}

export type ProposalView = ExistingProposal & {
  streamName: string;
  streamRevision: number;
  lastEventPosition: number;
  orderRequest: OrderRequest;
};

export interface ApprovalResult {
  proposal: ProposalView;
  orderId: string;
  orderRequest: OrderRequest;
}

export interface ProposalBookDeps {
  eventStore: EventStore;
  clock: { now(): string };
  newId: () => string;
  /** Needed to approve; a book without it can only record and reject. */
  placeOrder?: PlaceOrderPort;
  /** How long a proposal may be approved. */
  ttlMs: number;
}

export interface ProposeRequest extends ProposeOrderInput {
  askId: string;
  proposedBy: string;
}

const CONFLICT_RETRIES = 3;
export const PROPOSAL_SCHEMA_VERSION = 1;

export function clientOrderIdFor(proposalId: string): string {
  // The order DTO takes at most 64 characters of [A-Za-z0-9._:-].
  const key = /^[A-Za-z0-9._:-]{1,55}$/.test(proposalId) ? proposalId : createHash('sha256').update(proposalId).digest('hex').slice(0, 40);
  return `proposal:${key}`;
}

/**
 * Analyst proposals (`proposal-<id>`): recorded by the analyst, decided by a person. Approval records the decision
 * first, then sends the order through the `placeOrder` port and records its id; the analyst itself never places.
 */
export class ProposalBook {
  private readonly step: WriteStep;

  constructor(private readonly deps: ProposalBookDeps) {
    this.step = WriteStep.over(deps.eventStore);
  }

  async propose(request: ProposeRequest, who: Actor): Promise<ProposalView> {
    const now = this.deps.clock.now();
    const proposalId = this.deps.newId();
    const command: ProposalCommand = {
      type: 'ProposeOrder',
      data: {
        proposalId,
        askId: request.askId,
        accountId: request.accountId,
        order: orderTerms(request),
        rationale: request.rationale,
        citations: request.citations,
        proposedBy: request.proposedBy,
        requestedBy: who.actor,
        now,
        expiresAt: new Date(Date.parse(now) + this.deps.ttlMs).toISOString(),
      },
    };
    await this.decideAndAppend(proposalId, () => command, who);
    return this.require(proposalId);
  }

  async get(proposalId: string): Promise<ProposalView | null> {
    const { state, revision, position } = await this.load(proposalId);
    return state.status === 'NONE' || revision === null ? null : view(state, revision, position);
  }

  /**
   * Records the approval (only a PROPOSED, unexpired proposal, once), then places the order. A refusal by the
   * order path (risk, market closed) is recorded as ProposalOrderFailed and thrown as ProposalOrderRefused (422);
   * a failure to place (store unavailable) leaves the proposal APPROVED for completePlacement to finish.
   */
  async approveProposal(proposalId: string, who: Actor): Promise<ApprovalResult> {
    const placeOrder = this.requirePlaceOrder();
    const approvalEventId = await this.decideAndAppend(proposalId, () => ({ type: 'ApproveProposal', data: { proposalId, actor: who.actor, now: this.deps.clock.now() } }), who);
    return this.place(proposalId, placeOrder, { ...who, causationId: approvalEventId ?? who.causationId });
  }

  async rejectProposal(proposalId: string, who: Actor, reason: string): Promise<ProposalView> {
    await this.decideAndAppend(proposalId, () => ({ type: 'RejectProposal', data: { proposalId, actor: who.actor, reason, now: this.deps.clock.now() } }), who);
    return this.require(proposalId);
  }

  /** Finishes an approval whose placement was interrupted; the client order id makes the resend safe. */
  async completePlacement(proposalId: string, who: Actor): Promise<ApprovalResult> {
    const placeOrder = this.requirePlaceOrder();
    const proposal = await this.get(proposalId);
    if (proposal === null) throw new NotFound('PROPOSAL_NOT_FOUND', `proposal ${proposalId} does not exist`, { proposalId });
    if (proposal.status === 'PLACED' && proposal.orderId !== null) return { proposal, orderId: proposal.orderId, orderRequest: proposal.orderRequest };
    if (proposal.status !== 'APPROVED') {
      throw new RuleViolation('PROPOSAL_NOT_APPROVED', `proposal ${proposalId} is ${proposal.status}; only an approved proposal is placed`, { proposalId, status: proposal.status });
    }
    return this.place(proposalId, placeOrder, who);
  }

  private async place(proposalId: string, placeOrder: PlaceOrderPort, who: Actor): Promise<ApprovalResult> {
    const approved = await this.require(proposalId);
    const orderRequest = approved.orderRequest;
    let outcome: PlaceOrderOutcome;
    try {
      outcome = await placeOrder(orderRequest, { ...who, idempotencyKey: orderRequest.clientOrderId });
    } catch (error) {
      // A domain decision thrown rather than returned is still a refusal; anything else is left for a retry.
      if (!(error instanceof DomainError)) throw error;
      const orderId = error.details?.orderId;
      outcome = { placed: false, code: error.code, message: error.message, orderId: typeof orderId === 'string' ? orderId : null };
    }
    if (!outcome.placed) {
      const refusal = outcome;
      await this.decideAndAppend(
        proposalId,
        () => ({ type: 'RecordProposalOrderFailed', data: { proposalId, code: refusal.code, message: refusal.message, orderId: refusal.orderId, now: this.deps.clock.now() } }),
        who,
      );
      throw new ProposalOrderRefused(refusal.code, refusal.message, { proposalId, orderId: refusal.orderId });
    }
    const orderId = outcome.orderId;
    await this.decideAndAppend(
      proposalId,
      () => ({ type: 'RecordProposalOrderPlaced', data: { proposalId, orderId, clientOrderId: orderRequest.clientOrderId, now: this.deps.clock.now() } }),
      who,
    );
    return { proposal: await this.require(proposalId), orderId, orderRequest };
  }

  private requirePlaceOrder(): PlaceOrderPort {
    if (this.deps.placeOrder === undefined) throw new Error('ProposalBook was created without a placeOrder port; it cannot approve proposals');
    return this.deps.placeOrder;
  }

  private async require(proposalId: string): Promise<ProposalView> {
    const found = await this.get(proposalId);
    // Only called after a decision was appended (or checked), so a missing stream is a broken store, not a bad id.
    if (found === null) throw new Error(`proposal ${proposalId} was not found after it was written`);
    return found;
  }

  private async load(proposalId: string): Promise<{ state: ProposalState; revision: bigint | null; position: bigint }> {
    const events = await this.deps.eventStore.readStream(proposalStream(proposalId));
    let state: ProposalState = initialProposalState;
    for (const e of events) state = evolveProposal(state, e as unknown as ProposalEvent);
    const last = events.at(-1);
    return { state, revision: last?.streamRevision ?? null, position: last?.globalPosition ?? 0n };
  }

  /**
   * Load, decide, append at the expected revision, through the write step: a concurrent decision is decided again
   * against what won (bounded); a refusal is thrown as a domain error. Answers the id of the last event appended.
   */
  private async decideAndAppend(proposalId: string, command: () => ProposalCommand, who: Actor): Promise<string | null> {
    const outcome = await this.step.run<ProposalState, ProposalEvent, string | null>({
      stream: proposalStream(proposalId),
      evolve: evolveProposal,
      initial: initialProposalState,
      attempts: CONFLICT_RETRIES,
      headPosition: false,
      ctx: { correlationId: who.correlationId, causationId: who.causationId, actor: who.actor },
      decide: ({ state }) => {
        const cmd = command();
        const decided = decideProposal(cmd, state);
        if (decided.length === 0) return nothingToDo(null);
        const records: NewEvent[] = decided.map((event) => ({
          type: event.type,
          data: event.data,
          metadata: { eventId: this.deps.newId(), correlationId: who.correlationId, causationId: who.causationId, actor: who.actor, occurredAt: cmd.data.now, schemaVersion: PROPOSAL_SCHEMA_VERSION },
        }));
        return { step: 'append-records', records, value: records[records.length - 1].metadata.eventId };
      },
    });
    if (outcome.outcome === 'rejected') throw rejectionError(outcome);
    return outcome.outcome === 'accepted' ? outcome.value : null;
  }
}

function view(state: ExistingProposal, revision: bigint, position: bigint): ProposalView {
  const o = state.order;
  return {
    ...state,
    streamName: proposalStream(state.proposalId),
    streamRevision: Number(revision),
    lastEventPosition: Number(position),
    orderRequest: {
      accountId: state.accountId,
      instrument: o.instrument,
      side: o.side,
      quantity: o.quantity,
      type: o.orderType,
      limitPricePaise: o.limitPricePaise,
      triggerPricePaise: o.triggerPricePaise,
      product: o.product,
      validity: o.validity,
      strategyId: o.strategyId,
      clientOrderId: clientOrderIdFor(state.proposalId),
    },
  };
}
