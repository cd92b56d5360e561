import type { Decider } from '../common/decider';
import { assertNever, Conflict, InvalidCommand, NotFound, RuleViolation } from '../common/errors';
import { ORDER_TYPES, PRODUCTS, SIDES, VALIDITIES } from '../common/types';
import { parseInstantMs, toIst } from '../market/ist';
import { assertPricesForType, assertQuantity } from '../order/order.validation';
import { requireId, requireText } from '../strategy/strategy.validation';
import type { ProposalCommand } from './proposal.commands';
import type { ProposalEvent, ProposedOrder } from './proposal.events';
import { evolveProposal, initialProposalState, type ExistingProposal, type ProposalState } from './proposal.state';

/** The same shape the order DTO accepts: an NSE symbol, or an index option such as `NIFTY 2026-12-31 24000 CE`. */
const SYMBOL = /^[A-Z0-9][A-Z0-9&. -]{0,59}$/;
const RATIONALE_MAX = 1000;
const CITATIONS_MAX = 20;

/**
 * The proposal aggregate (`proposal-<id>`). A proposal is decided once: approved or rejected, never both, never
 * twice; an expired one can still be rejected but not approved.
 */
export function decideProposal(command: ProposalCommand, state: ProposalState): ProposalEvent[] {
  const nowMs = instantMs(command.data.now);
  if (command.type === 'ProposeOrder') return propose(command.data, state, nowMs);
  const proposal = requireProposal(state, command.data.proposalId);
  const { proposalId, accountId } = proposal;
  const at = command.data.now;
  switch (command.type) {
    case 'ApproveProposal': {
      const approvedBy = requireText(command.data.actor, 'PROPOSAL_ACTOR_INVALID', 'the actor');
      requireUndecided(proposal);
      if (nowMs > instantMs(proposal.expiresAt)) {
        throw new RuleViolation('PROPOSAL_EXPIRED', `proposal ${proposalId} expired at ${proposal.expiresAt}; ask again for a fresh one`, {
          proposalId,
          expiresAt: proposal.expiresAt,
        });
      }
      return [{ type: 'OrderProposalApproved', data: { proposalId, accountId, approvedBy, at } }];
    }
    case 'RejectProposal': {
      const rejectedBy = requireText(command.data.actor, 'PROPOSAL_ACTOR_INVALID', 'the actor');
      const reason = requireText(command.data.reason, 'REASON_REQUIRED', 'a rejection reason', 500);
      requireUndecided(proposal);
      return [{ type: 'OrderProposalRejected', data: { proposalId, accountId, rejectedBy, reason, at } }];
    }
    case 'RecordProposalOrderPlaced': {
      const { orderId, clientOrderId } = command.data;
      // Completing a placement twice (a retry after a crash) is harmless when it names the same order.
      if (proposal.status === 'PLACED' && proposal.orderId === orderId) return [];
      requireApproved(proposal);
      return [
        { type: 'ProposalOrderPlaced', data: { proposalId, accountId, orderId: requireId(orderId, 'orderId'), clientOrderId: requireId(clientOrderId, 'clientOrderId'), at } },
      ];
    }
    case 'RecordProposalOrderFailed': {
      requireApproved(proposal);
      const code = requireText(command.data.code, 'PROPOSAL_FAILURE_CODE_INVALID', 'code', 100);
      const message = requireText(command.data.message, 'PROPOSAL_FAILURE_MESSAGE_INVALID', 'message', 1000);
      const orderId = command.data.orderId === null ? null : requireId(command.data.orderId, 'orderId');
      return [{ type: 'ProposalOrderFailed', data: { proposalId, accountId, code, message, orderId, at } }];
    }
    default:
      return assertNever(command);
  }
}

