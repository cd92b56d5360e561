import fc from 'fast-check';
import { EVENT_STORE, EventEnvelope, EventStore } from '@robo/event-store';
import { Cast, makeCast } from './auth-fixtures';
import { startTestApp, TestApp } from './test-app';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const PRINTABLE = fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));
const printable = (maxLength: number) => fc.string({ unit: PRINTABLE, maxLength });

type Caller = 'admin' | 'trader' | 'traderKey' | 'viewer' | 'auditor' | 'stranger' | 'expired' | 'bad' | 'garbage' | 'none';

interface FuzzRequest {
  method: 'POST' | 'DELETE';
  path: string;
  caller: Caller;
  authorization?: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A value of any JSON type, with the edge cases validators most often get wrong. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 1e16, 2 ** 53, -(2 ** 31), Number.MAX_SAFE_INTEGER),
  printable(30),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('1', '', ' ', 'NaN', '__proto__', '{"$ne":1}', '<script>', '../..', '0x10'),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(printable(8), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Mostly a plausible value, sometimes anything, sometimes missing. */
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 20, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue }, { weight: 1, arbitrary: fc.constant(undefined) });

/** Present about once in `every` samples, otherwise null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, every: number) => fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

/** A body shaped like the DTO, with an occasional unknown field. */
const shaped = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.tuple(fc.record(fields), sometimes(fc.tuple(printable(12), anyValue), 10)).map(([body, extra]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) if (v !== undefined) out[k] = v;
    if (extra) out[extra[0]] = extra[1];
    return out;
  });

