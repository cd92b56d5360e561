import * as http from 'node:http';
import * as net from 'node:net';
import fc from 'fast-check';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { MAX_JSON_DEPTH } from '../src/common/json-depth';
import { type Cast, LIMIT_ORDER, makeCast } from './auth-fixtures';
import { startTestApp, type TestApp } from './test-app';

/**
 * Every route of the running app (read from its router, so a new route is fuzzed without editing this file) against
 * every class of malformed input, each sent as one of several callers. Holds: no answer is a 5xx, every 4xx carries
 * {code, message}, and a refused request leaves the log head where it was.
 *
 * ROUTE_FUZZ_SEED replays a run (the seed is printed on every run); ROUTE_FUZZ_RUNS and ROUTE_FUZZ_BUDGET_MS change
 * its length (a replay on a slower machine may stop earlier: give it a larger budget).
 */
const RUNS = Number(process.env.ROUTE_FUZZ_RUNS ?? 4000);
const SEED = Number(process.env.ROUTE_FUZZ_SEED ?? Date.now() % 2 ** 31);
/** The generated part stops after this long (ROUTE_FUZZ_BUDGET_MS), however many runs are left. */
const BUDGET_MS = Number(process.env.ROUTE_FUZZ_BUDGET_MS ?? 40_000);
/** The app's body limit in this test (BODY_LIMIT=64kb, the default). */
const BODY_LIMIT_BYTES = 64 * 1024;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
/** Paths the router serves that are not the API: the OpenAPI UI's files and the catch-all 404. */
const NOT_API = /^\/docs|^\/\{\*path\}$/;
/** The analyst answers 503 ANALYST_DISABLED while no model key is configured (this app has none): a switched-off feature, not a failure. */
const SWITCHED_OFF = (status: number, code: unknown, path: string) => status === 503 && code === 'ANALYST_DISABLED' && path.startsWith('/api/analyst/');

const CLASSES = [
  'deep-json',
  'bad-instant',
  'wrong-type',
  'unsafe-number',
  'bad-money-or-quantity',
  'control-characters',
  'oversized-string',
  'oversized-body',
  'non-utf8',
  'wrong-content-type',
  'bad-id',
  'unknown-field',
  'missing-field',
  'bad-idempotency-key',
  'bad-bearer',
] as const;
type MalformedClass = (typeof CLASSES)[number];
/** Classes no route may accept, whatever its method: the body parser refuses them before any route code runs. */
const ALWAYS_REFUSED = new Set<MalformedClass>(['deep-json', 'oversized-body', 'non-utf8']);

type Caller = 'admin' | 'broker' | 'trader' | 'viewer' | 'auditor' | 'stranger' | 'none';
const CALLERS: readonly Caller[] = ['admin', 'broker', 'trader', 'viewer', 'auditor', 'stranger', 'none'];

interface Route {
  method: string;
  path: string;
}

