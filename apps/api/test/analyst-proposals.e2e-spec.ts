import { PROMPT_VERSION, TOOL_NAMES, TOOLS_VERSION } from '@robo/analyst';
import { MessagesApiServer } from '@robo/analyst/testing/messages-api-server';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { Cast, makeCast } from './auth-fixtures';
import { askOverHttp, only } from './analyst-sse';
import { startTestApp, TestApp } from './test-app';

const API_KEY = 'sk-ant-test-local-only';
const MODEL = 'claude-e2e-model';
const ANALYST_ENV = { ANTHROPIC_API_KEY: API_KEY, ANALYST_MODEL: MODEL, ANALYST_MAX_RETRIES: '0', ANALYST_REQUEST_TIMEOUT_MS: '5000' };

const proposal = (accountId: string, quantity: number) => ({
  accountId,
  instrument: 'ITC',
  side: 'BUY',
  quantity,
  type: 'LIMIT',
  limitPricePaise: 44_000,
  product: 'CNC',
  validity: 'DAY',
  rationale: 'Average down below the open order',
  citations: [],
});

describe('analyst proposals over HTTP: recorded by the analyst, decided by a person', () => {
  let server: MessagesApiServer;
  let t: TestApp;
  let c: Cast;
  let base: string;
  let store: EventStore;
  let proposalIds: string[] = [];
  let lastPosition = 0;

  beforeAll(async () => {
    server = await MessagesApiServer.start({ apiKey: API_KEY, model: MODEL, systemIncludes: [PROMPT_VERSION, TOOLS_VERSION], toolNames: TOOL_NAMES });
    t = await startTestApp({ ...ANALYST_ENV, ANTHROPIC_BASE_URL: server.url });
    base = await t.listen();
    store = t.app.get(EVENT_STORE);
    c = await makeCast(t);
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });
  afterEach(() => expect(server.violations).toEqual([]));

  it('records two proposals as OrderProposed events and places nothing', async () => {
    server.use((_req, index) =>
      index === 0
        ? {
            kind: 'message',
            content: [
              { type: 'text', text: 'Two ideas.' },
              { type: 'tool_use', id: 'toolu_p1', name: 'propose_order', input: proposal(c.accountA, 10) },
              { type: 'tool_use', id: 'toolu_p2', name: 'propose_order', input: proposal(c.accountA, 20) },
            ],
            stopReason: 'tool_use',
          }
        : { kind: 'message', content: [{ type: 'text', text: 'Both proposals await your approval.' }], stopReason: 'end_turn' },
    );
    const ordersBefore = (await store.readAll({ after: 0n, maxCount: 100_000, filter: { eventTypes: ['OrderPlaced'] } })).length;
    const reply = await askOverHttp(base, c.trader.token, { question: 'Should I buy more ITC?', accountId: c.accountA });
    const proposals = only(reply, 'proposal').map((e) => e.proposal);
    expect(proposals).toEqual([
      expect.objectContaining({ status: 'PROPOSED', accountId: c.accountA, requestedBy: `key:${c.trader.kid}`, proposedBy: `analyst:${MODEL}` }),
      expect.objectContaining({ status: 'PROPOSED', accountId: c.accountA }),
    ]);
    const [{ answer }] = only(reply, 'answer');
    expect(answer.proposals.map((p) => p.proposalId)).toEqual(proposals.map((p) => p.proposalId));
    proposalIds = proposals.map((p) => p.proposalId);
    lastPosition = answer.lastEventPosition;
    for (const id of proposalIds) {
      const events = await store.readStream(`proposal-${id}`);
      expect(events.map((e) => [e.type, e.metadata.actor, e.metadata.correlationId])).toEqual([['OrderProposed', `key:${c.trader.kid}`, reply.correlationId]]);
    }
    expect((await store.readAll({ after: 0n, maxCount: 100_000, filter: { eventTypes: ['OrderPlaced'] } })).length).toBe(ordersBefore);

    // Listed to those who may read the account, never to another trader.
    const listed = await t.as(c.viewer.token).get(`/api/analyst/proposals?accountId=${c.accountA}&minPosition=${lastPosition}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { proposalId: string }) => p.proposalId).sort()).toEqual([...proposalIds].sort());
    const strangers = await t.as(c.stranger.token).get(`/api/analyst/proposals?minPosition=${lastPosition}`);
    expect([strangers.status, strangers.body.items]).toEqual([200, []]);
  });

  it('refuses a viewer, an auditor and another trader; nothing is appended', async () => {
    const before = await store.headPosition();
    const [first] = proposalIds;
    const viewer = await t.as(c.viewer.token).post(`/api/analyst/proposals/${first}/approve`).send({});
    const auditor = await t.as(c.auditor.token).post(`/api/analyst/proposals/${first}/reject`).send({ reason: 'no' });
    const stranger = await t.as(c.stranger.token).post(`/api/analyst/proposals/${first}/approve`).send({});
    expect([viewer.status, viewer.body.code]).toEqual([403, 'FORBIDDEN']);
    expect([auditor.status, auditor.body.code]).toEqual([403, 'FORBIDDEN']);
    expect([stranger.status, stranger.body.code]).toEqual([404, 'PROPOSAL_NOT_FOUND']);
    expect(await store.headPosition()).toBe(before);
  });

  it("approved by the account's trader: exactly one normal order is placed, and a second approval changes nothing", async () => {
    const [first] = proposalIds;
    const approved = await t.as(c.trader.token).post(`/api/analyst/proposals/${first}/approve`).send({});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ proposalId: first, status: 'PLACED', orderId: expect.any(String), proposal: { decidedBy: `key:${c.trader.kid}` } });
    const again = await t.as(c.trader.token).post(`/api/analyst/proposals/${first}/approve`).send({});
    expect([again.status, again.body.code]).toEqual([409, 'PROPOSAL_ALREADY_DECIDED']);

    const orders = await t.as(c.trader.token).get(`/api/orders?accountId=${c.accountA}&minPosition=${approved.body.proposal.lastEventPosition}&limit=200`);
    const fromProposal = orders.body.items.filter((o: { clientOrderId: string | null }) => o.clientOrderId === approved.body.proposal.orderRequest.clientOrderId);
    expect(fromProposal).toEqual([expect.objectContaining({ orderId: approved.body.orderId, quantity: 10, instrument: 'ITC', side: 'BUY', status: 'OPEN' })]);
    const placed = await store.readStream(`order-${approved.body.orderId}`);
    expect(placed[0].metadata.actor).toBe(`key:${c.trader.kid}`);
    const trail = (await store.readStream(`proposal-${first}`)).map((e) => e.type);
    expect(trail).toEqual(['OrderProposed', 'OrderProposalApproved', 'ProposalOrderPlaced']);
  });

  it('rejected with a reason: recorded, no order, and it cannot be approved afterwards', async () => {
    const second = proposalIds[1];
    const noReason = await t.as(c.trader.token).post(`/api/analyst/proposals/${second}/reject`).send({});
    expect([noReason.status, noReason.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const rejected = await t.as(c.admin.token).post(`/api/analyst/proposals/${second}/reject`).send({ reason: 'too much ITC already' });
    expect([rejected.status, rejected.body.status]).toEqual([200, 'REJECTED']);
    const late = await t.as(c.trader.token).post(`/api/analyst/proposals/${second}/approve`).send({});
    expect([late.status, late.body.code]).toEqual([409, 'PROPOSAL_ALREADY_DECIDED']);
    const events = await store.readStream(`proposal-${second}`);
    expect(events.map((e) => e.type)).toEqual(['OrderProposed', 'OrderProposalRejected']);
    expect(events[1]).toMatchObject({ data: { reason: 'too much ITC already', rejectedBy: `key:${c.admin.kid}` } });
    const listed = await t.as(c.trader.token).get(`/api/analyst/proposals?accountId=${c.accountA}&status=REJECTED&minPosition=${Number(events[1].globalPosition)}`);
    expect(listed.body.items.map((p: { proposalId: string }) => p.proposalId)).toEqual([second]);
  });

  it('answers 404 for an unknown proposal and 400 for a malformed id', async () => {
    const unknown = await t.as(c.trader.token).post('/api/analyst/proposals/00000000-0000-4000-8000-000000000000/approve').send({});
    expect([unknown.status, unknown.body.code]).toEqual([404, 'PROPOSAL_NOT_FOUND']);
    const malformed = await t.as(c.trader.token).post('/api/analyst/proposals/not-a-uuid/approve').send({});
    expect([malformed.status, malformed.body.code]).toEqual([400, 'INVALID_ID']);
  });
});
