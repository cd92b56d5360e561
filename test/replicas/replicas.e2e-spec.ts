import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Socket } from 'socket.io-client';
import { SqliteEventStore } from '@robo/event-store';
import { connect, subscribe } from '../../apps/api/test/auth-fixtures';
import { ChildApp, freePort } from '../../apps/api/test/child-app';
import { startTestRedis, type TestRedis } from '../../apps/api/test/redis-server';
import { seedKey } from '../../apps/api/test/test-app';
import { throwawayDatabases } from '@robo/read-models/testing/mongo-databases';
import { ChildProjector, eventually, mongoStores, progressLog, PROJECTOR_MAIN, SQLITE_FILES, type SharedStores, writeChildLogs } from './replica-harness';

/**
 * Three api processes and a projector over the same stores, sharing one Redis (socket.io adapter and rate-limit
 * counts), behind nothing but their ports, run twice: read models and keys in the SQLite files, then (with MONGO_URL)
 * in MongoDB or FerretDB, the event log staying in its SQLite file. The client below plays the load balancer. Under a load of
 * orders, fills and deposits sent round-robin, one replica is killed (SIGKILL) and then the active projector;
 * commands that were in flight to the dead replica are retried on a live one with the same idempotency key,
 * client order id or fill id, as a client behind a balancer would.
 */

const API_MAIN = path.resolve(__dirname, '../../dist/apps/api/src/main.js');
/** One budget per credential per minute, across the three replicas. */
const RATE_LIMIT = 150;
const COMMANDS = 360;
const IN_FLIGHT = 6;
const FILL_AT = '2026-11-20T10:30:00+05:30';
const DEADLINE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

interface Update {
  room: string;
  collection: string;
  id: string;
  seq: number;
  position: number;
  changes: Record<string, unknown> | null;
}

interface Command {
  n: number;
  kind: 'order' | 'fill' | 'deposit';
  /** The unique id the command carries: clientOrderId, fillId or Idempotency-Key. */
  id: string;
  accountId: string;
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** Filled in on acknowledgement. */
  ack?: { replica: number; status: number; body: { globalPosition: number; orderId?: string }; correlationId: string };
  attempts: number;
}

const serverAvailable = Boolean(process.env.REDIS_URL) || (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, 'redis-server')));
const built = fs.existsSync(API_MAIN) && fs.existsSync(PROJECTOR_MAIN);
if (!serverAvailable) console.log('replicas e2e: skipped, redis-server is not installed (Debian: apt-get install -y redis-server; .ci/run installs it) and REDIS_URL is unset');
else if (!built) console.log('replicas e2e: skipped, the api and projector are not built (npm run build; npm test does)');

const mongoUrl = process.env.MONGO_URL;
if (serverAvailable && built && !mongoUrl) process.stderr.write('replicas e2e on MongoDB: skipped, MONGO_URL is not set (npm test starts FerretDB when it is installed; .ci/run does)\n');
const storeModes: { stores: SharedStores; run: boolean }[] = [
  { stores: SQLITE_FILES, run: serverAvailable && built },
  { stores: mongoStores(mongoUrl ?? 'mongodb://unset/'), run: serverAvailable && built && Boolean(mongoUrl) },
];

