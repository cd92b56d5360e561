import type { Response } from 'supertest';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { Cast, connect, LIMIT_ORDER, makeCast, placeOrder, subscribe } from './auth-fixtures';
import { startTestApp, TestApp } from './test-app';

type Caller = 'admin' | 'broker' | 'trader' | 'viewer' | 'auditor' | 'stranger' | 'revoked' | 'expired' | 'bad' | 'none';
const CALLERS: Caller[] = ['admin', 'broker', 'trader', 'viewer', 'auditor', 'stranger', 'revoked', 'expired', 'bad', 'none'];
type Expect = Record<Caller, number>;

// Who gets what. "stranger" is another trader acting on the trader's account A (or its orders): it must look
// exactly like an account that does not exist (404), never like a forbidden one (403), so ids do not leak.
// "broker" is the execution feed: it reports fills and triggers on every account's orders and reads nothing.
// The README's table of roles by endpoint says the same (Security section): change both together.
const UNAUTHENTICATED = { revoked: 401, expired: 401, bad: 401, none: 401 };
const command = (ok: number): Expect => ({ admin: ok, broker: 403, trader: ok, viewer: 403, auditor: 403, stranger: 404, ...UNAUTHENTICATED });
const openCommand = (ok: number): Expect => ({ admin: ok, broker: 403, trader: ok, viewer: 403, auditor: 403, stranger: ok, ...UNAUTHENTICATED });
const execution = (ok: number): Expect => ({ admin: ok, broker: ok, trader: 403, viewer: 403, auditor: 403, stranger: 403, ...UNAUTHENTICATED });
const adminOnly = (ok: number): Expect => ({ admin: ok, broker: 403, trader: 403, viewer: 403, auditor: 403, stranger: 403, ...UNAUTHENTICATED });
const readA = (ok = 200): Expect => ({ admin: ok, broker: 403, trader: ok, viewer: ok, auditor: ok, stranger: 404, ...UNAUTHENTICATED });
const anyReader = (ok = 200): Expect => ({ admin: ok, broker: 403, trader: ok, viewer: ok, auditor: ok, stranger: ok, ...UNAUTHENTICATED });
const anyRole = (ok = 200): Expect => ({ admin: ok, broker: ok, trader: ok, viewer: ok, auditor: ok, stranger: ok, ...UNAUTHENTICATED });
const oversight = (ok = 200): Expect => ({ admin: ok, broker: 403, trader: 403, viewer: 403, auditor: ok, stranger: 403, ...UNAUTHENTICATED });
const everyone = (ok: number): Expect => Object.fromEntries(CALLERS.map((c) => [c, ok])) as Expect;

interface Case {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete';
  /** May create what the request needs (a fresh order to cancel, a key to revoke); runs before every caller. */
  path: (c: Cast) => string | Promise<string>;
  body?: (c: Cast) => object;
  expect: Expect;
  /** Accounts whose data the caller may see in a list answer (checked on every item). */
  listOf?: 'items' | 'events';
}