interface Sent {
  route: Route;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

const IMPOSSIBLE_INSTANTS = [
  '2026-13-45T99:99Z',
  '2026-02-30T10:00Z',
  '2026-02-30T10:00:00+05:30',
  '2025-02-29T10:00:00Z',
  '2026-12-31T23:59:60Z',
  '2016-12-31T23:59:60Z',
  '+275760-09-13T00:00:01Z',
  '999999-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-11-20T24:00:00Z',
  '2026-11-20T10:00:00+25:00',
  '2026-11-20',
  '1763612400000',
  'tomorrow',
  '',
];
const WRONG_TYPES: unknown[] = [true, null, [], {}, 'NaN', '12', 1.5, [1, 2], { $gt: 0 }, 'undefined'];
const UNSAFE_NUMBERS = ['9007199254740993', '1e308', '1e400', '-1e400', '123456789012345678901234567890', '-9007199254740993', '1e-400', '0.1e2'];
const BAD_AMOUNTS: unknown[] = [0, -1, -100, 0.5, 45000.25, -0, 1e16, 10 ** 19, Number.MIN_VALUE];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u001b[31m', '\u007f', '\u0085', '\u202e', '\u2028', 'a\u0000b', '\r\n'];
const BAD_IDS = [UNKNOWN, UNKNOWN.toUpperCase(), 'not-an-id', '..%2F..%2Fetc', '%00', '%E2%80%AE', 'a'.repeat(300), '-1', '0', 'null', '%20', '%FF%FE', '{}', 'account-%00', '11111111-1111-1111-1111-11111111111g'];
const BAD_IDEMPOTENCY_KEYS = ['', ' ', 'a b', 'x'.repeat(201), 'é', '\u00ff\u00fe', 'key\u0001', 'k'.repeat(5000)];
const WRONG_CONTENT_TYPES = ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonx', '*/*', ''];
const INVALID_UTF8 = [Buffer.from([0xff, 0xfe]), Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xc0, 0xaf])];

describe(`every route against every class of malformed input (${RUNS} generated requests)`, () => {
  let t: TestApp;
  let c: Cast;
  let store: EventStore;
  let port: number;
  let routes: Route[];
  let spareKid: string;
  let bearerOf: (who: Caller) => string | undefined;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000000', EXPIRY_SWEEP_MS: '3600000', BODY_LIMIT: '64kb' });
    store = t.app.get(EVENT_STORE);
    c = await makeCast(t);
    spareKid = (await t.createKey('viewer', [c.accountA])).kid;
    const base = await t.listen();
    port = Number(new URL(base).port);
    const instance = t.app.getHttpAdapter().getInstance() as { router?: RouterLike; _router?: RouterLike };
    routes = routesOf(instance.router ?? instance._router);
    bearerOf = (who) => (who === 'none' ? undefined : `Bearer ${c[who].token}`);
  }, 60_000);
  afterAll(async () => t.close());

  /** The value a path parameter takes when the request is not about bad ids: something the cast can reach. */
  function knownParam(path: string, name: string): string {
    if (name === 'kid') return spareKid;
    if (name === 'accountId') return c.accountA;
    if (name === 'stream') return `account-${c.accountA}`;
    if (name === 'name') return 'orders';
    if (path.startsWith('/api/accounts/')) return c.accountA;
    if (path.startsWith('/api/orders/')) return c.orderA;
    return UNKNOWN;
  }

  /** A body each command would accept from the right caller; the malformed classes spoil one thing in it. */
  function validBody(route: Route): Record<string, unknown> | undefined {
    if (route.method === 'get' || route.method === 'delete') return undefined;
    const p = route.path;
    if (p === '/api/accounts') return { name: 'Fuzz account', initialCashPaise: 100_000 };
    if (p.endsWith('/deposits') || p.endsWith('/withdrawals')) return { amountPaise: 100 };
    if (p.endsWith('/risk-limits')) return { maxOrderValuePaise: 1_000_000_000, maxPositionQuantity: 1000, dailyLossLimitPaise: 100_000_000 };
    if (p === '/api/orders') return { ...LIMIT_ORDER, accountId: c.accountA, quantity: 1 };
    if (p.endsWith('/fills')) return { fillId: 'fuzz-fill', quantity: 1, pricePaise: 45_000, feesPaise: 0, occurredAt: '2026-11-20T10:05:00+05:30' };
    if (p.endsWith('/trigger')) return { lastPricePaise: 45_000 };
    if (p.endsWith('/modify')) return { quantity: 50, limitPricePaise: 45_000 };
    if (p === '/auth/token') return { apiKey: c.viewer.apiKey };
    if (p === '/api/admin/keys') return { name: 'fuzz key', role: 'viewer', accountIds: [] };
    if (p.endsWith('/grants')) return { accountId: c.accountA };
    if (p === '/api/analyst/questions') return { question: 'How is account A doing?' };
    if (p === '/api/strategies') return { kind: 'ma-crossover', name: 'Fuzz', accountId: c.accountA, parameters: { instrument: 'ITC', fastPeriod: 5, slowPeriod: 20 }, instruments: ['ITC'], capitalAllocationPaise: 1_000_000 };
    if (p.endsWith('/parameters')) return { parameters: { fastPeriod: 5 } };
    return { reason: 'fuzz' };
  }

  /** One request of one class to one route as one caller. */
  function request(route: Route, kind: MalformedClass, who: Caller, pick: (n: number) => number): Sent {
    const choose = <T>(list: readonly T[]): T => list[pick(list.length)]!;
    let path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => (kind === 'bad-id' ? choose(BAD_IDS) : knownParam(route.path, name)));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const bearer = bearerOf(who);
    if (bearer !== undefined) headers.authorization = bearer;
    const body: Record<string, unknown> | undefined = validBody(route);
    let raw: Buffer | undefined;
    const fields = body ? Object.keys(body) : [];
    const someField = () => (fields.length > 0 ? choose(fields) : 'name');
    const stringFields = fields.filter((f) => typeof body?.[f] === 'string');
    const moneyFields = fields.filter((f) => /Paise$|^quantity$/.test(f));
    const query = new URLSearchParams();

    switch (kind) {
      case 'deep-json': {
        const depth = MAX_JSON_DEPTH + 1 + pick(3000);
        raw = Buffer.from(pick(2) === 0 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
        break;
      }
      case 'bad-instant': {
        const instant = choose(IMPOSSIBLE_INSTANTS);
        for (const name of ['from', 'to', 'asOf']) if (pick(2) === 0) query.set(name, instant);
        if (body) body[fields.includes('occurredAt') ? 'occurredAt' : someField()] = instant;
        else query.set(choose(['from', 'to', 'asOf']), instant);
        break;
      }
      case 'wrong-type':
        if (body) body[someField()] = choose(WRONG_TYPES);
        else query.set(choose(['limit', 'offset', 'accountId', 'steps', 'after', 'cursor', 'status']), choose(['-1', 'abc', '1.5', '[]', 'true', '1e3']));
        break;
      case 'unsafe-number': {
        const number = choose(UNSAFE_NUMBERS);
        if (body) {
          const field = moneyFields.length > 0 ? choose(moneyFields) : someField();
          raw = Buffer.from(JSON.stringify({ ...body, [field]: '__N__' }).replace('"__N__"', number));
        } else query.set(choose(['limit', 'offset', 'after', 'maxCount']), number);
        break;
      }
      case 'bad-money-or-quantity':
        if (body) body[moneyFields.length > 0 ? choose(moneyFields) : choose(['amountPaise', 'quantity', 'pricePaise'])] = choose(BAD_AMOUNTS);
        else query.set(choose(['limit', 'offset', 'quantity']), choose(['0', '-1', '0.5', '-0']));
        break;
      case 'control-characters': {
        const text = `fuzz${choose(CONTROL)}text`;
        if (body) body[stringFields.length > 0 ? choose(stringFields) : 'reason'] = text;
        else query.set(choose(['accountId', 'instrument', 'type', 'q', 'name']), text);
        break;
      }
      case 'oversized-string': {
        const text = 'x'.repeat(10_000 + pick(200_000));
        if (body) body[stringFields.length > 0 ? choose(stringFields) : 'reason'] = text;
        else path += `?${choose(['accountId', 'instrument', 'q'])}=${'x'.repeat(9_000 + pick(50_000))}`;
        break;
      }
      case 'oversized-body':
        raw = Buffer.from(JSON.stringify({ ...(body ?? {}), padding: 'p'.repeat(BODY_LIMIT_BYTES + 1 + pick(1_000_000)) }));
        break;
      case 'non-utf8': {
        const text = JSON.stringify({ ...(body ?? {}), [stringFields.length > 0 ? choose(stringFields) : 'reason']: '__B__' });
        const [before, after] = text.split('__B__');
        raw = Buffer.concat([Buffer.from(before), choose(INVALID_UTF8), Buffer.from(after)]);
        break;
      }
      case 'wrong-content-type':
        headers['content-type'] = choose(WRONG_CONTENT_TYPES);
        if (!headers['content-type']) delete headers['content-type'];
        raw = Buffer.from(JSON.stringify(body ?? { reason: 'fuzz' }));
        break;
      case 'bad-id':
        if (body && fields.includes('accountId')) body.accountId = choose(BAD_IDS);
        break;
      case 'unknown-field':
        if (body) body[choose(['__proto__', 'constructor', 'isAdmin', 'role', 'actor', 'accountId2', 'x'])] = choose([true, 'admin', { polluted: true }, 1]);
        else query.set(choose(['x', 'admin', '__proto__', 'role']), '1');
        break;
      case 'missing-field':
        if (body && fields.length > 0) delete body[someField()];
        else if (body) raw = Buffer.alloc(0);
        else path += '?accountId=';
        break;
      case 'bad-idempotency-key':
        headers['idempotency-key'] = choose(BAD_IDEMPOTENCY_KEYS);
        break;
      case 'bad-bearer':
        headers.authorization = choose([
          'Bearer',
          'Bearer ',
          `Bearer ${c.expired}`,
          `Bearer ${c.bad}`,
          `Bearer ${c.revoked.token}`,
          `Bearer ${c.revoked.apiKey}`,
          `Bearer ${c.trader.apiKey}x`,
          `Basic ${Buffer.from('admin:admin').toString('base64')}`,
          `Bearer ${'A'.repeat(8000)}`,
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.',
          `bearer  ${c.trader.token}x`,
          'Bearer rtk_\u00ff',
        ]);
        break;
    }
    const search = query.toString();
    if (search) path += (path.includes('?') ? '&' : '?') + search;
    if (raw === undefined && body !== undefined) raw = Buffer.from(JSON.stringify(body));
    if (raw === undefined && kind !== 'bad-bearer' && kind !== 'bad-id' && kind !== 'bad-idempotency-key' && pick(4) === 0) raw = Buffer.from('{}');
    return { route, path, headers, body: raw };
  }

  it("answers a request line or headers past the HTTP parser's limit with 431 HEADERS_TOO_LARGE and a code, and bytes that are not HTTP with 400", async () => {
    const route = { method: 'get', path: '/api/orders' };
    const longLine = await send(port, 'get', { route, path: `/api/orders?accountId=${'x'.repeat(20_000)}`, headers: {}, body: undefined });
    const longHeader = await send(port, 'get', { route, path: '/health/live', headers: { 'x-padding': 'p'.repeat(20_000) }, body: undefined });
    for (const answer of [longLine, longHeader]) expect([answer?.status, JSON.parse(answer?.text ?? '{}')]).toEqual([431, { code: 'HEADERS_TOO_LARGE', message: expect.any(String) }]);
    const garbage = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 [^]*"code":"MALFORMED_REQUEST"/);
  });

