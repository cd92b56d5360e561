import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server, started by a test, that speaks the Anthropic Messages API (POST /v1/messages) the way the
 * real one does on the wire: JSON for non-streaming calls, server-sent events for streaming ones (message_start,
 * content_block_start/delta/stop with text_delta and input_json_delta, message_delta with stop_reason and usage,
 * message_stop, ping, and `event: error`), and error bodies `{type:"error", error:{type, message}}` with their
 * status and retry headers. It is driven by a script per test and checks the shape of every request it gets:
 * a request the real API would refuse is answered 400 invalid_request_error and listed in `violations`.
 */

export type ScriptBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type Reply =
  | { kind: 'message'; content: ScriptBlock[]; stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal'; usage?: { input: number; output: number } }
  | { kind: 'error'; status: number; type: string; message: string; headers?: Record<string, string> }
  /** Starts a stream, sends these blocks, then an `event: error` (what an overload in mid-answer looks like). */
  | { kind: 'stream-error'; content: ScriptBlock[]; type: string; message: string }
  /** Accepts the request and never answers (a provider that hangs). */
  | { kind: 'hang' };

export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  stream?: boolean;
  system?: string | { type: string; text: string }[];
  tools?: { name: string; description?: string; input_schema: { type: string; properties?: Record<string, unknown>; required?: string[] } }[];
  messages: { role: string; content: string | ContentBlockParam[] }[];
  metadata?: { user_id?: string };
  [key: string]: unknown;
}

export type ContentBlockParam = { type: string; id?: string; name?: string; input?: unknown; text?: string; tool_use_id?: string; content?: unknown; is_error?: boolean };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: MessagesRequestBody;
}

export interface ServerExpectations {
  apiKey: string;
  model: string;
  /** Text the system prompt must contain (the prompt version). */
  systemIncludes: string[];
  /** Tool names the request must offer, in this order. */
  toolNames: string[];
}

export type Script = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export class MessagesApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private readonly hanging = new Set<http.ServerResponse>();
  private script: Script = () => ({ kind: 'error', status: 500, type: 'api_error', message: 'no script' });

  private constructor(
    private readonly server: http.Server,
    private readonly expect: ServerExpectations,
  ) {}

  static async start(expect: ServerExpectations): Promise<MessagesApiServer> {
    let instance: MessagesApiServer | null = null;
    const server = http.createServer((req, res) => void instance?.handle(req, res));
    instance = new MessagesApiServer(server, expect);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Replaces the script and forgets earlier requests. */
  use(script: Script): this {
    this.script = script;
    this.requests.length = 0;
    this.violations.length = 0;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0];
    let body: MessagesRequestBody;
    try {
      body = JSON.parse(raw) as MessagesRequestBody;
    } catch {
      return this.refuse(res, 'the body is not JSON');
    }
    const request: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body };
    this.requests.push(request);
    const problems = this.check(request);
    if (problems.length > 0) return this.refuse(res, problems.join('; '));
    const reply = await this.script(request, this.requests.length - 1);
    if (reply.kind === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (reply.kind === 'error') return sendError(res, reply.status, reply.type, reply.message, reply.headers);
    if (body.stream === true) return writeStream(res, body.model, reply);
    if (reply.kind === 'stream-error') return sendError(res, 500, reply.type, reply.message);
    sendJson(res, 200, messageOf(body.model, reply.content, reply.stopReason, reply.usage ?? { input: 100, output: 20 }));
  }

  private refuse(res: http.ServerResponse, problem: string): void {
    this.violations.push(problem);
    sendError(res, 400, 'invalid_request_error', problem);
  }

  /** What the real API requires of a request, plus what this application promised to send. */
  private check({ method, path, headers, body }: RecordedRequest): string[] {
    const problems: string[] = [];
    if (method !== 'POST' || path !== '/v1/messages') problems.push(`unexpected ${method} ${path}`);
    if (typeof headers['anthropic-version'] !== 'string') problems.push('anthropic-version header missing');
    const key = headers['x-api-key'] ?? (typeof headers.authorization === 'string' ? headers.authorization.replace(/^Bearer /, '') : undefined);
    if (key !== this.expect.apiKey) problems.push('missing or wrong API key');
    if (body.model !== this.expect.model) problems.push(`model ${String(body.model)}, expected ${this.expect.model}`);
    if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) problems.push('max_tokens must be a positive integer');
    const system = typeof body.system === 'string' ? body.system : (body.system ?? []).map((b) => b.text).join('\n');
    for (const text of this.expect.systemIncludes) if (!system.includes(text)) problems.push(`system prompt lacks ${text}`);
    const tools = body.tools ?? [];
    const names = tools.map((t) => t.name);
    if (names.join(',') !== this.expect.toolNames.join(',')) problems.push(`tools ${names.join(',')}, expected ${this.expect.toolNames.join(',')}`);
    for (const tool of tools) {
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) problems.push(`tool name ${tool.name} is invalid`);
      if (tool.input_schema?.type !== 'object') problems.push(`tool ${tool.name}: input_schema.type must be object`);
    }
    problems.push(...checkConversation(body.messages));
    return problems;
  }
}

