import type { IsoInstant } from '../common/types';
import type { ProposedOrder } from './proposal.events';

export type ProposalCommand =
  | {
      type: 'ProposeOrder';
      data: {
        proposalId: string;
        askId: string;
        accountId: string;
        order: ProposedOrder;
        rationale: string;
        citations: string[];
        proposedBy: string;
        requestedBy: string;
        now: IsoInstant;
        expiresAt: IsoInstant;
      };
    }
  | { type: 'ApproveProposal'; data: { proposalId: string; actor: string; now: IsoInstant } }
  | { type: 'RejectProposal'; data: { proposalId: string; actor: string; reason: string; now: IsoInstant } }
  | { type: 'RecordProposalOrderPlaced'; data: { proposalId: string; orderId: string; clientOrderId: string; now: IsoInstant } }
  | { type: 'RecordProposalOrderFailed'; data: { proposalId: string; code: string; message: string; orderId: string | null; now: IsoInstant } };

export type ProposalCommandType = ProposalCommand['type'];