  it('answers no request with a 5xx, every refusal with {code, message}, and appends nothing for a refusal', async () => {
    expect(routes.length).toBeGreaterThan(40);
    const byStatus = new Map<string, number>();
    const byClass = new Map<MalformedClass, Map<number, number>>(CLASSES.map((k) => [k, new Map()]));
    const byRoute = new Map<string, number>(routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, 0]));
    const byCaller = new Map<Caller, number>();
    let unsent = 0;
    let switchedOff = 0;
    let total = 0;
    const startedAt = Date.now();
    console.log(`route fuzz: seed ${SEED} (replay with ROUTE_FUZZ_SEED=${SEED}), ${RUNS} runs over ${routes.length} routes`);

    type Input = { route: number; kind: MalformedClass; who: Caller; picks: number[] };
    /** Sends one generated request and checks its answer (throws on a violation); false when the client would not send it. */
    const exercise = async ({ route: index, kind, who, picks }: Input): Promise<boolean> => {
        let next = 0;
        const pick = (n: number) => picks[next++ % picks.length]! % n;
        const route = routes[index]!;
        const sent = request(route, kind, who, pick);
        const before = await store.headPosition();
        const answer = await send(port, route.method, sent);
        if (answer === null) {
          unsent++; // the HTTP client itself refuses a header value (e.g. a control character): nothing reached the server
          return false;
        }
        total++;
        const routeName = `${route.method.toUpperCase()} ${route.path}`;
        byRoute.set(routeName, (byRoute.get(routeName) ?? 0) + 1);
        byCaller.set(who, (byCaller.get(who) ?? 0) + 1);
        const perClass = byClass.get(kind)!;
        perClass.set(answer.status, (perClass.get(answer.status) ?? 0) + 1);
        let parsed: { code?: unknown; message?: unknown; details?: { status?: unknown } } | null = null;
        try {
          parsed = answer.text ? JSON.parse(answer.text) : null;
        } catch {
          parsed = null;
        }
        const statusKey = `${answer.status}${parsed && typeof parsed.code === 'string' ? ` ${parsed.code}` : ''}`;
        byStatus.set(statusKey, (byStatus.get(statusKey) ?? 0) + 1);
        const what = `${route.method.toUpperCase()} ${sent.path.slice(0, 200)} [${kind}] as ${who}`;
        if (SWITCHED_OFF(answer.status, parsed?.code, route.path)) {
          switchedOff++;
          return true;
        }
        if (answer.status >= 500) throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
        if (ALWAYS_REFUSED.has(kind) && sent.body !== undefined && answer.status < 400) throw new Error(`${what} was accepted: ${answer.status} ${answer.text.slice(0, 300)}`);
        if (answer.status >= 400) {
          if (typeof parsed?.code !== 'string' || typeof parsed.message !== 'string') throw new Error(`${what}: a ${answer.status} without {code, message}: ${answer.text.slice(0, 300)}`);
          const after = await store.headPosition();
          // A pre-trade risk rejection records the order as REJECTED on purpose (the one refusal that writes).
          const riskRejection = answer.status === 422 && parsed.details?.status === 'REJECTED';
          if (after !== before && !riskRejection) throw new Error(`${what} was refused (${answer.status} ${parsed.code}) but the log head moved from ${before} to ${after}`);
        }
        return true;
    };