function propose(d: Extract<ProposalCommand, { type: 'ProposeOrder' }>['data'], state: ProposalState, nowMs: number): ProposalEvent[] {
  if (state.status !== 'NONE') throw new Conflict('PROPOSAL_ALREADY_EXISTS', `proposal ${state.proposalId} already exists`, { proposalId: state.proposalId });
  if (instantMs(d.expiresAt) <= nowMs) throw new InvalidCommand('PROPOSAL_EXPIRY_INVALID', 'expiresAt must be after now', { expiresAt: d.expiresAt });
  return [
    {
      type: 'OrderProposed',
      data: {
        proposalId: requireId(d.proposalId, 'proposalId'),
        askId: requireId(d.askId, 'askId'),
        accountId: requireId(d.accountId, 'accountId'),
        order: validateProposedOrder(d.order),
        rationale: requireText(d.rationale, 'PROPOSAL_RATIONALE_INVALID', 'the rationale', RATIONALE_MAX),
        citations: requireCitations(d.citations),
        proposedBy: requireText(d.proposedBy, 'PROPOSAL_ACTOR_INVALID', 'proposedBy'),
        requestedBy: requireText(d.requestedBy, 'PROPOSAL_ACTOR_INVALID', 'requestedBy'),
        proposedAt: d.now,
        expiresAt: d.expiresAt,
      },
    },
  ];
}

/** Shape checks only: whether the account may trade it now is the order path's decision at approval. */
export function validateProposedOrder(order: ProposedOrder): ProposedOrder {
  if (typeof order !== 'object' || order === null) throw new InvalidCommand('PROPOSAL_ORDER_INVALID', 'order must be an object');
  const instrument = typeof order.instrument === 'string' ? order.instrument.trim() : '';
  if (!SYMBOL.test(instrument)) throw new InvalidCommand('PROPOSAL_ORDER_INVALID', 'instrument must be an NSE symbol', { instrument: order.instrument });
  const oneOf = <T extends string>(value: T, allowed: readonly T[], field: string): T => {
    if (!allowed.includes(value)) throw new InvalidCommand('PROPOSAL_ORDER_INVALID', `${field} must be one of ${allowed.join(', ')}`, { [field]: value });
    return value;
  };
  const side = oneOf(order.side, SIDES, 'side');
  const orderType = oneOf(order.orderType, ORDER_TYPES, 'orderType');
  const product = oneOf(order.product, PRODUCTS, 'product');
  const validity = oneOf(order.validity, VALIDITIES, 'validity');
  assertQuantity(order.quantity);
  const prices = { limitPricePaise: order.limitPricePaise ?? null, triggerPricePaise: order.triggerPricePaise ?? null };
  assertPricesForType(orderType, side, prices);
  const strategyId = order.strategyId === null || order.strategyId === undefined ? null : requireId(order.strategyId, 'strategyId');
  return { instrument, side, quantity: order.quantity, orderType, ...prices, product, validity, strategyId };
}

function requireCitations(citations: string[]): string[] {
  if (!Array.isArray(citations) || citations.length > CITATIONS_MAX || citations.some((c) => typeof c !== 'string' || c.length === 0 || c.length > 200)) {
    throw new InvalidCommand('PROPOSAL_CITATIONS_INVALID', `citations must be at most ${CITATIONS_MAX} non-empty strings`);
  }
  return citations;
}

function requireProposal(state: ProposalState, proposalId: string): ExistingProposal {
  if (state.status === 'NONE') throw new NotFound('PROPOSAL_NOT_FOUND', `proposal ${proposalId} does not exist`, { proposalId });
  if (state.proposalId !== proposalId) throw new InvalidCommand('PROPOSAL_MISMATCH', `command for ${proposalId} reached proposal ${state.proposalId}`);
  return state;
}

function requireUndecided(proposal: ExistingProposal): void {
  if (proposal.status !== 'PROPOSED') {
    throw new Conflict('PROPOSAL_ALREADY_DECIDED', `proposal ${proposal.proposalId} is already ${proposal.status}`, {
      proposalId: proposal.proposalId,
      status: proposal.status,
      decidedBy: proposal.decidedBy,
    });
  }
}

function requireApproved(proposal: ExistingProposal): void {
  if (proposal.status !== 'APPROVED') {
    throw new RuleViolation('PROPOSAL_NOT_APPROVED', `proposal ${proposal.proposalId} is ${proposal.status}, not APPROVED`, {
      proposalId: proposal.proposalId,
      status: proposal.status,
    });
  }
}

function instantMs(instant: string): number {
  toIst(instant); // INVALID_TIME when malformed
  return parseInstantMs(instant) as number;
}

export const proposalDecider: Decider<ProposalCommand, ProposalEvent, ProposalState> = {
  decide: decideProposal,
  evolve: evolveProposal,
  initialState: initialProposalState,
};