/** Roles alternate from a user turn; every tool_use is answered by a tool_result in the next user turn, and only then. */
function checkConversation(messages: MessagesRequestBody['messages']): string[] {
  const problems: string[] = [];
  if (!Array.isArray(messages) || messages.length === 0) return ['messages must be a non-empty array'];
  messages.forEach((m, i) => {
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (m.role !== expected) problems.push(`messages[${i}].role is ${m.role}, expected ${expected}`);
    if (typeof m.content !== 'string' && (!Array.isArray(m.content) || m.content.length === 0)) problems.push(`messages[${i}].content is empty`);
  });
  if (messages[messages.length - 1].role !== 'user') problems.push('the last message must be a user turn');
  for (let i = 0; i < messages.length; i += 1) {
    const blocks = typeof messages[i].content === 'string' ? [] : (messages[i].content as ContentBlockParam[]);
    const uses = blocks.filter((b) => b.type === 'tool_use');
    const results = blocks.filter((b) => b.type === 'tool_result');
    if (messages[i].role === 'assistant' && results.length > 0) problems.push(`messages[${i}]: tool_result in an assistant turn`);
    for (const use of uses) {
      if (typeof use.id !== 'string' || typeof use.name !== 'string' || typeof use.input !== 'object' || use.input === null) problems.push(`messages[${i}]: malformed tool_use`);
    }
    if (messages[i].role === 'user' && i > 0) {
      const previous = messages[i - 1].content;
      const expectedIds = (typeof previous === 'string' ? [] : previous).filter((b) => b.type === 'tool_use').map((b) => b.id);
      const resultIds = results.map((b) => b.tool_use_id);
      if (expectedIds.join(',') !== resultIds.join(',')) problems.push(`messages[${i}]: tool_result ids ${resultIds.join(',')} do not answer tool_use ids ${expectedIds.join(',')}`);
      for (const r of results) {
        const content = r.content;
        const ok = typeof content === 'string' || (Array.isArray(content) && content.every((c: { type?: unknown }) => c.type === 'text'));
        if (!ok) problems.push(`messages[${i}]: tool_result content must be text`);
      }
      if (results.length > 0 && blocks.some((b) => b.type !== 'tool_result')) problems.push(`messages[${i}]: tool results must come first and alone`);
    }
  }
  return problems;
}

let messageSeq = 0;

function messageOf(model: string, content: ScriptBlock[], stopReason: string, usage: { input: number; output: number }) {
  return {
    id: `msg_test_${++messageSeq}`,
    type: 'message',
    role: 'assistant',
    model,
    content: content.map((b) => (b.type === 'text' ? { type: 'text', text: b.text, citations: null } : { type: 'tool_use', id: b.id, name: b.name, input: b.input })),
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: 'standard' },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_test_${++messageSeq}`, ...headers });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, headers);
}

/** Pieces of a string, to be sent as several deltas, as the API does. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function writeStream(res: http.ServerResponse, model: string, reply: Extract<Reply, { kind: 'message' } | { kind: 'stream-error' }>): void {
  const usage = reply.kind === 'message' ? (reply.usage ?? { input: 100, output: 20 }) : { input: 100, output: 5 };
  const events: string[] = [];
  const sse = (event: string, data: unknown) => events.push(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const start = messageOf(model, [], '', usage);
  sse('message_start', { type: 'message_start', message: { ...start, content: [], stop_reason: null, usage: { ...start.usage, output_tokens: 1 } } });
  sse('ping', { type: 'ping' });
  reply.content.forEach((block, index) => {
    if (block.type === 'text') {
      sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const text of pieces(block.text, 7)) sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else {
      sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      for (const partial_json of pieces(JSON.stringify(block.input), 9)) sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
    }
    sse('content_block_stop', { type: 'content_block_stop', index });
  });
  if (reply.kind === 'stream-error') {
    sse('error', { type: 'error', error: { type: reply.type, message: reply.message } });
  } else {
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: reply.stopReason, stop_sequence: null }, usage: { output_tokens: usage.output } });
    sse('message_stop', { type: 'message_stop' });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_test_${++messageSeq}` });
  // Arbitrary chunk boundaries, as a network delivers them: an event may be split anywhere.
  const wire = Buffer.from(events.join(''), 'utf8');
  for (let i = 0; i < wire.length; i += 61) res.write(wire.subarray(i, i + 61));
  res.end();
}