describe(`command fuzzing (${RUNS} generated requests)`, () => {
  let t: TestApp;
  let c: Cast;
  let store: EventStore;
  let base: string;
  /** Accounts each trader may change: granted ones, plus those it opens during the run. */
  const owned: Record<'trader' | 'stranger', Set<string>> = { trader: new Set(), stranger: new Set() };
  const spareKids: string[] = [];
  const accounts: string[] = [];
  const orders: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000000', EXPIRY_SWEEP_MS: '3600000' });
    store = t.app.get(EVENT_STORE);
    base = await t.listen();
    c = await makeCast(t);
    owned.trader.add(c.accountA);
    owned.stranger.add(c.accountB);
    accounts.push(c.accountA, c.accountB);
    orders.push(c.orderA, c.orderB);
    // Keys the fuzzer may revoke or re-grant without locking the cast out.
    for (let i = 0; i < 3; i++) spareKids.push((await t.createKey('viewer', [c.accountA])).kid);
  }, 60_000);
  afterAll(async () => t.close());

  function arbitraries() {
    // Ids the run knows about (including the accounts and orders it created), plus unknown and malformed ones.
    const known = (list: string[]) => fc.nat().map((i) => list[i % list.length]);
    const accountId = fc.oneof({ weight: 6, arbitrary: known(accounts) }, { weight: 1, arbitrary: fc.constantFrom(UNKNOWN, c.accountA.toUpperCase()) }, { weight: 1, arbitrary: printable(40) });
    const orderId = fc.oneof({ weight: 6, arbitrary: known(orders) }, { weight: 1, arbitrary: fc.constant(UNKNOWN) }, { weight: 1, arbitrary: printable(40) });
    const kid = fc.oneof(fc.constantFrom(...spareKids, 'a'.repeat(16), c.revoked.kid), printable(20));
    const segment = (ids: fc.Arbitrary<string>) => fc.tuple(ids, fc.boolean()).map(([id, encode]) => (encode ? encodeURIComponent(id) : id.replace(/[?#/\\]/g, '')));
    const price = fc.oneof(fc.integer({ min: 40_000, max: 50_000 }), fc.constantFrom(45_000, 45_005, 45_003));
    const instant = fc.oneof(fc.constantFrom('2026-11-20T10:05:00+05:30', '2026-11-20T04:40:00Z', '2026-11-20T10:05:00', '2026-13-40T10:05:00Z'), printable(30));
    const token = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);

    const order = shaped({
      accountId: field(fc.oneof({ weight: 8, arbitrary: known(accounts) }, { weight: 1, arbitrary: fc.constant(UNKNOWN) })),
      instrument: field(fc.constantFrom('ITC', 'RELIANCE', 'SBIN', 'NIFTY 2026-12-31 24000 CE', 'NOSUCH', 'itc')),
      side: field(fc.constantFrom('BUY', 'SELL')),
      quantity: field(fc.integer({ min: 1, max: 200 })),
      type: field(fc.constantFrom('LIMIT', 'MARKET', 'SL', 'SL-M')),
      limitPricePaise: field(price),
      triggerPricePaise: field(price),
      product: field(fc.constantFrom('CNC', 'MIS', 'NRML')),
      validity: field(fc.constantFrom('DAY', 'IOC')),
      // Mostly absent: an id not registered on the order's account is refused (STRATEGY_NOT_ON_ACCOUNT) before any risk check.
      strategyId: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(token) }),
      clientOrderId: field(token),
    });
    const fill = shaped({ fillId: field(token), quantity: field(fc.integer({ min: 1, max: 150 })), pricePaise: field(price), feesPaise: field(fc.nat(1000)), occurredAt: field(instant) });
    const amount = shaped({ amountPaise: field(fc.integer({ min: 1, max: 10_000_000 })) });
    const limits = shaped({ maxOrderValuePaise: field(fc.integer({ min: 1, max: 10 ** 12 })), maxPositionQuantity: field(fc.integer({ min: 1, max: 10_000 })), dailyLossLimitPaise: field(fc.integer({ min: 1, max: 10 ** 9 })) });
    const reason = shaped({ reason: field(printable(210)) });
    type Endpoint = { method: 'POST' | 'DELETE'; path: string; body: fc.Arbitrary<unknown> };
    const weighted = (weight: number, arbitrary: fc.Arbitrary<Endpoint>) => ({ weight, arbitrary });
    const endpoints = [
      weighted(2, fc.constant({ method: 'POST' as const, path: '/api/accounts', body: shaped({ name: field(printable(110)), initialCashPaise: field(fc.integer({ min: 0, max: 10 ** 9 })) }) })),
      ...['deposits', 'withdrawals'].map((action) => weighted(3, segment(accountId).map((id) => ({ method: 'POST' as const, path: `/api/accounts/${id}/${action}`, body: amount })))),
      weighted(1, segment(accountId).map((id) => ({ method: 'POST' as const, path: `/api/accounts/${id}/risk-limits`, body: limits }))),
      weighted(1, segment(accountId).map((id) => ({ method: 'POST' as const, path: `/api/accounts/${id}/halt`, body: reason }))),
      weighted(2, segment(accountId).map((id) => ({ method: 'POST' as const, path: `/api/accounts/${id}/resume`, body: fc.constant({}) }))),
      weighted(8, fc.constant({ method: 'POST' as const, path: '/api/orders', body: order })),
      weighted(5, segment(orderId).map((id) => ({ method: 'POST' as const, path: `/api/orders/${id}/fills`, body: fill }))),
      weighted(3, segment(orderId).map((id) => ({ method: 'POST' as const, path: `/api/orders/${id}/cancel`, body: reason }))),
      weighted(2, segment(orderId).map((id) => ({ method: 'POST' as const, path: `/api/orders/${id}/trigger`, body: shaped({ lastPricePaise: field(price) }) }))),
      weighted(3, segment(orderId).map((id) => ({ method: 'POST' as const, path: `/api/orders/${id}/modify`, body: shaped({ quantity: field(fc.integer({ min: 1, max: 200 })), limitPricePaise: field(price), triggerPricePaise: field(price) }) }))),
      weighted(1, fc.constant({ method: 'POST' as const, path: '/api/admin/keys', body: shaped({ name: field(printable(110)), role: field(fc.constantFrom('trader', 'viewer', 'auditor', 'admin', 'root')), accountIds: field(fc.array(fc.constantFrom(c.accountA, UNKNOWN, 'x'), { maxLength: 3 })) }) })),
      weighted(1, segment(kid).map((id) => ({ method: 'POST' as const, path: `/api/admin/keys/${id}/revoke`, body: fc.constant({}) }))),
      weighted(1, segment(kid).map((id) => ({ method: 'POST' as const, path: `/api/admin/keys/${id}/grants`, body: shaped({ accountId: field(fc.constantFrom(c.accountA, c.accountB, UNKNOWN)) }) }))),
      weighted(1, fc.tuple(segment(kid), segment(accountId)).map(([id, account]) => ({ method: 'DELETE' as const, path: `/api/admin/keys/${id}/grants/${account}`, body: fc.constant(undefined) }))),
      weighted(1, fc.constant({ method: 'POST' as const, path: '/auth/token', body: shaped({ apiKey: field(fc.constantFrom(c.trader.apiKey, c.revoked.apiKey, `${c.viewer.apiKey}x`, 'rtk_x')) }) })),
    ];

    const caller = fc.constantFrom<Caller>('admin', 'admin', 'admin', 'trader', 'trader', 'trader', 'traderKey', 'viewer', 'auditor', 'stranger', 'stranger', 'expired', 'bad', 'garbage', 'none');
    const authorization = (who: Caller): fc.Arbitrary<string | undefined> => {
      switch (who) {
        case 'none':
          return fc.constant(undefined);
        case 'garbage':
          return printable(60);
        case 'expired':
          return fc.constant(`Bearer ${c.expired}`);
        case 'bad':
          return fc.constant(`Bearer ${c.bad}`);
        case 'traderKey':
          return fc.constant(`Bearer ${c.trader.apiKey}`);
        default:
          return fc.constant(`Bearer ${c[who].token}`);
      }
    };
    const headers = fc
      .record({
        idempotencyKey: sometimes(fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,40}$/), printable(210)), 8),
        contentType: fc.oneof(
          { weight: 20, arbitrary: fc.constant('application/json') },
          { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/json; charset=latin1') },
        ),
        correlationId: sometimes(printable(140), 4),
      })
      .map(({ idempotencyKey, contentType, correlationId }) => {
        const out: Record<string, string> = { 'content-type': contentType };
        if (idempotencyKey !== null) out['idempotency-key'] = idempotencyKey;
        if (correlationId !== null) out['x-correlation-id'] = correlationId;
        return out;
      });
    const rawBody = (body: fc.Arbitrary<unknown>) =>
      fc.oneof(
        { weight: 30, arbitrary: body.map((b) => (b === undefined ? undefined : JSON.stringify(b))) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
        { weight: 1, arbitrary: printable(80) },
        { weight: 1, arbitrary: fc.constantFrom('{"name":', '[]', 'null', '""', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}') },
      );
    const query = fc.oneof(
      { weight: 4, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.dictionary(fc.stringMatching(/^[a-zA-Z_]{1,12}$/), printable(20), { maxKeys: 3 }).map((q) => `?${new URLSearchParams(q).toString()}`) },
    );

    return fc
      .tuple(fc.oneof(...endpoints), caller, headers, query)
      .chain(([endpoint, who, hdrs, q]) =>
        fc.tuple(rawBody(endpoint.body), authorization(who)).map(
          ([body, auth]): FuzzRequest => ({ method: endpoint.method, path: endpoint.path + q, caller: who, authorization: auth, headers: hdrs, body }),
        ),
      );
  }

  /** The accounts whose streams this caller's successful command may append to; null for any. */
  function writable(caller: Caller): Set<string> | null {
    if (caller === 'admin') return null;
    if (caller === 'trader' || caller === 'traderKey') return owned.trader;
    if (caller === 'stranger') return owned.stranger;
    return new Set();
  }

  it('answers every request with a non-5xx status, and appends nothing for a refused one', async () => {
    const statuses = new Map<string, number>();
    let succeeded = 0;
    let riskRejections = 0;

    await fc.assert(
      fc.asyncProperty(arbitraries(), async (r) => {
        const before = await store.headPosition();
        const headers: Record<string, string> = { ...r.headers };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        let res: globalThis.Response;
        try {
          res = await fetch(base + r.path, { method: r.method, headers, body: r.body });
        } catch (error) {
          // The client refused to send it (an invalid URL or header): nothing reached the server.
          if (error instanceof TypeError && !/fetch failed/.test(error.message)) return true;
          throw error;
        }
        const text = await res.text();
        const body = text ? (JSON.parse(text) as { code?: string; details?: { status?: string; orderId?: string }; accountId?: string }) : {};
        const key = `${res.status} ${body.code ?? ''}`.trim();
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${r.method} ${r.path} as ${r.caller} answered ${res.status}: ${text}`);
        const appended: EventEnvelope[] = await store.readAll({ after: before, maxCount: 1000 });

        if (res.status >= 400) {
          if (typeof body.code !== 'string') throw new Error(`refusal without a code: ${res.status} ${text}`);
          // The one refusal that writes, on purpose: a pre-trade risk rejection records the order as REJECTED.
          if (res.status === 422 && body.details?.status === 'REJECTED' && appended.length > 0) {
            riskRejections++;
            expect(appended.map((e) => [e.streamName, e.type])).toEqual([
              [`order-${body.details.orderId}`, 'OrderPlaced'],
              [`order-${body.details.orderId}`, 'OrderRejected'],
            ]);
            expect(writable(r.caller)?.has((appended[0].data as { accountId: string }).accountId) ?? true).toBe(true);
            return true;
          }
          if (appended.length > 0) throw new Error(`${r.method} ${r.path} as ${r.caller} was refused (${res.status} ${body.code}) but appended ${appended.map((e) => e.type).join(', ')}`);
          return true;
        }

        succeeded++;
        const route = r.path.split('?')[0];
        if (route === '/api/accounts' && r.method === 'POST' && typeof body.accountId === 'string') {
          accounts.push(body.accountId);
          if (r.caller === 'trader' || r.caller === 'traderKey') owned.trader.add(body.accountId);
          if (r.caller === 'stranger') owned.stranger.add(body.accountId);
        }
        const placed = (body as { orderId?: unknown }).orderId;
        if (route === '/api/orders' && typeof placed === 'string' && !orders.includes(placed)) orders.push(placed);
        // A success changes only accounts the caller may change.
        const mayWrite = writable(r.caller);
        if (mayWrite !== null) {
          for (const event of appended) {
            const accountId = (event.data as { accountId?: unknown }).accountId;
            if (event.streamName.startsWith('credential-')) continue; // the trader's own grant on an account it opened
            if (event.streamName.startsWith('idempotency-')) continue; // the answer recorded for its Idempotency-Key
            if (typeof accountId !== 'string' || !mayWrite.has(accountId)) throw new Error(`${r.caller} changed ${event.streamName} through ${r.method} ${r.path}`);
          }
        }
        return true;
      }),
      { numRuns: RUNS, endOnFailure: true, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );

    // FUZZ_STATS=1 prints how the answers were distributed (FUZZ_SEED replays a run, FUZZ_RUNS changes its length).
    if (process.env.FUZZ_STATS) console.log(JSON.stringify({ succeeded, riskRejections, statuses: [...statuses].sort((a, b) => b[1] - a[1]) }));
    // The run reached the handlers, not only the guards: successes, rule refusals and risk rejections happened.
    expect(succeeded).toBeGreaterThan(RUNS / 50);
    expect(riskRejections).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s.startsWith('422'))).toBe(true);
    expect([...statuses.keys()].some((s) => s.startsWith('401'))).toBe(true);
    expect([...statuses.keys()].some((s) => s.startsWith('403'))).toBe(true);
    // The server is still up and answering.
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  }, 600_000);
});
