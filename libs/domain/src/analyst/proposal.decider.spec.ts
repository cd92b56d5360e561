import { deciderSpec } from '../testing/given-when-then';
import type { ProposalCommand } from './proposal.commands';
import { decideProposal } from './proposal.decider';
import type { ProposalEvent, ProposedOrder } from './proposal.events';
import { evolveProposal, initialProposalState, type ProposalState } from './proposal.state';

const spec = deciderSpec(decideProposal, evolveProposal, initialProposalState);
const id = 'p-1';
const T0 = '2026-11-20T09:30:00+05:30';
const T1 = '2026-11-20T09:40:00+05:30';
const EXPIRES = '2026-11-20T10:00:00+05:30';
const LATE = '2026-11-20T10:00:01+05:30';

const order: ProposedOrder = {
  instrument: 'RELIANCE',
  side: 'SELL',
  quantity: 6,
  orderType: 'LIMIT',
  limitPricePaise: 252000,
  triggerPricePaise: null,
  product: 'CNC',
  validity: 'DAY',
  strategyId: null,
};
type ProposeData = Extract<ProposalCommand, { type: 'ProposeOrder' }>['data'];
const propose = (over: Partial<ProposeData> = {}): ProposalCommand => ({
  type: 'ProposeOrder',
  data: {
    proposalId: id,
    askId: 'ask-1',
    accountId: 'a1',
    order,
    rationale: 'Take profit on the rest of RELIANCE [event:14]',
    citations: ['[event:14]'],
    proposedBy: 'analyst:claude-test',
    requestedBy: 'user:asha',
    now: T0,
    expiresAt: EXPIRES,
    ...over,
  },
});
const proposed: ProposalEvent = {
  type: 'OrderProposed',
  data: {
    proposalId: id,
    askId: 'ask-1',
    accountId: 'a1',
    order,
    rationale: 'Take profit on the rest of RELIANCE [event:14]',
    citations: ['[event:14]'],
    proposedBy: 'analyst:claude-test',
    requestedBy: 'user:asha',
    proposedAt: T0,
    expiresAt: EXPIRES,
  },
};
const approved: ProposalEvent = { type: 'OrderProposalApproved', data: { proposalId: id, accountId: 'a1', approvedBy: 'user:ravi', at: T1 } };
const rejected: ProposalEvent = { type: 'OrderProposalRejected', data: { proposalId: id, accountId: 'a1', rejectedBy: 'user:ravi', reason: 'too early', at: T1 } };
const placed: ProposalEvent = { type: 'ProposalOrderPlaced', data: { proposalId: id, accountId: 'a1', orderId: 'o-9', clientOrderId: 'proposal-p-1', at: T1 } };

const approve = (now = T1): ProposalCommand => ({ type: 'ApproveProposal', data: { proposalId: id, actor: 'user:ravi', now } });
const reject = (reason = 'too early', now = T1): ProposalCommand => ({ type: 'RejectProposal', data: { proposalId: id, actor: 'user:ravi', reason, now } });
const recordPlaced = (orderId = 'o-9'): ProposalCommand => ({ type: 'RecordProposalOrderPlaced', data: { proposalId: id, orderId, clientOrderId: 'proposal-p-1', now: T1 } });
const recordFailed: ProposalCommand = { type: 'RecordProposalOrderFailed', data: { proposalId: id, code: 'MARKET_CLOSED', message: 'market is closed', orderId: 'o-9', now: T1 } };
const after = (events: ProposalEvent[]): ProposalState => events.reduce(evolveProposal, initialProposalState);

