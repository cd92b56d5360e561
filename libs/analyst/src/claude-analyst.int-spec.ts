import { createHash } from 'node:crypto';
import { analystStream } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { createAnalyst } from './create-analyst';
import { AnalystError } from './analyst-errors';
import type { AnalystAnswer, AnalystStreamEvent } from './analyst';
import type { AnalystConfigInput } from './analyst-config';
import { PROMPT_VERSION } from './prompt';
import { AnalystFixture, TestClock } from './testing/analyst-fixture';
import { MessagesApiServer, type ContentBlockParam, type RecordedRequest } from './testing/messages-api-server';
import { TOOL_NAMES, TOOLS_VERSION } from './tools/tool-definitions';

const API_KEY = 'sk-test-local-only';
const MODEL = 'claude-test-model';
const who = { actor: 'user:asha', correlationId: 'corr-ask-1', causationId: 'req-1' };

let fx: AnalystFixture;
let server: MessagesApiServer;
let clock: TestClock;

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
  fx.queries.calls.length = 0;
});
afterEach(() => {
  // Every request the analyst sent had the shape the Messages API requires.
  expect(server.violations).toEqual([]);
});

function analyst(config: AnalystConfigInput = {}) {
  return createAnalyst(
    { apiKey: API_KEY, baseURL: server.url, model: MODEL, maxRetries: 2, requestTimeoutMs: 5000, ...config, limits: { maxRounds: 4, maxWallTimeMs: 10_000, ...config.limits } },
    { queries: fx.queries, eventStore: fx.eventStore, clock },
  );
}

async function trail(askId: string): Promise<EventEnvelope[]> {
  return fx.streamEvents(analystStream(askId));
}

const toolResults = (request: RecordedRequest): ContentBlockParam[] => {
  const last = request.body.messages[request.body.messages.length - 1].content;
  return typeof last === 'string' ? [] : last.filter((b) => b.type === 'tool_result');
};

async function askCollecting(a: ReturnType<typeof analyst>, question: string, accountId: string | null = 'a1') {
  const events: AnalystStreamEvent[] = [];
  const answer = await a.ask({ question, accountId }, who, { onEvent: (e) => events.push(e) });
  return { answer, events };
}

