import { PROMPT_VERSION, TOOL_NAMES, TOOLS_VERSION } from '@robo/analyst';
import { MessagesApiServer, type ContentBlockParam, type RecordedRequest } from '@robo/analyst/testing/messages-api-server';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { Cast, makeCast } from './auth-fixtures';
import { askOverHttp, only } from './analyst-sse';
import { startTestApp, TestApp } from './test-app';

const API_KEY = 'sk-ant-test-local-only';
const MODEL = 'claude-e2e-model';
const ANALYST_ENV = {
  ANTHROPIC_API_KEY: API_KEY,
  ANALYST_MODEL: MODEL,
  ANALYST_MAX_ROUNDS: '3',
  ANALYST_MAX_RETRIES: '2',
  ANALYST_REQUEST_TIMEOUT_MS: '5000',
  ANALYST_MAX_WALL_MS: '20000',
};

/** The text of the tool results the api sent back to the model in this request. */
const toolResultText = (req: RecordedRequest): string => {
  const last = req.body.messages[req.body.messages.length - 1].content;
  return (typeof last === 'string' ? [] : last)
    .filter((b: ContentBlockParam) => b.type === 'tool_result')
    .map((b) => (typeof b.content === 'string' ? b.content : JSON.stringify(b.content)))
    .join('\n');
};