    // First every route once and every class at least four times, so that coverage never depends on chance or on how
    // many generated requests fit in the time budget; a request the client will not send is retried with first picks.
    const sweepPicks = (i: number) => Array.from({ length: 16 }, (_, j) => (SEED + i * 16 + j) % 2 ** 31);
    for (let i = 0; i < Math.max(routes.length, CLASSES.length * 4); i++) {
      const input: Input = { route: i % routes.length, kind: CLASSES[i % CLASSES.length]!, who: CALLERS[i % CALLERS.length]!, picks: sweepPicks(i) };
      if (!(await exercise(input))) expect(await exercise({ ...input, picks: new Array(16).fill(0) })).toBe(true);
    }
    const swept = total;

    // Then generated requests, as many as RUNS or as fit in BUDGET_MS (the wall time stays bounded on a busy machine;
    // every request sent is checked in full either way).
    const arbitrary = fc.record({
      route: fc.nat({ max: routes.length - 1 }),
      kind: fc.constantFrom(...CLASSES),
      who: fc.constantFrom(...CALLERS),
      picks: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        await exercise(input);
        return true;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
    );

    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const table = (m: Map<unknown, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
    console.log(
      [
        `route fuzz: seed ${SEED}, ${total} requests answered (${swept} of the sweep over every route and class, ${total - swept} generated of at most ${RUNS}; ${unsent} not sent: refused by the HTTP client), ${seconds} s`,
        `by status: ${JSON.stringify(table(byStatus))}`,
        `by class: ${JSON.stringify(Object.fromEntries([...byClass].map(([k, m]) => [k, table(m)])))}`,
        `by caller: ${JSON.stringify(table(byCaller))}`,
        `503 ANALYST_DISABLED (the analyst is switched off in this app): ${switchedOff}`,
        `5xx otherwise: ${[...byStatus].filter(([k]) => k.startsWith('5') && !k.includes('ANALYST_DISABLED')).reduce((n, [, v]) => n + v, 0)}`,
      ].join('\n'),
    );
    // Every route was exercised, with every class of input.
    expect([...byRoute].filter(([, n]) => n === 0).map(([r]) => r)).toEqual([]);
    expect(CLASSES.filter((k) => [...byClass.get(k)!.values()].reduce((a, b) => a + b, 0) === 0)).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
  }, 600_000);
});

