import { randomUUID } from 'node:crypto';
import { analystStream, DomainError, orderStream, proposalStream } from '@robo/domain';
import { AnalystError } from '../analyst-errors';
import { createAnalyst } from '../create-analyst';
import { PROMPT_VERSION } from '../prompt';
import { AnalystFixture, TestClock } from '../testing/analyst-fixture';
import { MessagesApiServer, type ContentBlockParam } from '../testing/messages-api-server';
import { TOOL_NAMES, TOOLS_VERSION } from '../tools/tool-definitions';
import { StoreUnavailableError } from '@robo/event-store';
import { clientOrderIdFor, ProposalBook, ProposalOrderRefused, type PlaceOrderPort, type ProposeRequest } from './proposal-book';

const API_KEY = 'sk-test-local-only';
const MODEL = 'claude-test-model';
const asker = { actor: 'user:asha', correlationId: 'corr-ask-7', causationId: null };
const approver = { actor: 'user:ravi', correlationId: 'corr-approve-1', causationId: 'req-approve-1' };
const TTL_MS = 30 * 60_000;

let fx: AnalystFixture;
let server: MessagesApiServer;
let clock: TestClock;
let book: ProposalBook;

beforeAll(async () => {
  fx = new AnalystFixture();
  await fx.seed();
  server = await MessagesApiServer.start({ apiKey: API_KEY, model: MODEL, systemIncludes: [PROMPT_VERSION, TOOLS_VERSION], toolNames: TOOL_NAMES });
});
afterAll(async () => {
  await server.close();
  await fx.cleanup();
});
beforeEach(() => {
  clock = new TestClock();
  fx.buyingPowerPaise = 100_000_000;
  fx.placed.length = 0;
  book = new ProposalBook({ eventStore: fx.eventStore, clock, newId: randomUUID, ttlMs: TTL_MS, placeOrder: fx.placeOrder });
});

const sellRest: ProposeRequest = {
  askId: 'ask-direct',
  proposedBy: `analyst:${MODEL}`,
  accountId: 'a1',
  instrument: 'RELIANCE',
  side: 'SELL',
  quantity: 6,
  type: 'LIMIT',
  limitPricePaise: 252000,
  triggerPricePaise: null,
  product: 'CNC',
  validity: 'DAY',
  strategyId: null,
  rationale: 'Sell the rest above the last fill [event:13]',
  citations: ['[event:13]'],
};

async function orderStreamsCount(): Promise<number> {
  const events = await fx.eventStore.readAll({ filter: { streamPrefixes: ['order-'] }, maxCount: 1000 });
  return new Set(events.map((e) => e.streamName)).size;
}