describe('analyst over HTTP: real SDK against a local Messages API server, real stores', () => {
  let server: MessagesApiServer;
  let t: TestApp;
  let c: Cast;
  let base: string;
  let store: EventStore;

  beforeAll(async () => {
    server = await MessagesApiServer.start({ apiKey: API_KEY, model: MODEL, systemIncludes: [PROMPT_VERSION, TOOLS_VERSION], toolNames: TOOL_NAMES });
    t = await startTestApp({ ...ANALYST_ENV, ANTHROPIC_BASE_URL: server.url });
    base = await t.listen();
    store = t.app.get(EVENT_STORE);
    c = await makeCast(t);
    // The order of the cast is in the read models before the model reads them.
    const head = await store.headPosition();
    expect((await t.as(c.trader.token).get(`/api/orders?accountId=${c.accountA}&minPosition=${head}`)).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });
  afterEach(() => expect(server.violations).toEqual([]));

  it('streams an answer after a tool-use round trip, cites the events the tool returned, and records every step', async () => {
    server.use((req, index) => {
      if (index === 0) {
        return {
          kind: 'message',
          content: [{ type: 'text', text: 'Reading your orders.' }, { type: 'tool_use', id: 'toolu_orders', name: 'get_orders', input: { accountId: c.accountA, limit: 5 } }],
          stopReason: 'tool_use',
          usage: { input: 700, output: 30 },
        };
      }
      const position = /"lastEventPosition":(\d+)/.exec(toolResultText(req))?.[1] ?? 'none';
      return { kind: 'message', content: [{ type: 'text', text: `You have one open ITC order of 100 at ₹450 [event:${position}].` }], stopReason: 'end_turn', usage: { input: 1200, output: 25 } };
    });
    const reply = await askOverHttp(base, c.trader.token, { question: 'What orders are open?', accountId: c.accountA });
    expect([reply.status, reply.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
    expect(reply.events.map((e) => e.type)).toEqual(expect.arrayContaining(['started', 'text', 'tool_call', 'tool_result', 'answer']));
    expect(reply.events[0].type).toBe('started');
    expect(reply.events.at(-1)?.type).toBe('answer');

    // The tool read this account's orders through the api's query layer.
    expect(only(reply, 'tool_call')).toEqual([expect.objectContaining({ tool: 'get_orders', input: { accountId: c.accountA, limit: 5 } })]);
    expect(only(reply, 'tool_result')).toEqual([expect.objectContaining({ tool: 'get_orders', ok: true, errorCode: null })]);
    expect(toolResultText(server.requests[1])).toContain(c.orderA);

    const [{ answer }] = only(reply, 'answer');
    const orderEvents = await store.readStream(`order-${c.orderA}`);
    expect(answer.citations).toEqual([expect.objectContaining({ kind: 'event', seen: true, exists: true, globalPosition: Number(orderEvents.at(-1)?.globalPosition) })]);
    expect(only(reply, 'text').map((e) => e.delta).join('')).toContain(answer.citations[0].ref);
    expect(answer).toMatchObject({ model: MODEL, rounds: 2, usage: { inputTokens: 1900, outputTokens: 55 } });

    // The AI's steps are in analyst-<askId>, with the asker as actor and the request's correlation id.
    const trail = await t.as(c.auditor.token).get(`/api/streams/${answer.streamName}/events`);
    expect(trail.status).toBe(200);
    const events: { type: string; data: Record<string, unknown>; metadata: { actor: string; correlationId: string } }[] = trail.body.events;
    expect(events.map((e) => e.type)).toEqual(['AnalystQuestionAsked', 'AnalystModelResponded', 'AnalystToolCalled', 'AnalystToolReturned', 'AnalystModelResponded', 'AnalystAnswered']);
    for (const e of events) expect(e.metadata).toMatchObject({ actor: `key:${c.trader.kid}`, correlationId: reply.correlationId });
    expect(events[0].data).toMatchObject({ question: 'What orders are open?', accountId: c.accountA, model: MODEL, promptVersion: PROMPT_VERSION, toolsVersion: TOOLS_VERSION });
    expect(events[2].data).toMatchObject({ tool: 'get_orders', input: { accountId: c.accountA, limit: 5 } });
    expect(events[5].data).toMatchObject({ text: answer.text, inputTokens: 1900, outputTokens: 55 });
    // Trails of no account are for auditors and admins.
    expect((await t.as(c.trader.token).get(`/api/streams/${answer.streamName}/events`)).status).toBe(403);
  });

  it('keeps tools to what the asker may read: a scoped key must name its account, another account is unknown', async () => {
    server.use(() => ({ kind: 'error', status: 500, type: 'api_error', message: 'must not be called' }));
    const before = await store.headPosition();
    const noAccount = await askOverHttp(base, c.viewer.token, { question: 'How am I doing?' });
    expect([noAccount.status, noAccount.body?.code]).toEqual([400, 'ACCOUNT_REQUIRED']);
    const foreign = await askOverHttp(base, c.stranger.token, { question: 'How is A doing?', accountId: c.accountA });
    expect([foreign.status, foreign.body?.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    const blank = await askOverHttp(base, c.trader.token, { question: '   ', accountId: c.accountA });
    expect([blank.status, blank.body?.code]).toEqual([400, 'ANALYST_INVALID_REQUEST']);
    expect(server.requests).toHaveLength(0);
    expect(await store.headPosition()).toBe(before);
  });

  it('retries a 429 inside the SDK and answers from the second request', async () => {
    server.use((_req, index) =>
      index === 0
        ? { kind: 'error', status: 429, type: 'rate_limit_error', message: 'rate limited', headers: { 'retry-after-ms': '20', 'retry-after': '1' } }
        : { kind: 'message', content: [{ type: 'text', text: 'No figures needed for that.' }], stopReason: 'end_turn' },
    );
    const reply = await askOverHttp(base, c.admin.token, { question: 'Are you there?' });
    expect(server.requests).toHaveLength(2);
    expect(reply.events.at(-1)).toMatchObject({ type: 'answer', answer: { text: 'No figures needed for that.' } });
  });

  it('maps a provider that stays overloaded to ANALYST_PROVIDER_OVERLOADED (503) and records the failure', async () => {
    server.use(() => ({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after-ms': '10' } }));
    const reply = await askOverHttp(base, c.trader.token, { question: 'What is my cash?', accountId: c.accountA });
    expect(server.requests).toHaveLength(3);
    expect(reply.events.at(-1)).toMatchObject({ type: 'error', code: 'ANALYST_PROVIDER_OVERLOADED', status: 503, message: expect.any(String) });
    const [started] = only(reply, 'started');
    const trail = await t.as(c.auditor.token).get(`/api/streams/${started.streamName}/events`);
    expect(trail.body.events.map((e: { type: string }) => e.type)).toEqual(['AnalystQuestionAsked', 'AnalystFailed']);
    expect(trail.body.events[1].data).toMatchObject({ code: 'ANALYST_PROVIDER_OVERLOADED', reason: 'provider_overloaded' });
  });

  it('bounds the tool loop: a model that keeps calling tools stops at ANALYST_MAX_ROUNDS with ANALYST_LOOP_LIMIT', async () => {
    server.use((_req, index) => ({ kind: 'message', content: [{ type: 'tool_use', id: `toolu_loop${index}`, name: 'get_portfolio', input: { accountId: c.accountA } }], stopReason: 'tool_use' }));
    const reply = await askOverHttp(base, c.trader.token, { question: 'Keep looking', accountId: c.accountA });
    expect(server.requests).toHaveLength(3);
    expect(only(reply, 'tool_call')).toHaveLength(2);
    expect(reply.events.at(-1)).toMatchObject({ type: 'error', code: 'ANALYST_LOOP_LIMIT', status: 422, details: { reason: 'max_rounds' } });
    const [started] = only(reply, 'started');
    const trail = await t.as(c.admin.token).get(`/api/streams/${started.streamName}/events`);
    expect(trail.body.events.at(-1)).toMatchObject({ type: 'AnalystFailed', data: { reason: 'max_rounds', rounds: 3 } });
  });
});
