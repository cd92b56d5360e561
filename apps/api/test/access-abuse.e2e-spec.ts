import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { CREDENTIALS_FILE, hashSecret, newApiKey, newKid, MAX_GRANTS, SqliteCredentialStore } from '@robo/credentials';
import { api, bearer, ChildApp, freePort } from './child-app';
import { LIMIT_ORDER, openAccount, placeOrder, registerStrategy } from './auth-fixtures';
import { startTestApp, type TestApp, type TestKey, tokenFor } from './test-app';

/** Abuse of access seen from outside: replays, caps, other people's ids. */
describe('access and abuse', () => {
  let t: TestApp;
  let store: EventStore;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000000' });
    store = t.app.get(EVENT_STORE);
  });
  afterAll(async () => t.close());

  const credentialEvents = async (kid: string) => (await store.readStream(`credential-${kid}`)).map((e) => e.type);

  /** A trader key holding `count` grants of accounts that do not exist, written straight into the credential store. */
  async function keyWithGrants(count: number): Promise<TestKey> {
    const credentials = SqliteCredentialStore.open({ file: path.join(t.dataDir, CREDENTIALS_FILE) });
    try {
      const kid = newKid();
      const apiKey = newApiKey(kid);
      const accountIds = Array.from({ length: count }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      await credentials.create({ kid, name: 'many grants', role: 'trader', accountIds, secretHash: await hashSecret(apiKey), createdAt: new Date().toISOString(), createdBy: 'system:test' });
      return { kid, apiKey, role: 'trader', token: await tokenFor(t.server, apiKey) };
    } finally {
      await credentials.close();
    }
  }

  describe('an idempotent replay changes nothing that changed since', () => {
    it('does not give a trader back an account whose grant an admin removed', async () => {
      const trader = await t.createKey('trader');
      const open = () => t.as(trader.token).post('/api/accounts').set('Idempotency-Key', 'open-once').send({ name: 'replayed', initialCashPaise: 1_000 });
      const first = await open();
      expect(first.status).toBe(201);
      const accountId: string = first.body.accountId;
      expect((await t.api.delete(`/api/admin/keys/${trader.kid}/grants/${accountId}`)).status).toBe(200);

      const replay = await open();
      expect([replay.status, replay.body]).toEqual([201, first.body]);
      expect((await t.as(trader.token).get('/auth/me')).body.accountIds).toEqual([]);
      const withdrawal = await t.as(trader.token).post(`/api/accounts/${accountId}/withdrawals`).send({ amountPaise: 1_000 });
      expect([withdrawal.status, withdrawal.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
      expect(await credentialEvents(trader.kid)).toEqual(['ApiKeyCreated', 'AccountAccessGranted', 'AccountAccessRevoked']);
    });

    it('still answers the first result, and grants nothing twice, when nothing was removed', async () => {
      const trader = await t.createKey('trader');
      const open = () => t.as(trader.token).post('/api/accounts').set('Idempotency-Key', 'open-twice').send({ name: 'twice', initialCashPaise: 1_000 });
      const first = await open();
      const again = await open();
      expect([again.status, again.body]).toEqual([201, first.body]);
      expect((await t.as(trader.token).get('/auth/me')).body.accountIds).toEqual([first.body.accountId]);
      expect(await credentialEvents(trader.kid)).toEqual(['ApiKeyCreated', 'AccountAccessGranted']);
    });
  });

  describe('a strategy id is bound to the accounts it is registered on', () => {
    it("refuses an order of another account carrying the victim's strategy id, appending nothing", async () => {
      const victim = await t.createKey('trader');
      const attacker = await t.createKey('trader');
      const home = await openAccount(t, victim, 'victim');
      const strategyId = await registerStrategy(t, victim, home, 'victim strategy');
      const elsewhere = await openAccount(t, attacker, 'attacker');
      const before = await store.headPosition();
      for (const id of [strategyId, 'never-registered']) {
        const hijack = await t.as(attacker.token).post('/api/orders').send({ accountId: elsewhere, ...LIMIT_ORDER, quantity: 1, strategyId: id });
        expect([hijack.status, hijack.body.code]).toEqual([422, 'STRATEGY_NOT_ON_ACCOUNT']);
      }
      expect(await store.headPosition()).toBe(before);

      const own = await t.as(victim.token).post('/api/orders').send({ accountId: home, ...LIMIT_ORDER, quantity: 1, strategyId });
      expect(own.status).toBe(201);
      const performance = await t.as(victim.token).get(`/api/strategies/${strategyId}/performance?minPosition=${own.body.globalPosition}`);
      expect([performance.status, performance.body.accountIds]).toEqual([200, [home]]);
    });
  });

  describe('the smaller leaks', () => {
    type Node = { stream: string; type: string; actor: string; children: Node[] };
    const flat = (tree: { commands: { events: Node[] }[] }): Node[] => {
      const out: Node[] = [];
      const walk = (n: Node) => (out.push(n), n.children.forEach(walk));
      tree.commands.forEach((c) => c.events.forEach(walk));
      return out;
    };

    it('shows credential events (grants on an account) to admins and auditors only, in lists and correlation trees', async () => {
      const trader = await t.createKey('trader');
      const opened = await t.as(trader.token).post('/api/accounts').send({ name: 'credentials', initialCashPaise: 1_000 });
      const accountId: string = opened.body.accountId;
      const viewer = await t.createKey('viewer', [accountId]);
      const auditor = await t.createKey('auditor');
      const correlationId = opened.headers['x-correlation-id'] as string;
      const at = `minPosition=${(await store.headPosition()).toString()}`;
      const credentialRows = async (key: TestKey, query: string) => {
        const res = await t.as(key.token).get(`/api/audit?limit=200&${at}&${query}`);
        expect(res.status).toBe(200);
        return res.body.items.filter((e: { streamName: string }) => e.streamName.startsWith('credential-')).map((e: { type: string }) => e.type);
      };
      for (const key of [trader, viewer]) {
        expect(await credentialRows(key, `accountId=${accountId}`)).toEqual([]);
        expect(await credentialRows(key, '')).toEqual([]);
        expect(await credentialRows(key, `stream=credential-${trader.kid}`)).toEqual([]);
        const tree = await t.as(key.token).get(`/api/audit/correlations/${correlationId}?${at}`);
        expect(flat(tree.body).map((n) => n.type)).toEqual(['AccountOpened']);
      }
      for (const key of [auditor, t.admin]) {
        expect(await credentialRows(key, `accountId=${accountId}`)).toEqual(['AccountAccessGranted']);
        const tree = await t.as(key.token).get(`/api/audit/correlations/${correlationId}?${at}`);
        expect(flat(tree.body).map((n) => n.type)).toEqual(['AccountOpened', 'AccountAccessGranted']);
      }
    });

    it("gives the log's head and the checkpoints to operators only", async () => {
      const trader = await t.createKey('trader');
      const auditor = await t.createKey('auditor');
      const theirs = await t.as(trader.token).get('/api/projections');
      expect(theirs.status).toBe(200);
      expect(theirs.body.head).toBeNull();
      expect(theirs.body.projections.length).toBeGreaterThan(0);
      for (const p of theirs.body.projections) expect([p.name, p.checkpoint, p.head, p.lagEvents]).toEqual([p.name, null, null, null]);
      expect(theirs.body.reactors).toEqual([{ name: 'reactor.settlement', checkpoint: null, head: null, lagEvents: null, lagBytes: null }]);
      const operators = await t.as(auditor.token).get('/api/projections');
      expect(operators.body.head).toBe(Number(await store.headPosition()));
      expect(operators.body.projections.some((p: { checkpoint: number | null }) => typeof p.checkpoint === 'number')).toBe(true);
    });

    it("namespaces a client's correlation id by its key, so that it never joins another principal's tree", async () => {
      const victim = await t.createKey('trader');
      const attacker = await t.createKey('trader');
      const auditor = await t.createKey('auditor');
      const mine = await openAccount(t, victim, 'victim');
      const theirs = await openAccount(t, attacker, 'attacker');
      const deposit = (key: TestKey, accountId: string, correlationId: string) => t.as(key.token).post(`/api/accounts/${accountId}/deposits`).set('x-correlation-id', correlationId).send({ amountPaise: 5 });
      const first = await deposit(victim, mine, 'desk-batch-7');
      const forged = await deposit(attacker, theirs, 'desk-batch-7');
      expect(first.headers['x-correlation-id']).toBe(`key:${victim.kid}:desk-batch-7`);
      expect(forged.headers['x-correlation-id']).toBe(`key:${attacker.kid}:desk-batch-7`);
      // Sent again as it came back, the id ties the victim's next request to the first.
      const again = await deposit(victim, mine, `key:${victim.kid}:desk-batch-7`);
      expect(again.headers['x-correlation-id']).toBe(`key:${victim.kid}:desk-batch-7`);
      // Namespacing another key's id does not give it away either.
      const prefixed = await deposit(attacker, theirs, `key:${victim.kid}:desk-batch-7`);
      expect(prefixed.headers['x-correlation-id']).toBe(`key:${attacker.kid}:key:${victim.kid}:desk-batch-7`);

      const tree = await t.as(auditor.token).get(`/api/audit/correlations/key:${victim.kid}:desk-batch-7?minPosition=${prefixed.body.globalPosition}`);
      expect(tree.status).toBe(200);
      const nodes = flat(tree.body);
      expect(nodes.map((n) => [n.stream, n.actor])).toEqual([
        [`account-${mine}`, `key:${victim.kid}`],
        [`account-${mine}`, `key:${victim.kid}`],
      ]);
      const raw = (await store.readAll({ after: 0n, maxCount: 100_000 })).filter((e) => e.metadata.correlationId === 'desk-batch-7');
      expect(raw).toEqual([]);

      // The longest id a client may choose, namespaced, still names a tree and a filter of the audit trail.
      const long = `${'x'.repeat(128)}`;
      const longest = await deposit(victim, mine, long);
      const namespaced = longest.headers['x-correlation-id'] as string;
      expect(namespaced).toBe(`key:${victim.kid}:${long}`);
      const listed = await t.as(victim.token).get(`/api/audit?correlationId=${namespaced}&minPosition=${longest.body.globalPosition}`);
      expect([listed.status, listed.body.items.length]).toEqual([200, 1]);
      expect((await t.as(auditor.token).get(`/api/audit/correlations/${namespaced}`)).status).toBe(200);
    });

    it.each([
      ['an account name with NUL', '/api/accounts', { name: 'Asha\u0000Desk', initialCashPaise: 1 }],
      ['an account name with a line break', '/api/accounts', { name: 'Asha\nDesk', initialCashPaise: 1 }],
      ['an account name with an escape sequence', '/api/accounts', { name: '\u001b[31mAsha', initialCashPaise: 1 }],
      ['an account name with a right-to-left override', '/api/accounts', { name: 'Asha\u202eksed', initialCashPaise: 1 }],
      ['a strategy name with a tab', '/api/strategies', { kind: 'ma-crossover', name: 'fast\tslow', parameters: { instrument: 'ITC', fastPeriod: 2, slowPeriod: 3 }, instruments: ['ITC'], capitalAllocationPaise: 1_000 }],
    ])('refuses %s with 400, appending nothing', async (_name, url, body) => {
      const trader = await t.createKey('trader');
      const account = await openAccount(t, trader, 'names');
      const before = await store.headPosition();
      const res = await t.as(trader.token).post(url).send(url === '/api/strategies' ? { ...body, accountId: account } : body);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(await store.headPosition()).toBe(before);
    });

    it('keeps names in any script, with spaces and punctuation', async () => {
      const trader = await t.createKey('trader');
      const res = await t.as(trader.token).post('/api/accounts').send({ name: 'आशा – Desk #1 (intraday)', initialCashPaise: 1 });
      expect(res.status).toBe(201);
    });
  });

  describe('one grant cap for every way of granting, and lists for any number of grants', () => {
    it('refuses a trader opening an account past the cap, as it refuses an admin granting past it, appending nothing', async () => {
      const full = await keyWithGrants(MAX_GRANTS);
      const before = await store.headPosition();
      const opened = await t.as(full.token).post('/api/accounts').send({ name: 'one too many', initialCashPaise: 1_000 });
      expect([opened.status, opened.body.code]).toEqual([422, 'TOO_MANY_GRANTS']);
      expect(await store.headPosition()).toBe(before);

      const account = await openAccount(t, await t.createKey('trader'), 'to grant');
      const head = await store.headPosition();
      const granted = await t.api.post(`/api/admin/keys/${full.kid}/grants`).send({ accountId: account });
      expect([granted.status, granted.body.code]).toEqual([422, 'TOO_MANY_GRANTS']);
      expect(await store.headPosition()).toBe(head);
    });

    it('answers the orders, audit and strategies lists of a key with more grants than one {in} holds', async () => {
      const many = await keyWithGrants(2500);
      const account = await openAccount(t, many, 'busy desk');
      const orderId = await placeOrder(t, many, account, { quantity: 1 });
      const strategy = await t.as(many.token).post('/api/strategies').send({ kind: 'ma-crossover', name: 'many', parameters: { instrument: 'ITC', fastPeriod: 2, slowPeriod: 3 }, instruments: ['ITC'], capitalAllocationPaise: 1_000, accountId: account });
      expect(strategy.status).toBe(201);
      const position = strategy.body.globalPosition as number;

      const orders = await t.as(many.token).get(`/api/orders?minPosition=${position}`);
      expect([orders.status, orders.body.items.map((o: { orderId: string }) => o.orderId)]).toEqual([200, [orderId]]);
      const audit = await t.as(many.token).get(`/api/audit?limit=200&minPosition=${position}`);
      expect(audit.status).toBe(200);
      expect(new Set(audit.body.items.map((e: { accountId: string }) => e.accountId))).toEqual(new Set([account]));
      const strategies = await t.as(many.token).get('/api/strategies');
      expect([strategies.status, strategies.body.items.map((s: { strategyId: string }) => s.strategyId)]).toEqual([200, [strategy.body.strategyId]]);
      // Another trader's order is never in these lists.
      const other = await t.createKey('trader');
      await placeOrder(t, other, await openAccount(t, other, 'other'), { ...LIMIT_ORDER, quantity: 1 });
      expect((await t.as(many.token).get('/api/orders')).body.items.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
    });
  });
});

describe('rate limits per credential across all routes', () => {
  let t: TestApp;
  let trader: TestKey;
  beforeAll(async () => {
    // Before the test: the client address exchanged two keys for tokens, the admin made one request.
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '6' });
    trader = await t.createKey('trader');
  });
  afterAll(async () => t.close());

  it('counts one budget per key over every route, then 429 with Retry-After; other keys keep theirs', async () => {
    const routes = ['/auth/me', '/api/orders', '/api/strategies', '/api/audit', '/api/market/quotes?symbols=ITC', '/api/accounts/00000000-0000-4000-8000-000000000000'];
    const statuses: number[] = [];
    for (const route of routes) statuses.push((await t.as(trader.token).get(route)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    const over = await t.as(trader.token).post('/api/accounts').send({ name: 'past the limit', initialCashPaise: 1 });
    expect([over.status, over.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // The key's API key is the same credential as its token.
    expect((await t.as(trader.apiKey).get('/api/projections')).status).toBe(429);
    expect((await t.api.get('/auth/me')).status).toBe(200);
  });

  it('counts anonymous calls per client address over every route', async () => {
    const anonymous = [
      await t.as('not-a-token').get('/api/orders'),
      await t.as('not-a-token').get('/auth/me'),
      await t.as('not-a-token').post('/api/accounts').send({}),
      await t.as('not-a-token').post('/auth/token').send({ apiKey: 'rtk_nope' }),
    ];
    expect(anonymous.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    const over = await t.as('not-a-token').get('/api/strategies');
    expect([over.status, over.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Health probes are never limited.
    expect((await t.as('not-a-token').get('/health/live')).status).toBe(200);
  });
});

describe('expected refusals in the logs (child process)', () => {
  const apps: ChildApp[] = [];
  afterAll(async () => Promise.all(apps.map((a) => a.kill())));

  it.each(['info', 'warn'])('logs the disabled analyst 503 at warn without a stack (LOG_LEVEL=%s)', async (level) => {
    const env: Record<string, string> = { LOG_LEVEL: level, ANTHROPIC_API_KEY: '' };
    const app = new ChildApp(fs.mkdtempSync(path.join(os.tmpdir(), 'robo-refusals-')), await freePort(), env);
    apps.push(app);
    await app.start();
    const admin = await bearer(app.url, app.bootstrapKey());
    const correlationId = `refusal-${level}`;
    const res = await api(app.url, 'POST', '/api/analyst/questions', { question: 'What is my cash?' }, { ...admin, 'x-correlation-id': correlationId });
    expect([res.status, res.body.code]).toEqual([503, 'ANALYST_DISABLED']);
    // Two lines name the request (the error filter's and the request line), written as the response finishes:
    // wait until the pipe has delivered both.
    const linesOf = () => app.output.split('\n').filter((line) => line.includes(correlationId));
    await new Promise<void>((resolve) => {
      const check = () => (linesOf().length >= 2 ? resolve() : setImmediate(check));
      check();
    });
    const lines = linesOf().map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.map((l) => l.msg).sort()).toEqual(['request refused', 'request refused']);
    for (const line of lines) {
      expect([line.msg, line.level]).toEqual([line.msg, 40]);
      expect(JSON.stringify(line)).not.toMatch(/stack|\s+at /);
    }
  });
});