for (const { stores, run } of storeModes) (run ? describe : describe.skip)(`three api replicas and a projector over the same stores (${stores.name}), with Redis, under load`, () => {
  let redis: TestRedis | null = null;
  let dataDir: string;
  const replicas: ChildApp[] = [];
  const alive = [true, true, true];
  const projectors: ChildProjector[] = [];
  const sockets: Socket[] = [];

  const database = mongoUrl ? throwawayDatabases(mongoUrl, 'robo_replicas') : () => 'unused';

  beforeAll(async () => {
    redis = await startTestRedis('replicas e2e');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-replicas-'));
  }, 20_000);

  afterAll(async () => {
    writeChildLogs(stores.label, Object.fromEntries([...replicas.map((r, i) => [`api-${i}`, r.output]), ...projectors.map((p, i) => [`projector-${i}`, p.output])]));
    for (const socket of sockets) socket.close();
    for (const replica of replicas) await replica.stop();
    for (const projector of projectors) await projector.kill('SIGTERM');
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('keeps every acknowledged command once, pushes every update to every live client, shares one rate budget and hands the projector lease over', async () => {
    const progress = progressLog(stores.label);
    const storesEnv = stores.env(database);
    const admin = await seedKey(dataDir, 'admin', 'replica test admin', [], storesEnv);
    const shared = {
      REDIS_URL: redis!.url,
      EMBEDDED_PROJECTOR: 'false',
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      AUTH_JWT_SECRET: `replicas-${randomUUID()}-${randomUUID()}`,
      PROJECTOR_WORKER_THREADS: 'false',
      ...storesEnv,
    };
    for (let i = 0; i < 3; i++) replicas.push(new ChildApp(dataDir, await freePort(), shared));
    await Promise.all(replicas.map((r) => r.start(60_000)));
    progress('replicas up', replicas.map((r) => r.url));
    const projectorEnv = { DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json', PROJECTOR_WORKER_THREADS: 'false', ...storesEnv };
    projectors.push(new ChildProjector(projectorEnv));
    projectors[0]!.start();
    progress('projector 0 started');

    const call = async (replica: number, method: string, url: string, key: string, body?: unknown, headers: Record<string, string> = {}) => {
      // Bounded, so that a request that never gets its answer fails here, naming itself, instead of the whole test.
      const res = await fetch(replicas[replica]!.url + url, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch((error: Error) => {
        throw new Error(`${method} ${url} on replica ${replica}: ${error.message}`);
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, correlationId: res.headers.get('x-correlation-id') ?? '' };
    };
    const createKey = async (role: string, accountIds: string[] = []) => {
      const res = await call(0, 'POST', '/api/admin/keys', admin.apiKey, { name: `${role}-${randomUUID().slice(0, 6)}`, role, accountIds });
      expect(res.status).toBe(201);
      return res.body.apiKey as string;
    };

    // Keys made on one replica work on the others (one credential store); accounts opened on each replica.
    const ops = await createKey('admin');
    const broker = await createKey('broker');
    const limited = await createKey('viewer');
    const traders: { key: string; accountId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const key = await createKey('trader');
      const res = await call(i, 'POST', '/api/accounts', key, { name: `replica trader ${i}`, initialCashPaise: 10_000_000_000 });
      expect(res.status).toBe(201);
      traders.push({ key, accountId: res.body.accountId });
    }
    progress('keys and accounts made', { accounts: traders.length });

    // The first projector projects (an account opened above shows up in the read models).
    await eventually(DEADLINE_MS, 'the first projector to project', async () => {
      const res = await call(1, 'GET', `/api/accounts/${traders[2]!.accountId}`, ops);
      return res.status === 200 ? true : null;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; the projector's output:\n${projectors[0]!.output.slice(-3000)}`);
    });
    progress('projector 0 holds the lease and projects');
    // A second projector stands by behind the lease.
    projectors.push(new ChildProjector(projectorEnv));
    projectors[1]!.start();
    progress('projector 1 started (standby)');

    // Live clients: on each replica, one socket per account.
    const clients: { replica: number; accountId: string; updates: Update[]; socket: Socket }[] = [];
    for (let replica = 0; replica < 3; replica++) {
      for (const { accountId } of traders) {
        const socket = await connect(replicas[replica]!.url, ops);
        sockets.push(socket);
        const updates: Update[] = [];
        socket.on('update', (u: Update) => updates.push(u));
        expect(await subscribe(socket, `account:${accountId}`)).toMatchObject({ ok: true });
        clients.push({ replica, accountId, updates, socket });
      }
    }
    progress('live clients subscribed', { clients: clients.length });

    // One credential's requests spread over the three replicas get the budget of one.
    // All inside one minute's window (the phase's duration is printed), so exactly one budget is accepted.
    const limitedAnswers: number[] = [];
    const rateStarted = Date.now();
    for (let start = 0; start < 3 * RATE_LIMIT; start += 15) {
      const batch = Array.from({ length: 15 }, (_, j) => call((start + j) % 3, 'GET', '/api/accounts?limit=1', limited).then((r) => r.status));
      limitedAnswers.push(...(await Promise.all(batch)));
    }
    const ratePhaseMs = Date.now() - rateStarted;
    const rate = { sent: limitedAnswers.length, accepted: limitedAnswers.filter((s) => s === 200).length, refused: limitedAnswers.filter((s) => s === 429).length };
    progress('rate-limit phase done', { ...rate, ms: ratePhaseMs });
    expect(rate).toEqual({ sent: 3 * RATE_LIMIT, accepted: RATE_LIMIT, refused: 2 * RATE_LIMIT });

    // The load.
    const commands: Command[] = [];
    const openOrders: Command[] = [];
    for (let n = 0; n < COMMANDS; n++) {
      const trader = traders[Math.floor(n / 3) % 3]!;
      const id = `c${n}-${randomUUID().slice(0, 8)}`;
      const kind = n % 3 === 0 ? 'order' : n % 3 === 1 ? 'deposit' : 'fill';
      if (kind === 'order') {
        commands.push({
          n, kind, id, accountId: trader.accountId, attempts: 0, path: '/api/orders', headers: { authorization: `Bearer ${trader.key}` },
          body: { accountId: trader.accountId, instrument: 'ITC', side: 'BUY', quantity: 1 + (n % 5), type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY', clientOrderId: id },
        });
      } else if (kind === 'deposit') {
        commands.push({ n, kind, id, accountId: trader.accountId, attempts: 0, path: `/api/accounts/${trader.accountId}/deposits`, headers: { authorization: `Bearer ${trader.key}`, 'idempotency-key': id }, body: { amountPaise: 10_000 } });
      } else {
        // A fill of an order acknowledged earlier; its order id is known only then, so the path is set when sent.
        commands.push({ n, kind, id, accountId: trader.accountId, attempts: 0, path: '', headers: { authorization: `Bearer ${broker}` }, body: { fillId: id, pricePaise: 45_000, feesPaise: 0, occurredAt: FILL_AT } });
      }
    }

    let next = 0;
    let rr = 0;
    let acknowledged = 0;
    let retried = 0;
    const failures: string[] = [];
    let killedReplicaAt: number | null = null;
    let killedProjectorAt: number | null = null;
    let handover: Promise<number> | null = null;
    /** The orders projection's checkpoint as a replica reports it (from the read store). */
    const ordersCheckpoint = async (): Promise<number | null> => {
      const res = await call(pickReplica(), 'GET', '/api/projections', ops);
      return res.status === 200 ? ((res.body.projections as { name: string; checkpoint: number | null }[]).find((p) => p.name === 'orders')?.checkpoint ?? null) : null;
    };
    /** Once the active projector is dead, any advance of a checkpoint is the standby's: ms from the kill to the first. */
    const watchHandover = async (killedAt: number): Promise<number> => {
      const before = await eventually(DEADLINE_MS, 'a checkpoint to read', ordersCheckpoint);
      await eventually(DEADLINE_MS, 'the standby projector to take over', async () => ((await ordersCheckpoint()) ?? -1) > before ? true : null);
      return Date.now() - killedAt;
    };
    const pickReplica = () => {
      for (;;) {
        const r = rr++ % 3;
        if (alive[r]) return r;
      }
    };
    const send = async (command: Command): Promise<void> => {
      if (command.kind === 'fill') {
        const order = openOrders.shift();
        if (!order) {
          // No order to fill yet: this one deposits instead.
          command.kind = 'deposit';
          const trader = traders.find((t) => t.accountId === command.accountId)!;
          command.path = `/api/accounts/${command.accountId}/deposits`;
          command.headers = { authorization: `Bearer ${trader.key}`, 'idempotency-key': command.id };
          command.body = { amountPaise: 10_000 };
        } else {
          command.accountId = order.accountId;
          command.path = `/api/orders/${order.ack!.body.orderId}/fills`;
          command.body = { ...command.body, quantity: order.body.quantity };
        }
      }
      for (;;) {
        const replica = pickReplica();
        command.attempts += 1;
        try {
          const res = await fetch(replicas[replica]!.url + command.path, { method: 'POST', headers: { 'content-type': 'application/json', ...command.headers }, body: JSON.stringify(command.body) });
          const body = (await res.json()) as { globalPosition: number; orderId?: string };
          if (res.status !== 200 && res.status !== 201) {
            failures.push(`${command.kind} ${command.id} on replica ${replica}: ${res.status} ${JSON.stringify(body)}`);
            return;
          }
          command.ack = { replica, status: res.status, body, correlationId: res.headers.get('x-correlation-id') ?? '' };
          acknowledged += 1;
          if (acknowledged % 60 === 0) progress('commands acknowledged', { acknowledged, sent: next, retried });
          if (command.kind === 'order') openOrders.push(command);
          return;
        } catch (error) {
          // The connection broke (the replica died with the request in flight): try a live one, same ids.
          if (alive[replica]) throw error;
          retried += 1;
        }
      }
    };
    const worker = async () => {
      while (next < commands.length) {
        const command = commands[next++]!;
        await send(command);
        if (acknowledged >= COMMANDS / 2 && killedReplicaAt === null) {
          killedReplicaAt = acknowledged;
          alive[2] = false;
          await replicas[2]!.kill();
          progress('replica 2 killed', { acknowledged });
        }
        if (acknowledged >= (COMMANDS * 3) / 4 && killedProjectorAt === null) {
          killedProjectorAt = Date.now();
          await projectors[0]!.kill();
          progress('projector 0 killed', { acknowledged });
          handover = watchHandover(killedProjectorAt);
        }
      }
    };
    const loadStarted = Date.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const loadMs = Date.now() - loadStarted;
    progress('load done', { acknowledged, retried, failures: failures.length, ms: loadMs });
    expect(failures).toEqual([]);
    expect(killedReplicaAt).not.toBeNull();
    expect(killedProjectorAt).not.toBeNull();
    const acked = commands.filter((c) => c.ack);
    expect(acked).toHaveLength(COMMANDS);
    const lastPosition = Math.max(...acked.map((c) => c.ack!.body.globalPosition));

    // The second projector took over: the read models pass every acknowledged command.
    const handoverMs = await handover!;
    progress('projector 1 took the lease over', { ms: handoverMs, lastPosition });
    const head = await eventually(DEADLINE_MS, 'the read models to catch up after the projector was killed', async () => {
      const res = await call(0, 'GET', '/api/projections', ops);
      if (res.status !== 200) return null;
      const lines = (res.body.projections as { name: string; checkpoint: number | null }[]).filter((p) => !p.name.startsWith('reactor.'));
      return lines.every((p) => p.checkpoint !== null && p.checkpoint >= lastPosition) ? res.body.head as number : null;
    });
    progress('read models caught up', { head });

    // Every client of a surviving replica gets the update of every command, whichever replica took it.
    // A command's answer carries the position of its last event (a fill's settlement, an order's reservation come
    // after the order's own event), and one update may carry several commands' changes to a document (the feed
    // pushes what the read model holds when it reads it), so commands are recognised by content: an order placed
    // (any update of it), filled (its filledQuantity reaching the quantity), the deposits (the account's
    // depositedPaise, as last pushed, counting every acknowledged deposit of the account: each is 100 rupees).
    const deposited = (client: (typeof clients)[number]): number | undefined =>
      client.updates.filter((u) => u.collection === 'accounts' && u.id === client.accountId && typeof u.changes?.depositedPaise === 'number').at(-1)?.changes?.depositedPaise as number | undefined;
    const seen = (client: (typeof clients)[number], c: Command): boolean => {
      if (c.kind === 'deposit') return deposited(client) === 10_000 * acked.filter((d) => d.kind === 'deposit' && d.accountId === client.accountId).length;
      if (c.kind === 'order') return client.updates.some((u) => u.collection === 'orders' && u.id === c.ack!.body.orderId);
      const orderId = c.path.split('/')[3];
      return client.updates.some((u) => u.collection === 'orders' && u.id === orderId && u.changes?.filledQuantity === c.body.quantity);
    };
    const missing = (client: (typeof clients)[number]) => acked.filter((c) => c.accountId === client.accountId && !seen(client, c)).map((c) => ({ kind: c.kind, id: c.id, position: c.ack!.body.globalPosition }));
    const survivors = clients.filter((c) => alive[c.replica]);
    await eventually(DEADLINE_MS, 'every live client to receive every update', () => (survivors.every((c) => missing(c).length === 0) ? true : null)).catch((error: Error) => {
      const detail = survivors.map((c) => ({ replica: c.replica, accountId: c.accountId, received: c.updates.length, missing: missing(c).length, firstMissing: missing(c).slice(0, 3) }));
      throw new Error(`${error.message}: ${JSON.stringify(detail, null, 1)}\n${replicas.map((r) => r.output.slice(-2000)).join('\n---\n')}`);
    });
    progress('every live client has every update', { clients: survivors.length });
    for (const client of survivors) {
      // Each update once, numbered by its room without gaps: no replica's feed reaches another replica's sockets.
      expect(client.updates.map((u) => u.seq)).toEqual(client.updates.map((_, i) => i + 1));
      const fromOthers = acked.filter((c) => c.accountId === client.accountId && c.ack!.replica !== client.replica);
      expect(fromOthers.length).toBeGreaterThan(0);
    }

    // Stop everything, then read the log: every acknowledged command is there exactly once.
    for (const socket of sockets) socket.close();
    for (const replica of replicas) await replica.stop();
    for (const projector of projectors) await projector.kill('SIGTERM');
    const events = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
    const log: { type: string; data: Record<string, unknown>; metadata: { correlationId?: string } }[] = [];
    try {
      for (let after = 0n; ; ) {
        const page = await events.readAll({ after, maxCount: 1000 });
        log.push(...(page as unknown as typeof log));
        if (page.length < 1000) break;
        after = page[page.length - 1]!.globalPosition;
      }
    } finally {
      await events.close();
    }
    const count = (predicate: (e: (typeof log)[number]) => boolean) => log.filter(predicate).length;
    const twice: string[] = [];
    for (const c of acked) {
      const n =
        c.kind === 'order'
          ? count((e) => e.type === 'OrderPlaced' && e.data.clientOrderId === c.id)
          : c.kind === 'fill'
            ? count((e) => (e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled') && e.data.fillId === c.id)
            : count((e) => e.type === 'FundsDeposited' && e.metadata.correlationId === c.ack!.correlationId);
      if (n !== 1) twice.push(`${c.kind} ${c.id}: ${n} times`);
    }
    progress('log read: every acknowledged command once', { events: log.length });
    expect(twice).toEqual([]);

    const figures = {
      stores: stores.name,
      commands: COMMANDS,
      acknowledged: acked.length,
      byKind: { orders: acked.filter((c) => c.kind === 'order').length, fills: acked.filter((c) => c.kind === 'fill').length, deposits: acked.filter((c) => c.kind === 'deposit').length },
      retriedAfterKill: retried,
      replicaKilledAfterAcks: killedReplicaAt,
      loadSeconds: loadMs / 1000,
      commandsPerSecond: Math.round((COMMANDS / loadMs) * 1000),
      eventsInLog: log.length,
      headPosition: head,
      liveClients: { total: clients.length, onSurvivors: survivors.length, updatesReceived: survivors.reduce((s, c) => s + c.updates.length, 0) },
      rateLimit: { perMinute: RATE_LIMIT, ...rate, phaseMs: ratePhaseMs },
      projectorHandoverMs: handoverMs,
    };
    console.log(`replicas e2e figures: ${JSON.stringify(figures, null, 2)}`);
  }, 300_000);
});