interface RouterLike {
  stack: { route?: { path: string; methods: Record<string, boolean> } }[];
}

/** Every (method, path) the app's router serves, the API's own routes only. */
function routesOf(router: RouterLike | undefined): Route[] {
  if (!router) throw new Error('the app has no router to enumerate');
  const out: Route[] = [];
  for (const layer of router.stack) {
    if (!layer.route || NOT_API.test(layer.route.path)) continue;
    for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push({ method, path: layer.route.path });
  }
  // One path no route serves, answered by the catch-all.
  out.push({ method: 'get', path: '/api/no-such-route' }, { method: 'post', path: '/api/no-such-route' });
  return out;
}

/** Sends exactly these bytes and headers (any method may carry a body); null when the client refuses to send it. */
function send(port: number, method: string, sent: Sent): Promise<{ status: number; text: string } | null> {
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      const headers: Record<string, string | number> = { ...sent.headers };
      if (sent.body !== undefined) headers['content-length'] = sent.body.length;
      req = http.request({ host: '127.0.0.1', port, method: method.toUpperCase(), path: sent.path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_INVALID_CHAR' || (error as { code?: string }).code === 'ERR_UNESCAPED_CHARACTERS' || error instanceof TypeError) return resolve(null);
      return reject(error);
    }
    // The server may answer (413, 400) and close before it has read a large body: the answer is what counts.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.on('close', () => resolve({ status: 0, text: 'the connection closed without an answer' }));
    if (sent.body !== undefined) req.write(sent.body);
    req.end();
  });
}

/** Writes bytes on a bare socket and reads what comes back until the server closes it. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}