async function thrown(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('analyst proposals: recorded by the AI, decided by a person', () => {
  it('the model proposes through propose_order: an OrderProposed event is recorded, nothing is placed, the model is told the id', async () => {
    server.use((req, index) => {
      if (index === 0) {
        return {
          kind: 'message',
          content: [
            { type: 'text', text: 'I suggest selling the remaining 6.' },
            {
              type: 'tool_use',
              id: 'toolu_prop',
              name: 'propose_order',
              input: { accountId: 'a1', instrument: 'RELIANCE', side: 'SELL', quantity: 6, type: 'LIMIT', limitPricePaise: 252000, product: 'CNC', validity: 'DAY', rationale: 'Lock in gains [event:14]', citations: ['[event:14]'] },
            },
          ],
          stopReason: 'tool_use',
        };
      }
      const last = req.body.messages[req.body.messages.length - 1].content as ContentBlockParam[];
      const told = JSON.parse(last[0].content as string) as { proposalId: string; status: string };
      return { kind: 'message', content: [{ type: 'text', text: `Proposal ${told.proposalId} is ${told.status}; approve it to place the order [event:14].` }], stopReason: 'end_turn' };
    });
    const before = await orderStreamsCount();
    const analyst = createAnalyst(
      { apiKey: API_KEY, baseURL: server.url, model: MODEL, maxRetries: 0 },
      { queries: fx.queries, eventStore: fx.eventStore, proposals: book, clock },
    );
    const answer = await analyst.ask({ question: 'Should I take profit on RELIANCE?', accountId: 'a1' }, asker);
    expect(server.violations).toEqual([]);

    expect(answer.proposals).toHaveLength(1);
    const proposal = answer.proposals[0];
    expect(proposal).toMatchObject({ status: 'PROPOSED', accountId: 'a1', askId: answer.askId, requestedBy: 'user:asha', proposedBy: `analyst:${MODEL}`, citations: ['[event:14]'] });
    expect(proposal.orderRequest).toEqual({
      accountId: 'a1',
      instrument: 'RELIANCE',
      side: 'SELL',
      quantity: 6,
      type: 'LIMIT',
      limitPricePaise: 252000,
      triggerPricePaise: null,
      product: 'CNC',
      validity: 'DAY',
      strategyId: null,
      clientOrderId: clientOrderIdFor(proposal.proposalId),
    });
    expect(answer.text).toContain(`Proposal ${proposal.proposalId} is PROPOSED`);
    expect(await orderStreamsCount()).toBe(before);
    expect(fx.placed).toHaveLength(0);

    // The proposal event is tied into the question's trail: same actor and correlation, caused by the tool call.
    const [proposed] = await fx.streamEvents(proposalStream(proposal.proposalId));
    const trail = await fx.streamEvents(analystStream(answer.askId));
    const toolCall = trail.find((e) => e.type === 'AnalystToolCalled');
    expect(proposed).toMatchObject({ type: 'OrderProposed', metadata: { actor: 'user:asha', correlationId: 'corr-ask-7', causationId: toolCall?.metadata.eventId } });
    expect(proposed.data).toMatchObject({ expiresAt: new Date(Date.parse(clock.now()) + TTL_MS).toISOString(), rationale: 'Lock in gains [event:14]' });
    expect(trail[trail.length - 1]).toMatchObject({ type: 'AnalystAnswered', data: { proposalIds: [proposal.proposalId] } });

    // Approval places a normal order through the port, once, and records its id.
    const approval = await book.approveProposal(proposal.proposalId, approver);
    expect(fx.placed).toHaveLength(1);
    expect(fx.placed[0]).toMatchObject({ request: proposal.orderRequest, ctx: { actor: 'user:ravi', correlationId: 'corr-approve-1', idempotencyKey: clientOrderIdFor(proposal.proposalId) } });
    const order = await fx.streamEvents(orderStream(approval.orderId));
    expect(order.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']);
    expect(order[0].data).toMatchObject({ side: 'SELL', quantity: 6, limitPricePaise: 252000, clientOrderId: clientOrderIdFor(proposal.proposalId) });
    const events = await fx.streamEvents(proposalStream(proposal.proposalId));
    expect(events.map((e) => e.type)).toEqual(['OrderProposed', 'OrderProposalApproved', 'ProposalOrderPlaced']);
    expect(events[1]).toMatchObject({ data: { approvedBy: 'user:ravi' }, metadata: { actor: 'user:ravi', correlationId: 'corr-approve-1', causationId: 'req-approve-1' } });
    // The order was sent because of the approval event.
    expect(fx.placed[0].ctx.causationId).toBe(events[1].metadata.eventId);
    expect(events[2].data).toMatchObject({ orderId: approval.orderId, clientOrderId: clientOrderIdFor(proposal.proposalId) });
    expect(approval.proposal).toMatchObject({ status: 'PLACED', orderId: approval.orderId, decidedBy: 'user:ravi', streamRevision: 2 });

    // A second approval is refused and changes nothing.
    const second = await thrown(book.approveProposal(proposal.proposalId, { ...approver, actor: 'user:meera' }));
    expect(second).toMatchObject({ code: 'PROPOSAL_ALREADY_DECIDED', kind: 'conflict', details: { status: 'PLACED', decidedBy: 'user:ravi' } });
    expect(fx.placed).toHaveLength(1);
    expect(await fx.streamEvents(proposalStream(proposal.proposalId))).toHaveLength(3);
  });

  it('rejects with a reason; a rejected proposal can neither be approved nor rejected again, and never reaches the order path', async () => {
    const proposal = await book.propose(sellRest, asker);
    const rejected = await book.rejectProposal(proposal.proposalId, approver, 'I want to hold through results');
    expect(rejected).toMatchObject({ status: 'REJECTED', decidedBy: 'user:ravi', rejectReason: 'I want to hold through results' });
    expect((await thrown(book.approveProposal(proposal.proposalId, approver))).code).toBe('PROPOSAL_ALREADY_DECIDED');
    expect((await thrown(book.rejectProposal(proposal.proposalId, approver, 'again'))).code).toBe('PROPOSAL_ALREADY_DECIDED');
    expect((await thrown(book.rejectProposal(proposal.proposalId, approver, ' '))).code).toBe('REASON_REQUIRED');
    const events = await fx.streamEvents(proposalStream(proposal.proposalId));
    expect(events.map((e) => e.type)).toEqual(['OrderProposed', 'OrderProposalRejected']);
    expect(events[1]).toMatchObject({ data: { rejectedBy: 'user:ravi', reason: 'I want to hold through results' }, metadata: { actor: 'user:ravi' } });
    expect(fx.placed).toHaveLength(0);
  });

  it('lets exactly one of two concurrent approvals win, placing one order', async () => {
    const proposal = await book.propose(sellRest, asker);
    const before = fx.placed.length;
    const results = await Promise.allSettled([book.approveProposal(proposal.proposalId, approver), book.approveProposal(proposal.proposalId, { ...approver, actor: 'user:meera' })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toMatchObject({ code: 'PROPOSAL_ALREADY_DECIDED' });
    expect(fx.placed.length - before).toBe(1);
    expect((await fx.streamEvents(proposalStream(proposal.proposalId))).map((e) => e.type)).toEqual(['OrderProposed', 'OrderProposalApproved', 'ProposalOrderPlaced']);
  });

  it('refuses to approve an expired proposal, and records a refusal by the order path with its code and order id', async () => {
    const stale = await book.propose(sellRest, asker);
    clock.advance(TTL_MS + 1000);
    expect((await thrown(book.approveProposal(stale.proposalId, approver))).code).toBe('PROPOSAL_EXPIRED');
    expect(await fx.streamEvents(proposalStream(stale.proposalId))).toHaveLength(1);

    const buy = await book.propose({ ...sellRest, side: 'BUY', quantity: 100, limitPricePaise: 250000, rationale: 'Average down' }, asker);
    fx.buyingPowerPaise = 1_000_000;
    const refused = await thrown(book.approveProposal(buy.proposalId, approver));
    expect(refused).toBeInstanceOf(ProposalOrderRefused);
    expect(refused).toMatchObject({ code: 'INSUFFICIENT_FUNDS', kind: 'rule', details: { proposalId: buy.proposalId } });
    const events = await fx.streamEvents(proposalStream(buy.proposalId));
    expect(events.map((e) => e.type)).toEqual(['OrderProposed', 'OrderProposalApproved', 'ProposalOrderFailed']);
    expect(events[2].data).toMatchObject({ code: 'INSUFFICIENT_FUNDS', orderId: refused.details?.orderId });
    const rejectedOrder = await fx.streamEvents(orderStream(String(refused.details?.orderId)));
    expect(rejectedOrder.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderRejected']);
  });

  it('leaves an approval whose order could not be sent APPROVED, and completes it later without a second order', async () => {
    let down = true;
    const flaky: PlaceOrderPort = async (request, ctx) => {
      if (down) throw new StoreUnavailableError('event store is unavailable');
      return fx.placeOrder(request, ctx);
    };
    const flakyBook = new ProposalBook({ eventStore: fx.eventStore, clock, newId: randomUUID, ttlMs: TTL_MS, placeOrder: flaky });
    const proposal = await flakyBook.propose(sellRest, asker);
    expect((await thrown(flakyBook.completePlacement(proposal.proposalId, approver))).code).toBe('PROPOSAL_NOT_APPROVED');
    await expect(flakyBook.approveProposal(proposal.proposalId, approver)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await flakyBook.get(proposal.proposalId)).toMatchObject({ status: 'APPROVED', orderId: null });
    expect((await thrown(flakyBook.approveProposal(proposal.proposalId, approver))).code).toBe('PROPOSAL_ALREADY_DECIDED');

    down = false;
    const done = await flakyBook.completePlacement(proposal.proposalId, approver);
    expect(done.proposal).toMatchObject({ status: 'PLACED', orderId: done.orderId });
    expect(await flakyBook.completePlacement(proposal.proposalId, approver)).toMatchObject({ orderId: done.orderId });
    expect(fx.placed).toHaveLength(1);
    expect((await fx.streamEvents(proposalStream(proposal.proposalId))).map((e) => e.type)).toEqual(['OrderProposed', 'OrderProposalApproved', 'ProposalOrderPlaced']);
  });

  it('answers PROPOSAL_NOT_FOUND for an unknown id, and a book without the order port cannot approve', async () => {
    expect((await thrown(book.approveProposal('no-such-proposal', approver))).code).toBe('PROPOSAL_NOT_FOUND');
    expect((await thrown(book.rejectProposal('no-such-proposal', approver, 'no'))).code).toBe('PROPOSAL_NOT_FOUND');
    expect((await thrown(book.completePlacement('no-such-proposal', approver))).code).toBe('PROPOSAL_NOT_FOUND');
    expect(await book.get('no-such-proposal')).toBeNull();
    const readOnly = new ProposalBook({ eventStore: fx.eventStore, clock, newId: randomUUID, ttlMs: TTL_MS });
    const proposal = await readOnly.propose(sellRest, asker);
    await expect(readOnly.approveProposal(proposal.proposalId, approver)).rejects.toThrow(/without a placeOrder port/);
    expect(await readOnly.get(proposal.proposalId)).toMatchObject({ status: 'PROPOSED' });
  });

  it('refuses a proposal for another account than the question is about (the model is told, nothing is recorded)', async () => {
    server.use((_req, index) =>
      index === 0
        ? {
            kind: 'message',
            content: [
              {
                type: 'tool_use',
                id: 'toolu_x',
                name: 'propose_order',
                input: { accountId: 'b2', instrument: 'INFY', side: 'BUY', quantity: 1, type: 'MARKET', product: 'CNC', validity: 'DAY', rationale: 'because' },
              },
            ],
            stopReason: 'tool_use',
          }
        : { kind: 'message', content: [{ type: 'text', text: 'I cannot propose for b2.' }], stopReason: 'end_turn' },
    );
    const analyst = createAnalyst({ apiKey: API_KEY, baseURL: server.url, model: MODEL, maxRetries: 0 }, { queries: fx.queries, eventStore: fx.eventStore, proposals: book, clock });
    const head = await fx.eventStore.headPosition();
    const answer = await analyst.ask({ question: 'Buy INFY in b2', accountId: 'a1' }, asker);
    expect(answer.proposals).toEqual([]);
    expect(answer.toolCalls[0]).toMatchObject({ tool: 'propose_order', ok: false, errorCode: 'TOOL_OUT_OF_SCOPE' });
    const written = await fx.eventStore.readAll({ after: head, maxCount: 100 });
    expect(written.every((e) => e.streamName === analystStream(answer.askId))).toBe(true);
    expect(server.violations).toEqual([]);
  });

  it('an AnalystError is not a DomainError: the two map to HTTP separately', () => {
    expect(new AnalystError('ANALYST_DISABLED', 'x')).not.toBeInstanceOf(DomainError);
  });
});