describe('role matrix: every endpoint and subscription x every kind of caller', () => {
  let t: TestApp;
  let c: Cast;
  let store: EventStore;
  let base: string;
  let fills = 0;
  /** An account each account-scoped caller must never see in a list. */
  const foreign: Partial<Record<Caller, (c: Cast) => string>> = { trader: (x) => x.accountB, viewer: (x) => x.accountB, stranger: (x) => x.accountA };

  /** What each caller answered, by status, over every case: printed after the run. */
  const answered = Object.fromEntries(CALLERS.map((caller) => [caller, {}])) as Record<Caller, Record<number, number>>;
  let casesRun = 0;

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    base = await t.listen();
    c = await makeCast(t);
  });
  afterAll(async () => {
    const requests = Object.values(answered).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
    const byStatus: Record<number, number> = {};
    for (const statuses of Object.values(answered)) for (const [status, n] of Object.entries(statuses)) byStatus[Number(status)] = (byStatus[Number(status)] ?? 0) + n;
    console.log(
      [
        `role matrix: ${casesRun} cases x ${CALLERS.length} callers = ${requests} requests`,
        `by status: ${JSON.stringify(byStatus)}`,
        ...CALLERS.map((caller) => `  ${caller}: ${JSON.stringify(answered[caller])}`),
      ].join('\n'),
    );
    await t.close();
  });

  const tokenOf = (caller: Caller): string | undefined =>
    caller === 'none' ? undefined : caller === 'expired' ? c.expired : caller === 'bad' ? c.bad : c[caller].token;

  const freshOrder = () => placeOrder(t, c.trader, c.accountA);
  const freshStop = () => placeOrder(t, c.trader, c.accountA, { type: 'SL', triggerPricePaise: 45_000, limitPricePaise: 45_100, quantity: 1 });
  const STRATEGY = { kind: 'ma-crossover', name: 'matrix', parameters: { instrument: 'ITC', fastPeriod: 2, slowPeriod: 3 }, instruments: ['ITC'], capitalAllocationPaise: 1_000 };
  const freshStrategy = async () => (await t.api.post('/api/strategies').send({ ...STRATEGY, accountId: c.accountA })).body.strategyId as string;
  const throwawayViewer = async (granted: boolean) => (await t.createKey('viewer', granted ? [c.accountA] : [])).kid;

  const cases: Case[] = [
    { name: 'POST /api/accounts', method: 'post', path: () => '/api/accounts', body: () => ({ name: 'matrix', initialCashPaise: 1_000 }), expect: openCommand(201) },
    { name: 'POST /api/accounts/:id/deposits', method: 'post', path: (x) => `/api/accounts/${x.accountA}/deposits`, body: () => ({ amountPaise: 100 }), expect: command(201) },
    { name: 'POST /api/accounts/:id/withdrawals', method: 'post', path: (x) => `/api/accounts/${x.accountA}/withdrawals`, body: () => ({ amountPaise: 1 }), expect: command(201) },
    { name: 'POST /api/accounts/:id/risk-limits', method: 'post', path: (x) => `/api/accounts/${x.accountA}/risk-limits`, body: () => ({}), expect: adminOnly(200) },
    { name: 'POST /api/accounts/:id/halt', method: 'post', path: (x) => `/api/accounts/${x.accountA}/halt`, body: () => ({ reason: 'matrix' }), expect: adminOnly(200) },
    { name: 'POST /api/accounts/:id/resume', method: 'post', path: (x) => `/api/accounts/${x.accountA}/resume`, body: () => ({}), expect: adminOnly(200) },
    { name: 'POST /api/accounts/:id/broker', method: 'post', path: (x) => `/api/accounts/${x.accountA}/broker`, body: () => ({ broker: 'paper' }), expect: adminOnly(200) },
    { name: 'POST /api/orders', method: 'post', path: () => '/api/orders', body: (x) => ({ accountId: x.accountA, ...LIMIT_ORDER, quantity: 1 }), expect: command(201) },
    {
      name: 'POST /api/orders/:id/fills',
      method: 'post',
      path: (x) => `/api/orders/${x.orderA}/fills`,
      body: () => ({ fillId: `M-${++fills}`, quantity: 1, pricePaise: 45_000, feesPaise: 0, occurredAt: '2026-11-20T10:01:00+05:30' }),
      expect: execution(201),
    },
    { name: 'POST /api/orders/:id/cancel', method: 'post', path: async () => `/api/orders/${await freshOrder()}/cancel`, body: () => ({}), expect: command(200) },
    { name: 'POST /api/orders/:id/modify', method: 'post', path: async () => `/api/orders/${await freshOrder()}/modify`, body: () => ({ quantity: 50 }), expect: command(200) },
    { name: 'POST /api/orders/:id/trigger', method: 'post', path: async () => `/api/orders/${await freshStop()}/trigger`, body: () => ({ lastPricePaise: 45_000 }), expect: execution(200) },
    { name: 'POST /api/strategies', method: 'post', path: () => '/api/strategies', body: (x) => ({ ...STRATEGY, accountId: x.accountA }), expect: command(201) },
    { name: 'POST /api/strategies/:id/halt', method: 'post', path: async () => `/api/strategies/${await freshStrategy()}/halt`, body: () => ({ reason: 'matrix' }), expect: command(200) },
    { name: 'PUT /api/strategies/:id/parameters', method: 'put', path: async () => `/api/strategies/${await freshStrategy()}/parameters`, body: () => ({ parameters: STRATEGY.parameters }), expect: command(200) },
    { name: 'GET /api/strategies', method: 'get', path: () => '/api/strategies', expect: anyReader() },
    { name: 'GET /api/strategies/:id', method: 'get', path: async () => `/api/strategies/${await freshStrategy()}`, expect: readA() },
    { name: 'GET /api/market/quotes', method: 'get', path: () => '/api/market/quotes?symbols=ITC,NIFTY', expect: anyReader() },
    { name: 'GET /api/market/option-chain', method: 'get', path: () => '/api/market/option-chain?underlying=NIFTY', expect: anyReader() },
    { name: 'GET /api/orders', method: 'get', path: () => '/api/orders?limit=200', expect: anyReader(), listOf: 'items' },
    { name: 'GET /api/orders?accountId=A', method: 'get', path: (x) => `/api/orders?accountId=${x.accountA}`, expect: readA(), listOf: 'items' },
    { name: 'GET /api/orders/:id', method: 'get', path: (x) => `/api/orders/${x.orderA}`, expect: readA() },
    { name: 'GET /api/accounts', method: 'get', path: () => '/api/accounts?limit=200', expect: anyReader(), listOf: 'items' },
    { name: 'GET /api/accounts/:id', method: 'get', path: (x) => `/api/accounts/${x.accountA}`, expect: readA() },
    { name: 'GET /api/accounts/:id/statement', method: 'get', path: (x) => `/api/accounts/${x.accountA}/statement`, expect: readA() },
    { name: 'GET /api/accounts/:id/exports/fills', method: 'get', path: (x) => `/api/accounts/${x.accountA}/exports/fills`, expect: readA() },
    { name: 'GET /api/accounts/:id/portfolio', method: 'get', path: (x) => `/api/accounts/${x.accountA}/portfolio`, expect: readA() },
    { name: 'GET /api/accounts/:id/portfolio?asOf=', method: 'get', path: (x) => `/api/accounts/${x.accountA}/portfolio?asOf=${new Date().toISOString()}&time=business`, expect: readA() },
    { name: 'GET /api/streams/account-A/state', method: 'get', path: (x) => `/api/streams/account-${x.accountA}/state`, expect: readA() },
    { name: 'GET /api/audit/correlations/:id (account A opening)', method: 'get', path: async (x) => `/api/audit/correlations/${(await store.readStream(`account-${x.accountA}`, { maxCount: 1 }))[0].metadata.correlationId}`, expect: readA() },
    { name: 'GET /api/lineage?accountId=A&figure=cash', method: 'get', path: (x) => `/api/lineage?accountId=${x.accountA}&figure=cash`, expect: readA() },
    { name: 'GET /api/accounts/:id/positions', method: 'get', path: (x) => `/api/accounts/${x.accountA}/positions`, expect: readA() },
    { name: 'GET /api/accounts/:id/performance', method: 'get', path: (x) => `/api/accounts/${x.accountA}/performance`, expect: readA() },
    { name: 'GET /api/strategies/:id/performance', method: 'get', path: async () => `/api/strategies/${await freshStrategy()}/performance`, expect: readA() },
    // An equity strategy has no derivative legs, so its readers are told 404 BASKET_NOT_FOUND; the broker is still refused.
    { name: 'GET /api/strategies/:id/basket', method: 'get', path: async () => `/api/strategies/${await freshStrategy()}/basket`, expect: readA(404) },
    { name: 'GET /api/streams/account-A/events', method: 'get', path: (x) => `/api/streams/account-${x.accountA}/events`, expect: readA(), listOf: 'events' },
    { name: 'GET /api/streams/order-A/events', method: 'get', path: (x) => `/api/streams/order-${x.orderA}/events`, expect: readA(), listOf: 'events' },
    { name: 'GET /api/streams/position-A-ITC/events', method: 'get', path: (x) => `/api/streams/position-${x.accountA}-ITC/events`, expect: readA(), listOf: 'events' },
    { name: 'GET /api/streams/credential-<kid>/events', method: 'get', path: (x) => `/api/streams/credential-${x.trader.kid}/events`, expect: oversight() },
    { name: 'GET /api/audit', method: 'get', path: () => '/api/audit?limit=200', expect: anyReader(), listOf: 'items' },
    { name: 'GET /api/audit?accountId=A', method: 'get', path: (x) => `/api/audit?accountId=${x.accountA}&limit=200`, expect: readA(), listOf: 'items' },
    { name: 'GET /api/projections', method: 'get', path: () => '/api/projections', expect: anyReader() },
    { name: 'POST /api/projections/:name/rebuild', method: 'post', path: () => '/api/projections/prices/rebuild', body: () => ({}), expect: adminOnly(200) },
    { name: 'GET /api/projections/dead-letters', method: 'get', path: () => '/api/projections/dead-letters', expect: oversight() },
    { name: 'POST /api/projections/:name/dead-letters/retry', method: 'post', path: () => '/api/projections/prices/dead-letters/retry', body: () => ({}), expect: adminOnly(200) },
    { name: 'POST /api/projections/dead-letters/:id/retry (unknown id)', method: 'post', path: () => '/api/projections/dead-letters/prices:999999/retry', body: () => ({}), expect: adminOnly(404) },
    { name: 'GET /metrics', method: 'get', path: () => '/metrics', expect: oversight() },
    { name: 'POST /api/admin/keys', method: 'post', path: () => '/api/admin/keys', body: () => ({ name: 'made in the matrix', role: 'auditor' }), expect: adminOnly(201) },
    { name: 'GET /api/admin/keys', method: 'get', path: () => '/api/admin/keys', expect: adminOnly(200) },
    { name: 'GET /api/admin/keys/:kid', method: 'get', path: (x) => `/api/admin/keys/${x.viewer.kid}`, expect: adminOnly(200) },
    { name: 'POST /api/admin/keys/:kid/revoke', method: 'post', path: async () => `/api/admin/keys/${await throwawayViewer(false)}/revoke`, body: () => ({}), expect: adminOnly(200) },
    {
      name: 'POST /api/admin/keys/:kid/grants',
      method: 'post',
      path: async () => `/api/admin/keys/${await throwawayViewer(false)}/grants`,
      body: (x) => ({ accountId: x.accountB }),
      expect: adminOnly(200),
    },
    { name: 'DELETE /api/admin/keys/:kid/grants/:accountId', method: 'delete', path: async (x) => `/api/admin/keys/${await throwawayViewer(true)}/grants/${x.accountA}`, expect: adminOnly(200) },
    { name: 'GET /api/analyst/status', method: 'get', path: () => '/api/analyst/status', expect: anyReader() },
    { name: 'GET /auth/me', method: 'get', path: () => '/auth/me', expect: anyRole() },
    { name: 'POST /auth/token (public; the body carries the key)', method: 'post', path: () => '/auth/token', body: (x) => ({ apiKey: x.viewer.apiKey }), expect: everyone(200) },
    { name: 'GET /health/live (public)', method: 'get', path: () => '/health/live', expect: everyone(200) },
    { name: 'GET /health/ready (public)', method: 'get', path: () => '/health/ready', expect: everyone(200) },
  ];

  it.each(cases.map((k) => [k.name, k] as const))('%s', async (_name, k) => {
    const seen: Record<string, number> = {};
    for (const caller of CALLERS) {
      const path = await k.path(c);
      const before = await store.headPosition();
      let req = request(t.server)[k.method](path);
      const token = tokenOf(caller);
      if (token !== undefined) req = req.set('authorization', `Bearer ${token}`);
      const res: Response = k.body ? await req.send(k.body(c)) : await req;
      seen[caller] = res.status;
      answered[caller][res.status] = (answered[caller][res.status] ?? 0) + 1;
      if (res.status >= 400) {
        // A refusal says why, in the usual shape, and changes nothing.
        expect(res.body).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String), correlationId: expect.any(String) }));
        expect([caller, await store.headPosition()]).toEqual([caller, before]);
        if (res.status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      } else if (k.listOf) {
        // A list shows only what the caller may read: the accounts granted to its key (traders also hold the
        // accounts they opened in this test), never the other trader's.
        const rows: { accountId?: string | null; data?: { accountId?: string } }[] = k.listOf === 'items' ? res.body.items : res.body.events;
        expect(rows.length).toBeGreaterThan(0);
        const other = foreign[caller]?.(c);
        if (other !== undefined) {
          const granted: string[] = (await request(t.server).get('/auth/me').set('authorization', `Bearer ${token}`)).body.accountIds;
          expect(granted).not.toContain(other);
          for (const row of rows) expect([caller, granted.includes((row.accountId ?? row.data?.accountId) as string)]).toEqual([caller, true]);
        }
      }
    }
    casesRun += 1;
    expect(seen).toEqual(k.expect);
  });

  it('gives each unauthenticated caller the reason it was refused', async () => {
    const reasons = async (authorization?: string) => {
      const req = request(t.server).get('/auth/me');
      const res = authorization === undefined ? await req : await req.set('authorization', authorization);
      return [res.status, res.body.code];
    };
    expect(await reasons()).toEqual([401, 'UNAUTHENTICATED']);
    expect(await reasons(`Bearer ${c.expired}`)).toEqual([401, 'TOKEN_EXPIRED']);
    expect(await reasons(`Bearer ${c.bad}`)).toEqual([401, 'INVALID_TOKEN']);
    expect(await reasons(`Bearer ${c.revoked.token}`)).toEqual([401, 'KEY_REVOKED']);
    expect(await reasons(`Bearer ${c.revoked.apiKey}`)).toEqual([401, 'KEY_REVOKED']);
    expect(await reasons('Bearer not.a.token')).toEqual([401, 'INVALID_TOKEN']);
    expect(await reasons(`Basic ${Buffer.from('a:b').toString('base64')}`)).toEqual([401, 'INVALID_TOKEN']);
    expect(await reasons(`Bearer ${c.trader.apiKey.slice(0, -2)}xx`)).toEqual([401, 'INVALID_API_KEY']);
    expect(await reasons(`Bearer rtk_${'0'.repeat(16)}_${'A'.repeat(43)}`)).toEqual([401, 'INVALID_API_KEY']);
    // The API key itself works as a bearer credential, like its token.
    expect(await reasons(`Bearer ${c.trader.apiKey}`)).toEqual([200, undefined]);
    const exchange = await request(t.server).post('/auth/token').send({ apiKey: c.revoked.apiKey });
    expect([exchange.status, exchange.body.code]).toEqual([401, 'KEY_REVOKED']);
  });

  it('keeps an order of another account invisible: 404 like an unknown order, and no event', async () => {
    const before = await store.headPosition();
    const theirs = await t.as(c.stranger.token).post(`/api/orders/${c.orderA}/cancel`).send({});
    const unknown = await t.as(c.stranger.token).post('/api/orders/00000000-0000-4000-8000-000000000000/cancel').send({});
    expect([theirs.status, theirs.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    const placeOnTheirs = await t.as(c.stranger.token).post('/api/orders').send({ accountId: c.accountA, ...LIMIT_ORDER });
    expect([placeOnTheirs.status, placeOnTheirs.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect(await store.headPosition()).toBe(before);
  });

  it('records the key id as the actor of every event a command causes, never a secret', async () => {
    const res = await t.as(c.broker.token).post(`/api/orders/${c.orderA}/fills`).send({ fillId: 'ACTOR-1', quantity: 1, pricePaise: 45_000, feesPaise: 0, occurredAt: '2026-11-20T10:02:00+05:30' });
    expect(res.status).toBe(201);
    const caused = (await store.readAll({ after: 0n, maxCount: 100_000 })).filter((e) => e.metadata.correlationId === res.headers['x-correlation-id']);
    // the fill, the position change and the cash settlement (the reactor keeps the actor of the fill)
    expect(caused.map((e) => e.type)).toEqual(expect.arrayContaining(['OrderPartiallyFilled', 'CashSettled']));
    expect(caused.length).toBeGreaterThanOrEqual(3);
    for (const event of caused) expect(event.metadata.actor).toBe(`key:${c.broker.kid}`);
    const log = JSON.stringify(await store.readAll({ after: 0n, maxCount: 100_000 }), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    for (const key of [c.admin, c.broker, c.trader, c.viewer, c.auditor, c.stranger]) {
      expect(log).not.toContain(key.apiKey);
      expect(log).not.toContain(key.apiKey.slice(21));
      expect(log).not.toContain(key.token);
    }
  });

  describe('socket.io', () => {
    const sockets: Socket[] = [];
    afterAll(() => sockets.forEach((s) => s.close()));

    it('refuses connections without a valid credential, with the reason', async () => {
      const refusal = async (token: string | undefined) => {
        try {
          sockets.push(await connect(base, token));
          return 'connected';
        } catch (error) {
          return (error as Error).message;
        }
      };
      expect(await refusal(undefined)).toBe('UNAUTHENTICATED');
      expect(await refusal(c.expired)).toBe('TOKEN_EXPIRED');
      expect(await refusal(c.bad)).toBe('INVALID_TOKEN');
      expect(await refusal(c.revoked.token)).toBe('KEY_REVOKED');
      expect(await refusal(c.trader.token)).toBe('connected');
      expect(await refusal(c.trader.apiKey)).toBe('connected');
    });

    it('authorizes subscriptions like reads, and pushes an account change to its subscribers only', async () => {
      const roles = ['admin', 'broker', 'trader', 'viewer', 'auditor', 'stranger'] as const;
      const connected = Object.fromEntries(await Promise.all(roles.map(async (r) => [r, await connect(base, c[r].token)] as const))) as Record<(typeof roles)[number], Socket>;
      sockets.push(...Object.values(connected));

      const accountA = Object.fromEntries(await Promise.all(roles.map(async (r) => [r, (await subscribe(connected[r], `account:${c.accountA}`)).code ?? 'ok'] as const)));
      expect(accountA).toEqual({ admin: 'ok', broker: 'FORBIDDEN', trader: 'ok', viewer: 'ok', auditor: 'ok', stranger: 'ACCOUNT_NOT_FOUND' });
      const audit = Object.fromEntries(await Promise.all(roles.map(async (r) => [r, (await subscribe(connected[r], 'audit')).code ?? 'ok'] as const)));
      expect(audit).toEqual({ admin: 'ok', broker: 'FORBIDDEN', trader: 'FORBIDDEN', viewer: 'FORBIDDEN', auditor: 'ok', stranger: 'FORBIDDEN' });
      expect((await subscribe(connected.stranger, `account:${c.accountB}`)).ok).toBe(true);
      expect((await subscribe(connected.trader, 'account:nope')).code).toBe('INVALID_TOPIC');

      const received: Record<string, { accountId: string; position: number }[]> = {};
      for (const r of roles) {
        received[r] = [];
        connected[r].on('account.updated', (m) => received[r].push(m));
      }
      const auditPushes: unknown[] = [];
      connected.auditor.on('audit.appended', (m) => auditPushes.push(m));

      /** Resolves once `role` has been pushed an update of `accountId` at `position` or later. */
      const pushed = (role: (typeof roles)[number], accountId: string, position: number) =>
        new Promise<void>((resolve) => {
          const check = () => received[role].some((m) => m.accountId === accountId && m.position >= position) && resolve();
          check();
          connected[role].on('account.updated', check);
        });

      const deposit = await t.as(c.trader.token).post(`/api/accounts/${c.accountA}/deposits`).send({ amountPaise: 5 });
      expect(deposit.status).toBe(201);
      await Promise.all((['admin', 'trader', 'viewer', 'auditor'] as const).map((r) => pushed(r, c.accountA, deposit.body.globalPosition)));
      expect(auditPushes.length).toBeGreaterThan(0);
      // The stranger follows only account B: nothing about A reaches it. Updates reach a socket in log order, so once
      // the stranger has B's change made after A's, an update of A would have come before it.
      const later = await t.as(c.stranger.token).post(`/api/accounts/${c.accountB}/deposits`).send({ amountPaise: 5 });
      expect(later.status).toBe(201);
      await pushed('stranger', c.accountB, later.body.globalPosition);
      expect(received.stranger.filter((m) => m.accountId === c.accountA)).toEqual([]);

      // A read after the push sees the change.
      const account = await t.as(c.viewer.token).get(`/api/accounts/${c.accountA}`);
      expect(account.body.lastEventPosition).toBeGreaterThanOrEqual(deposit.body.globalPosition);
    });
  });
});