describe('proposal: ProposeOrder', () => {
  it('records the suggestion as PROPOSED, with prices normalised to null where the type takes none', () => {
    spec.given([]).when(propose({ order: { ...order, triggerPricePaise: undefined as unknown as null } })).then([proposed]);
    spec.given([]).when(propose()).thenState((s) => expect(s).toMatchObject({ status: 'PROPOSED', orderId: null, decidedBy: null }));
  });

  it('refuses a second proposal with the same id', () => {
    spec.given([proposed]).when(propose()).thenThrows('PROPOSAL_ALREADY_EXISTS');
  });

  it.each<[string, Partial<ProposeData>, string]>([
    ['a lowercase symbol', { order: { ...order, instrument: 'reliance' } }, 'PROPOSAL_ORDER_INVALID'],
    ['an unknown side', { order: { ...order, side: 'HOLD' as 'BUY' } }, 'PROPOSAL_ORDER_INVALID'],
    ['a fractional quantity', { order: { ...order, quantity: 1.5 } }, 'QUANTITY_INVALID'],
    ['a LIMIT order without a limit price', { order: { ...order, limitPricePaise: null } }, 'LIMIT_PRICE_REQUIRED'],
    ['a MARKET order with a limit price', { order: { ...order, orderType: 'MARKET' } }, 'LIMIT_PRICE_NOT_ALLOWED'],
    ['an SL BUY with its limit under the trigger', { order: { ...order, side: 'BUY', orderType: 'SL', limitPricePaise: 100, triggerPricePaise: 200 } }, 'SL_PRICES_INCONSISTENT'],
    ['an empty rationale', { rationale: '  ' }, 'PROPOSAL_RATIONALE_INVALID'],
    ['an expiry before now', { expiresAt: T0 }, 'PROPOSAL_EXPIRY_INVALID'],
    ['an account id with a space', { accountId: 'a 1' }, 'INVALID_ID'],
    ['too many citations', { citations: Array.from({ length: 21 }, (_, i) => `[event:${i}]`) }, 'PROPOSAL_CITATIONS_INVALID'],
    ['a time without offset', { now: '2026-11-20T09:30:00' }, 'INVALID_TIME'],
  ])('refuses %s', (_label, over, code) => {
    spec.given([]).when(propose(over)).thenThrows(code);
  });
});

describe('proposal: approve and reject', () => {
  it('approves a PROPOSED proposal once', () => {
    spec.given([proposed]).when(approve()).then([approved]);
    expect(after([proposed, approved])).toMatchObject({ status: 'APPROVED', decidedBy: 'user:ravi', decidedAt: T1 });
  });

  it('refuses a second approval, and an approval after a rejection', () => {
    spec.given([proposed, approved]).when(approve()).thenThrows('PROPOSAL_ALREADY_DECIDED');
    spec.given([proposed, approved, placed]).when(approve()).thenThrows('PROPOSAL_ALREADY_DECIDED');
    spec.given([proposed, rejected]).when(approve()).thenThrows('PROPOSAL_ALREADY_DECIDED');
  });

  it('rejects with a reason once; a rejected or approved proposal cannot be rejected again', () => {
    spec.given([proposed]).when(reject()).then([rejected]);
    expect(after([proposed, rejected])).toMatchObject({ status: 'REJECTED', rejectReason: 'too early' });
    spec.given([proposed, rejected]).when(reject()).thenThrows('PROPOSAL_ALREADY_DECIDED');
    spec.given([proposed, approved]).when(reject()).thenThrows('PROPOSAL_ALREADY_DECIDED');
    spec.given([proposed]).when(reject(' ')).thenThrows('REASON_REQUIRED');
  });

  it('refuses to approve after expiry but still lets it be rejected', () => {
    spec.given([proposed]).when(approve(EXPIRES)).then([{ ...approved, data: { ...approved.data, at: EXPIRES } } as ProposalEvent]);
    spec.given([proposed]).when(approve(LATE)).thenThrows('PROPOSAL_EXPIRED');
    spec.given([proposed]).when(reject('stale', LATE)).thenEvents(([e]) => expect(e.type).toBe('OrderProposalRejected'));
  });

  it('answers PROPOSAL_NOT_FOUND for an unknown proposal', () => {
    spec.given([]).when(approve()).thenThrows('PROPOSAL_NOT_FOUND');
    spec.given([]).when(reject()).thenThrows('PROPOSAL_NOT_FOUND');
  });
});

describe('proposal: placement of an approved proposal', () => {
  it('records the order placed, once; the same order again changes nothing', () => {
    spec.given([proposed, approved]).when(recordPlaced()).then([placed]);
    expect(after([proposed, approved, placed])).toMatchObject({ status: 'PLACED', orderId: 'o-9', clientOrderId: 'proposal-p-1' });
    spec.given([proposed, approved, placed]).when(recordPlaced()).thenNothing();
    spec.given([proposed, approved, placed]).when(recordPlaced('o-10')).thenThrows('PROPOSAL_NOT_APPROVED');
  });

  it('records a refused placement with its code', () => {
    spec.given([proposed, approved]).when(recordFailed).thenState((s) => expect(s).toMatchObject({ status: 'PLACEMENT_FAILED', failureCode: 'MARKET_CLOSED', orderId: 'o-9' }));
  });

  it('never records a placement for a proposal nobody approved', () => {
    spec.given([proposed]).when(recordPlaced()).thenThrows('PROPOSAL_NOT_APPROVED');
    spec.given([proposed, rejected]).when(recordFailed).thenThrows('PROPOSAL_NOT_APPROVED');
  });
});