async function askFailing(a: ReturnType<typeof analyst>, question: string): Promise<{ error: AnalystError; events: AnalystStreamEvent[] }> {
  const events: AnalystStreamEvent[] = [];
  const error = await a.ask({ question, accountId: 'a1' }, who, { onEvent: (e) => events.push(e) }).then(
    () => {
      throw new Error('expected the question to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnalystError);
  return { error: error as AnalystError, events };
}

describe('ClaudeAnalyst against a local Messages API server (real SDK, real stores)', () => {
  it('runs a streamed tool-use round trip: the tool reads real positions, the answer cites events, every step is recorded', async () => {
    const answerText = 'You hold 6 RELIANCE, realized net ₹8.80 [event:14] [stream:position-a1-RELIANCE@2]; cash [event:20]. Also [event:999].';
    server.use((_req, index) =>
      index === 0
        ? { kind: 'message', content: [{ type: 'text', text: 'Let me read the positions.' }, { type: 'tool_use', id: 'toolu_01', name: 'get_positions', input: { accountId: 'a1' } }], stopReason: 'tool_use', usage: { input: 812, output: 41 } }
        : { kind: 'message', content: [{ type: 'text', text: answerText }], stopReason: 'end_turn', usage: { input: 1350, output: 66 } },
    );
    const { answer, events } = await askCollecting(analyst(), 'How is my RELIANCE position doing?');

    // What the server received: a streamed call with the question, then the tool result as JSON text.
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first.body.stream).toBe(true);
    expect(first.body.messages).toHaveLength(1);
    expect(first.body.messages[0].content).toContain('How is my RELIANCE position doing?');
    expect(first.body.messages[0].content).toContain('Account: a1');
    expect(JSON.stringify(first.body)).not.toContain('user:asha');
    expect(second.body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const [result] = toolResults(second);
    expect(result).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01' });
    expect(result.is_error).toBeUndefined();
    const sent = JSON.parse(result.content as string) as { positions: { instrument: string; quantity: number; realizedNetPaise: number; lastEventPosition: number }[] };
    expect(sent.positions).toEqual([expect.objectContaining({ instrument: 'RELIANCE', quantity: 6, realizedNetPaise: 880, lastEventPosition: 14 })]);

    // The tool ran against the port with the model's input and the asker's identity.
    expect(fx.queries.calls).toEqual([{ method: 'positions', args: ['a1'], actor: 'user:asha' }]);

    // Streamed as it came: the deltas add up to the answer text.
    const deltas = events.flatMap((e) => (e.type === 'text' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(`Let me read the positions.${answerText}`);
    expect(events.map((e) => e.type).filter((t) => t !== 'text')).toEqual(['started', 'tool_call', 'tool_result', 'answer']);

    // Citations: checked against what the tools returned and against the log.
    expect(answer.text).toBe(`Let me read the positions.\n\n${answerText}`);
    expect(answer.citations).toEqual([
      { ref: '[event:14]', kind: 'event', globalPosition: 14, streamName: 'position-a1-RELIANCE', streamRevision: 2, seen: true, exists: true, eventType: 'PositionReduced' },
      { ref: '[stream:position-a1-RELIANCE@2]', kind: 'stream', globalPosition: 14, streamName: 'position-a1-RELIANCE', streamRevision: 2, seen: false, exists: true, eventType: 'PositionReduced' },
      { ref: '[event:20]', kind: 'event', globalPosition: 20, streamName: 'account-a1', streamRevision: 6, seen: false, exists: true, eventType: 'ReservationReleased' },
      { ref: '[event:999]', kind: 'event', globalPosition: 999, streamName: null, streamRevision: null, seen: false, exists: false, eventType: null },
    ]);
    expect(answer).toMatchObject({ rounds: 2, stopReason: 'end_turn', model: MODEL, usage: { inputTokens: 812 + 1350, outputTokens: 41 + 66 } });

    // The audit trail, read back from the SQLite log.
    const events_ = await trail(answer.askId);
    expect(events_.map((e) => e.type)).toEqual([
      'AnalystQuestionAsked',
      'AnalystModelResponded',
      'AnalystToolCalled',
      'AnalystToolReturned',
      'AnalystModelResponded',
      'AnalystAnswered',
    ]);
    for (const e of events_) expect(e.metadata).toMatchObject({ actor: 'user:asha', correlationId: 'corr-ask-1', schemaVersion: 1 });
    expect(events_[0].metadata.causationId).toBe('req-1');
    for (let i = 1; i < events_.length; i += 1) expect(events_[i].metadata.causationId).toBe(events_[i - 1].metadata.eventId);
    expect(events_[0].data).toMatchObject({ question: 'How is my RELIANCE position doing?', accountId: 'a1', askedBy: 'user:asha', model: MODEL, promptVersion: PROMPT_VERSION, toolsVersion: TOOLS_VERSION });
    expect(events_[1].data).toMatchObject({ round: 1, stopReason: 'tool_use', inputTokens: 812, outputTokens: 41, toolUses: ['get_positions'] });
    expect(events_[2].data).toMatchObject({ round: 1, toolUseId: 'toolu_01', tool: 'get_positions', input: { accountId: 'a1' } });
    // The audit proves what the model saw: the hash and size are those of the text the server received.
    const content = result.content as string;
    expect(events_[3].data).toMatchObject({
      ok: true,
      truncated: false,
      sizeChars: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      preview: content.slice(0, 300),
    });
    expect((events_[3].data as { references: string[] }).references).toContain('event:14');
    expect(events_[5].data).toMatchObject({ text: answer.text, citations: answer.citations, rounds: 2, inputTokens: 2162, outputTokens: 107, stopReason: 'end_turn' });
    expect(answer.lastEventPosition).toBe(Number(events_[5].globalPosition));
  });

  it('retries a 429 inside the SDK and answers from the second request', async () => {
    server.use((_req, index) =>
      index === 0
        ? { kind: 'error', status: 429, type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit', headers: { 'retry-after-ms': '20', 'retry-after': '1' } }
        : { kind: 'message', content: [{ type: 'text', text: 'Cash is ₹9,74,989.00 [event:20].' }], stopReason: 'end_turn' },
    );
    const { answer } = await askCollecting(analyst(), 'What is my cash?');
    expect(server.requests).toHaveLength(2);
    expect(answer.citations.map((c) => [c.ref, c.exists])).toEqual([['[event:20]', true]]);
    const types = (await trail(answer.askId)).map((e) => e.type);
    expect(types).toEqual(['AnalystQuestionAsked', 'AnalystModelResponded', 'AnalystAnswered']);
  });

  it('maps a provider that stays rate limited to ANALYST_RATE_LIMITED (429) after the configured retries', async () => {
    server.use(() => ({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'slow down', headers: { 'retry-after-ms': '10' } }));
    const { error } = await askFailing(analyst({ maxRetries: 1 }), 'What is my cash?');
    expect(server.requests).toHaveLength(2);
    expect(error).toMatchObject({ code: 'ANALYST_RATE_LIMITED', status: 429 });
  });

  it('maps 529 overloaded (after retries) to ANALYST_PROVIDER_OVERLOADED and records the failure', async () => {
    server.use(() => ({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded', headers: { 'retry-after-ms': '10' } }));
    const { error, events } = await askFailing(analyst({ maxRetries: 1 }), 'What is my cash?');
    expect(server.requests).toHaveLength(2);
    expect(error).toMatchObject({ code: 'ANALYST_PROVIDER_OVERLOADED', status: 503, details: { providerStatus: 529, providerErrorType: 'overloaded_error' } });
    const last = events[events.length - 1];
    expect(last).toMatchObject({ type: 'error', code: 'ANALYST_PROVIDER_OVERLOADED', status: 503 });
    const askId = events[0].type === 'started' ? events[0].askId : '';
    const recorded = await trail(askId);
    expect(recorded.map((e) => e.type)).toEqual(['AnalystQuestionAsked', 'AnalystFailed']);
    expect(recorded[1].data).toMatchObject({ code: 'ANALYST_PROVIDER_OVERLOADED', reason: 'provider_overloaded', rounds: 0 });
  });

  it('maps an overloaded error in the middle of a stream, keeping the text streamed so far in the failure', async () => {
    server.use(() => ({ kind: 'stream-error', content: [{ type: 'text', text: 'Your cash is' }], type: 'overloaded_error', message: 'Overloaded' }));
    const { error, events } = await askFailing(analyst(), 'What is my cash?');
    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('ANALYST_PROVIDER_OVERLOADED');
    const askId = events[0].type === 'started' ? events[0].askId : '';
    const [, failed] = await trail(askId);
    expect(failed.data).toMatchObject({ code: 'ANALYST_PROVIDER_OVERLOADED', partialText: 'Your cash is' });
  });

  it('stops at the round limit when the model keeps asking for tools, and records why', async () => {
    server.use((_req, index) => ({ kind: 'message', content: [{ type: 'tool_use', id: `toolu_${index}`, name: 'get_portfolio', input: { accountId: 'a1' } }], stopReason: 'tool_use', usage: { input: 100, output: 10 } }));
    const { error, events } = await askFailing(analyst({ limits: { maxRounds: 3 } }), 'Keep looking');
    expect(error).toMatchObject({ code: 'ANALYST_LOOP_LIMIT', status: 422, details: { reason: 'max_rounds' } });
    expect(server.requests).toHaveLength(3);
    // The third request's tools are not run: there is no round left to read their results.
    expect(fx.queries.calls.map((c) => c.method)).toEqual(['portfolio', 'portfolio']);
    const askId = events[0].type === 'started' ? events[0].askId : '';
    const recorded = await trail(askId);
    expect(recorded.map((e) => e.type)).toEqual([
      'AnalystQuestionAsked',
      'AnalystModelResponded',
      'AnalystToolCalled',
      'AnalystToolReturned',
      'AnalystModelResponded',
      'AnalystToolCalled',
      'AnalystToolReturned',
      'AnalystModelResponded',
      'AnalystFailed',
    ]);
    expect(recorded[8].data).toMatchObject({ code: 'ANALYST_LOOP_LIMIT', reason: 'max_rounds', rounds: 3, inputTokens: 300, outputTokens: 30 });
  });

  it('holds the output token budget across rounds: max_tokens shrinks to what is left, then the loop stops', async () => {
    server.use((_req, index) => ({ kind: 'message', content: [{ type: 'tool_use', id: `toolu_t${index}`, name: 'get_positions', input: { accountId: 'a1' } }], stopReason: 'tool_use', usage: { input: 50, output: 200 } }));
    const { error } = await askFailing(analyst({ limits: { maxOutputTokens: 300, maxTokensPerRound: 200 } }), 'Look around');
    expect(server.requests.map((r) => r.body.max_tokens)).toEqual([200, 100]);
    expect(error).toMatchObject({ code: 'ANALYST_LOOP_LIMIT', details: { reason: 'max_output_tokens' } });
  });

  it('stops a question that runs past its wall time (ANALYST_TIMEOUT) and one whose caller goes away (ANALYST_CANCELLED)', async () => {
    server.use(() => ({ kind: 'hang' }));
    const { error, events } = await askFailing(analyst({ limits: { maxWallTimeMs: 300 } }), 'Anything?');
    expect(error).toMatchObject({ code: 'ANALYST_TIMEOUT', status: 504 });
    const askId = events[0].type === 'started' ? events[0].askId : '';
    expect((await trail(askId))[1].data).toMatchObject({ code: 'ANALYST_TIMEOUT', reason: 'wall_time' });

    // The caller goes away while the model is answering: once its request has reached the provider.
    const controller = new AbortController();
    server.use(() => {
      controller.abort();
      return { kind: 'hang' };
    });
    const pending = analyst().ask({ question: 'Anything?' }, who, { signal: controller.signal });
    await expect(pending).rejects.toMatchObject({ code: 'ANALYST_CANCELLED' });
  });

  it('keeps tools inside the question scope and reports bad tool input to the model as an error result', async () => {
    server.use((req, index) => {
      if (index === 0) {
        return {
          kind: 'message',
          content: [
            { type: 'tool_use', id: 'toolu_other', name: 'get_portfolio', input: { accountId: 'b2' } },
            { type: 'tool_use', id: 'toolu_bad', name: 'get_orders', input: { accountId: 'a1', limit: 500, colour: 'red' } },
            { type: 'tool_use', id: 'toolu_nope', name: 'drop_tables', input: {} },
          ],
          stopReason: 'tool_use',
        };
      }
      const results = toolResults(req);
      return { kind: 'message', content: [{ type: 'text', text: `Got ${results.length} errors.` }], stopReason: 'end_turn' };
    });
    const { answer } = await askCollecting(analyst(), 'Compare with account b2');
    const results = toolResults(server.requests[1]);
    expect(results.map((r) => [r.tool_use_id, r.is_error, JSON.parse(r.content as string).error])).toEqual([
      ['toolu_other', true, 'TOOL_OUT_OF_SCOPE'],
      ['toolu_bad', true, 'TOOL_INPUT_INVALID'],
      ['toolu_nope', true, 'TOOL_UNKNOWN'],
    ]);
    expect(JSON.parse(results[1].content as string).message).toMatch(/"limit" must be from 1 to 50.*unknown property "colour"|unknown property "colour".*"limit" must be from 1 to 50/);
    expect(fx.queries.calls).toEqual([]);
    expect(answer.toolCalls.map((c) => [c.tool, c.ok, c.errorCode])).toEqual([
      ['get_portfolio', false, 'TOOL_OUT_OF_SCOPE'],
      ['get_orders', false, 'TOOL_INPUT_INVALID'],
      ['drop_tables', false, 'TOOL_UNKNOWN'],
    ]);
    const returned = (await trail(answer.askId)).filter((e) => e.type === 'AnalystToolReturned');
    expect(returned.map((e) => (e.data as { errorCode: string }).errorCode)).toEqual(['TOOL_OUT_OF_SCOPE', 'TOOL_INPUT_INVALID', 'TOOL_UNKNOWN']);
  });

  it('cuts a large tool result at the size cap with a note, and records the size and hash of the whole', async () => {
    server.use((req, index) =>
      index === 0
        ? { kind: 'message', content: [{ type: 'tool_use', id: 'toolu_audit', name: 'search_audit', input: { limit: 50 } }], stopReason: 'tool_use' }
        : { kind: 'message', content: [{ type: 'text', text: `Saw ${(toolResults(req)[0].content as string).length} characters.` }], stopReason: 'end_turn' },
    );
    const { answer } = await askCollecting(analyst({ limits: { toolResultMaxChars: 600 } }), 'Show me the audit trail');
    // Scoped to the question's account even though the model asked for everything.
    expect(fx.queries.calls).toEqual([{ method: 'audit', args: [{ accountId: 'a1', limit: 50 }], actor: 'user:asha' }]);
    const content = toolResults(server.requests[1])[0].content as string;
    expect(content.slice(600)).toMatch(/^\n\[truncated: 600 of \d+ characters shown; ask again with a smaller limit or narrower filters\]$/);
    const returned = (await trail(answer.askId)).find((e) => e.type === 'AnalystToolReturned');
    const data = returned?.data as { truncated: boolean; sizeChars: number; references: string[] };
    expect(data.truncated).toBe(true);
    expect(data.sizeChars).toBeGreaterThan(600);
    // All 20 events of the trading morning were offered as citable references.
    expect(data.references.filter((r) => r.startsWith('event:'))).toHaveLength(20);
  });

  it('offers the same question as an async iterable of events for server-sent events', async () => {
    server.use((_req, index) =>
      index === 0
        ? { kind: 'message', content: [{ type: 'tool_use', id: 'toolu_p', name: 'get_portfolio', input: { accountId: 'a1' } }], stopReason: 'tool_use' }
        : { kind: 'message', content: [{ type: 'text', text: 'Equity is known [event:20].' }], stopReason: 'end_turn' },
    );
    const seen: AnalystStreamEvent[] = [];
    for await (const event of analyst().stream({ question: 'Equity?', accountId: 'a1' }, who)) seen.push(event);
    expect(seen.map((e) => e.type).filter((t) => t !== 'text')).toEqual(['started', 'tool_call', 'tool_result', 'answer']);
    const answer = (seen[seen.length - 1] as { answer: AnalystAnswer }).answer;
    expect(answer.citations[0]).toMatchObject({ ref: '[event:20]', seen: true, exists: true });
  });

  it('refuses a bad question before recording or sending anything (ANALYST_INVALID_REQUEST)', async () => {
    server.use(() => ({ kind: 'message', content: [{ type: 'text', text: 'unused' }], stopReason: 'end_turn' }));
    const head = await fx.eventStore.headPosition();
    await expect(analyst().ask({ question: '   ' }, who)).rejects.toMatchObject({ code: 'ANALYST_INVALID_REQUEST', status: 400 });
    await expect(analyst().ask({ question: 'ok', accountId: 'a b' }, who)).rejects.toMatchObject({ code: 'ANALYST_INVALID_REQUEST', details: { field: 'accountId' } });
    expect(server.requests).toHaveLength(0);
    expect(await fx.eventStore.headPosition()).toBe(head);
  });

  it('without an API key is disabled: 503 ANALYST_DISABLED with how to enable it, nothing sent, nothing recorded', async () => {
    server.use(() => ({ kind: 'message', content: [{ type: 'text', text: 'unused' }], stopReason: 'end_turn' }));
    const disabled = analyst({ apiKey: null });
    const head = await fx.eventStore.headPosition();
    expect(disabled.enabled).toBe(false);
    expect(disabled.status()).toMatchObject({ enabled: false, model: null, promptVersion: PROMPT_VERSION });
    expect(disabled.status().message).toContain('ANTHROPIC_API_KEY');
    expect(() => disabled.assertEnabled()).toThrow(expect.objectContaining({ code: 'ANALYST_DISABLED', status: 503 }));
    await expect(disabled.ask({ question: 'Hello?' }, who)).rejects.toMatchObject({ code: 'ANALYST_DISABLED', status: 503, message: expect.stringContaining('ANTHROPIC_API_KEY') });
    const streamed: AnalystStreamEvent[] = [];
    for await (const event of disabled.stream({ question: 'Hello?' }, who)) streamed.push(event);
    expect(streamed).toEqual([expect.objectContaining({ type: 'error', code: 'ANALYST_DISABLED', status: 503, askId: null })]);
    expect(server.requests).toHaveLength(0);
    expect(await fx.eventStore.headPosition()).toBe(head);
    expect(analyst({ apiKey: '  ' }).enabled).toBe(false);
  });

  it('the local server answers the SDK non-streaming call too (the wire format it speaks is the one the SDK parses)', async () => {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    server.use(() => ({ kind: 'message', content: [{ type: 'text', text: 'plain' }], stopReason: 'end_turn', usage: { input: 3, output: 1 } }));
    const client = new Anthropic({ apiKey: API_KEY, baseURL: server.url, maxRetries: 0 });
    const tools = TOOL_NAMES.map((name) => ({ name, input_schema: { type: 'object' as const } }));
    const message = await client.messages.create({ model: MODEL, max_tokens: 10, system: `${PROMPT_VERSION} ${TOOLS_VERSION}`, tools, messages: [{ role: 'user', content: 'hi' }] });
    expect(message).toMatchObject({ type: 'message', stop_reason: 'end_turn', content: [{ type: 'text', text: 'plain' }], usage: { input_tokens: 3, output_tokens: 1 } });
    expect(server.requests[0].body.stream).toBeUndefined();
  });
});
