import { assertNever } from '../common/errors';
import type { IsoInstant } from '../common/types';
import type { ProposalEvent, ProposedOrder } from './proposal.events';

/**
 * PROPOSED -> APPROVED -> PLACED | PLACEMENT_FAILED, or PROPOSED -> REJECTED.
 * APPROVED is short-lived: the approval is recorded before the order is sent, so a crash in between leaves an
 * approved proposal whose placement can be completed (the order's client id makes resending safe).
 */
export type ProposalStatus = 'PROPOSED' | 'APPROVED' | 'REJECTED' | 'PLACED' | 'PLACEMENT_FAILED';

export interface ProposalDetails {
  proposalId: string;
  askId: string;
  accountId: string;
  order: ProposedOrder;
  rationale: string;
  citations: string[];
  proposedBy: string;
  requestedBy: string;
  proposedAt: IsoInstant;
  expiresAt: IsoInstant;
  decidedBy: string | null;
  decidedAt: IsoInstant | null;
  rejectReason: string | null;
  orderId: string | null;
  clientOrderId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
}

export type ProposalState = { status: 'NONE' } | ({ status: ProposalStatus } & ProposalDetails);
export type ExistingProposal = Extract<ProposalState, { proposalId: string }>;

export const initialProposalState: ProposalState = { status: 'NONE' };

export function evolveProposal(state: ProposalState, event: ProposalEvent): ProposalState {
  if (event.type === 'OrderProposed') {
    const d = event.data;
    return {
      status: 'PROPOSED',
      proposalId: d.proposalId,
      askId: d.askId,
      accountId: d.accountId,
      order: d.order,
      rationale: d.rationale,
      citations: d.citations,
      proposedBy: d.proposedBy,
      requestedBy: d.requestedBy,
      proposedAt: d.proposedAt,
      expiresAt: d.expiresAt,
      decidedBy: null,
      decidedAt: null,
      rejectReason: null,
      orderId: null,
      clientOrderId: null,
      failureCode: null,
      failureMessage: null,
    };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'OrderProposalApproved':
      return { ...state, status: 'APPROVED', decidedBy: event.data.approvedBy, decidedAt: event.data.at };
    case 'OrderProposalRejected':
      return { ...state, status: 'REJECTED', decidedBy: event.data.rejectedBy, decidedAt: event.data.at, rejectReason: event.data.reason };
    case 'ProposalOrderPlaced':
      return { ...state, status: 'PLACED', orderId: event.data.orderId, clientOrderId: event.data.clientOrderId };
    case 'ProposalOrderFailed':
      return { ...state, status: 'PLACEMENT_FAILED', orderId: event.data.orderId, failureCode: event.data.code, failureMessage: event.data.message };
    default:
      return assertNever(event);
  }
}
