import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { io, type Socket } from 'socket.io-client';
import { Samples } from '../harness/stats';
import { cpuPerRequest, processCpu, type ProcessCpu } from '../harness/thread-cpu';
import type { ScratchDir } from '../harness/temp';

export interface HttpRunFigures {
  requestsPerSecond: number;
  /** 2xx answers per second (for a command: orders accepted). */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /**
   * CPU the api process used per answered request during the run (Linux /proc; null elsewhere), by thread: the
   * event loop, and the rest (audit worker thread, GC helper threads, libuv pool). Less noisy than a rate on a
   * shared machine, and what caps the rate once the event loop is busy all the time.
   */
  apiCpuPerRequest: ProcessCpu | null;
  /** The projector process's CPU per answered request, in split mode; null otherwise. */
  projectorCpuPerRequest: ProcessCpu | null;
}

export interface LiveLatencyFigures {
  /** From the HTTP response (command accepted) to the update; 0 when the update came first. */
  p50Ms: number;
  p99Ms: number;
  /** From sending the command to the update. */
  endToEndP50Ms: number;
  endToEndP99Ms: number;
  commands: number;
  /** Commands whose update did not arrive within the wait. */
  missed: number;
}

export interface HttpFigures {
  place: HttpRunFigures;
  placeManyAccounts: HttpRunFigures;
  /** GET /health/live: the better of its two runs (before the orders, and after them once the projector caught up). */
  live: HttpRunFigures;
  liveRuns: { before: HttpRunFigures; after: HttpRunFigures };
  /** Null when the api has no socket.io gateway (the connection is refused or never opens). */
  liveUpdates: LiveLatencyFigures | { unavailable: string };
  auth: string;
}

export interface HttpOptions {
  repoRoot: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Sequential commands timed from HTTP response to socket.io update (workload 7). */
  liveCommands: number;
  /** Bearer token for an api that requires one (BENCH_TOKEN). */
  token?: string;
  /** Extra node flags for the api process, e.g. ['--cpu-prof'] (BENCH_API_NODE_ARGS). */
  nodeArgs?: readonly string[];
}

export class HttpWorkloadUnavailable extends Error {
  readonly code = 'HTTP_WORKLOAD_UNAVAILABLE';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const CHILD_ENV = {
  HOST: '127.0.0.1',
  CLOCK_START: '2026-11-20T10:00:00+05:30',
  LOG_LEVEL: 'warn',
  // The default per-client limit would turn a load test into a rate-limit test.
  RATE_LIMIT_PER_MINUTE: '10000000',
  AUTH_TOKEN_TTL_SECONDS: '3600',
};

/** A built app (npm run build) in its own process, so the load generator does not share its event loop. */
class ChildApp {
  private output = '';
  private constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static spawn(options: HttpOptions, relativeMain: string, env: Record<string, string>): ChildApp {
    const main = path.join(options.repoRoot, relativeMain);
    if (!fs.existsSync(main)) throw new HttpWorkloadUnavailable(`${main} is missing: run npm run build first`);
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
      cwd: options.repoRoot,
      env: { ...process.env, ...CHILD_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildApp(child, relativeMain);
  }

  get log(): string {
    return this.output;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The api, and in split mode the projector as a second process over the same files (README "Split" mode). */
class ApiServer {
  private constructor(
    private readonly api: ChildApp,
    private readonly projector: ChildApp | null,
    readonly baseUrl: string,
  ) {}

  static async start(options: HttpOptions, dataDir: string, split: boolean): Promise<ApiServer> {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PROJECTOR: split ? 'false' : 'true' };
    const api = ChildApp.spawn(options, 'dist/apps/api/src/main.js', env);
    const server = new ApiServer(api, null, `http://127.0.0.1:${port}`);
    try {
      await server.waitReady(30_000);
    } catch (error) {
      await api.stop();
      throw error;
    }
    if (!split) return server;
    const projector = ChildApp.spawn(options, 'dist/apps/projector/src/main.js', env);
    return new ApiServer(api, projector, server.baseUrl);
  }

  get log(): string {
    return this.api.log + (this.projector ? `\n[projector]\n${this.projector.log}` : '');
  }

  /** Runs a load and reports it with the CPU the api (and the projector process, if any) used meanwhile. */
  async measure(run: () => Promise<autocannon.Result>): Promise<HttpRunFigures> {
    const api = processCpu(this.api.child.pid);
    const projector = this.projector ? processCpu(this.projector.child.pid) : null;
    const figures = summarise(await run());
    return {
      ...figures,
      apiCpuPerRequest: cpuPerRequest(api, processCpu(this.api.child.pid), figures.requests),
      projectorCpuPerRequest: this.projector ? cpuPerRequest(projector, processCpu(this.projector.child.pid), figures.requests) : null,
    };
  }

  /** The admin API key an api with authentication prints once on its first start (embedded mode), if any. */
  get bootstrapApiKey(): string | null {
    return /API key: (\S+)/.exec(this.api.log)?.[1] ?? null;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.api.exited) throw new HttpWorkloadUnavailable(`api exited: ${this.api.log.slice(-2000)}`);
      try {
        const res = await fetch(`${this.baseUrl}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new HttpWorkloadUnavailable(`api not ready after ${timeoutMs} ms: ${this.api.log.slice(-2000)}`);
  }

  async stop(): Promise<void> {
    await Promise.all([this.api.stop(), this.projector?.stop()]);
  }
}

async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}

async function accessToken(baseUrl: string, apiKey: string): Promise<string> {
  const res = await postJson(`${baseUrl}/auth/token`, { apiKey }, {});
  if (res.status !== 200 || typeof res.json.accessToken !== 'string') throw new Error(`POST /auth/token failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.accessToken;
}

/** A trader key granted the accounts, as a trading client would hold: orders then go through the grant check. */
async function traderToken(baseUrl: string, adminHeaders: Record<string, string>, accountIds: readonly string[]): Promise<string> {
  const res = await postJson(`${baseUrl}/api/admin/keys`, { name: 'bench trader', role: 'trader', accountIds }, adminHeaders);
  if (res.status !== 201 || typeof res.json.apiKey !== 'string') throw new Error(`creating a trader key failed: ${res.status} ${JSON.stringify(res.json)}`);
  return accessToken(baseUrl, res.json.apiKey);
}

async function openAccount(baseUrl: string, headers: Record<string, string>, name: string): Promise<string> {
  // 10^14 paise: enough buying power for every order the run can place.
  const res = await postJson(`${baseUrl}/api/accounts`, { name, initialCashPaise: 100_000_000_000_000 }, headers);
  if (res.status === 401 || res.status === 403) {
    throw new HttpWorkloadUnavailable(`the api answered ${res.status} (${String(res.json.code)}): set BENCH_TOKEN to a bearer token allowed to trade`);
  }
  if (res.status !== 201 || typeof res.json.accountId !== 'string') throw new Error(`opening an account failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.accountId;
}

/** A small valid order: LIMIT CNC BUY of 1 RELIANCE at 2,500.00 (on the tick grid), DAY. */
function orderBody(accountId: string): string {
  return JSON.stringify({ accountId, instrument: 'RELIANCE', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 250_000, product: 'CNC', validity: 'DAY' });
}

function summarise(result: autocannon.Result): Omit<HttpRunFigures, 'apiCpuPerRequest' | 'projectorCpuPerRequest'> {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requestsPerSecond: requests / result.duration,
    okPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
}

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  // autocannon writes into the options it is given (headers included): every run gets its own copies.
  return autocannon({ ...options, headers: { ...options.headers } });
}

/** Arrival times of a room's `update` messages, so that one that beats the HTTP response is not missed. */
class UpdateLog {
  private readonly seen: { position: number; at: number }[] = [];
  private waiter: { position: number; resolve: (at: number) => void } | null = null;

  constructor(socket: Socket) {
    socket.on('update', (u: { position: number }) => {
      const at = performance.now();
      this.seen.push({ position: u.position, at });
      if (this.waiter && u.position >= this.waiter.position) {
        this.waiter.resolve(at);
        this.waiter = null;
      }
    });
  }

  clear(): void {
    this.seen.length = 0;
  }

  /** When the first update covering `position` arrived (already, or within timeoutMs), or null. */
  covering(position: number, timeoutMs: number): Promise<number | null> {
    const already = this.seen.find((u) => u.position >= position);
    if (already) return Promise.resolve(already.at);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = {
        position,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
  }
}

/**
 * Workload 7: a socket.io client subscribed to `account:<id>` (docs/performance-and-live.md); `commands` orders
 * placed one after another on that account; for each, the time from the HTTP response (command accepted, its
 * globalPosition known) to the first `update` of the room whose position covers it (0 if it came first).
 */
async function liveUpdateLatency(server: ApiServer, headers: Record<string, string>, accountId: string, commands: number): Promise<LiveLatencyFigures | { unavailable: string }> {
  const token = headers.authorization?.replace(/^Bearer /, '');
  const socket = io(server.baseUrl, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
  try {
    const connected = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve('no socket.io connection within 5 s'), 5000);
      socket.once('connect', () => (clearTimeout(timer), resolve(null)));
      socket.once('connect_error', (error) => (clearTimeout(timer), resolve(`socket.io connection refused: ${error.message}`)));
    });
    if (connected !== null) return { unavailable: `not available (${connected})` };
    const updates = new UpdateLog(socket);
    const ack = (await socket.timeout(5000).emitWithAck('subscribe', { topic: `account:${accountId}` })) as { ok: boolean; code?: string };
    if (!ack.ok) return { unavailable: `not available (subscribe refused: ${ack.code})` };
    const afterAccept = new Samples();
    const endToEnd = new Samples();
    let missed = 0;
    const order = JSON.parse(orderBody(accountId)) as unknown;
    for (let i = 0; i < commands; i += 1) {
      updates.clear();
      const sentAt = performance.now();
      const res = await postJson(`${server.baseUrl}/api/orders`, order, headers);
      const acceptedAt = performance.now();
      if (res.status !== 201 || typeof res.json.globalPosition !== 'number') throw new Error(`placing an order failed: ${res.status} ${JSON.stringify(res.json)}`);
      const at = await updates.covering(res.json.globalPosition, 5000);
      if (at === null) {
        missed += 1;
        continue;
      }
      afterAccept.add(Math.max(0, at - acceptedAt));
      endToEnd.add(at - sentAt);
    }
    return {
      p50Ms: afterAccept.percentile(50),
      p99Ms: afterAccept.percentile(99),
      endToEndP50Ms: endToEnd.percentile(50),
      endToEndP99Ms: endToEnd.percentile(99),
      commands,
      missed,
    };
  } finally {
    socket.disconnect();
  }
}

/** Logs in the way the api allows: BENCH_TOKEN, or the bootstrap admin key then a trader key granted the accounts. */
async function login(server: ApiServer, token: string | undefined) {
  const bootstrapKey = token ? null : server.bootstrapApiKey;
  const bearer = (t: string | null): Record<string, string> => ({ 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) });
  const adminHeaders = bearer(token ?? (bootstrapKey ? await accessToken(server.baseUrl, bootstrapKey) : null));
  return {
    adminHeaders,
    auth: token ? 'bearer token from BENCH_TOKEN' : bootstrapKey ? 'bearer token of a trader key granted the accounts' : 'none (the api asked for none)',
    traderHeaders: async (accountIds: readonly string[]) =>
      token || !bootstrapKey ? adminHeaders : bearer(await traderToken(server.baseUrl, adminHeaders, accountIds)),
  };
}

async function openAccounts(server: ApiServer, headers: Record<string, string>, count: number): Promise<string[]> {
  const accounts: string[] = [];
  for (let i = 0; i < count; i += 1) accounts.push(await openAccount(server.baseUrl, headers, `Bench ${i + 1}`));
  return accounts;
}

/** Orders spread over the accounts in turn, so that no two in-flight orders share an account stream. */
function placeOverAccounts(server: ApiServer, headers: Record<string, string>, accounts: readonly string[], connections: number, seconds: number) {
  const bodies = accounts.map(orderBody);
  let next = 0;
  return load({
    connections,
    headers,
    url: `${server.baseUrl}/api/orders`,
    method: 'POST',
    duration: seconds,
    requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
}

async function withServer<T>(scratch: ScratchDir, options: HttpOptions, split: boolean, work: (server: ApiServer) => Promise<T>): Promise<T> {
  const dataDir = path.join(scratch.root, `api-data-${split ? 'split' : 'embedded'}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const server = await ApiServer.start(options, dataDir, split);
  try {
    return await work(server);
  } catch (error) {
    if (error instanceof HttpWorkloadUnavailable) throw error;
    throw new Error(`${String(error)}\napi output:\n${server.log.slice(-3000)}`);
  } finally {
    await server.stop();
  }
}

/**
 * Workload 3, on the api as `npm start` runs it (projector embedded): the trivial GET /health/live first, then
 * POST /api/orders (validation, risk checks against the account and position streams and the read models, durable
 * appends of the reservation and the order) at `connections` concurrent connections: all orders on one account,
 * then spread over `connections` accounts.
 */
export async function httpWorkload(scratch: ScratchDir, options: HttpOptions): Promise<HttpFigures> {
  return withServer(scratch, options, false, async (server) => {
    const session = await login(server, options.token);
    const single = await openAccount(server.baseUrl, session.adminHeaders, 'Bench single');
    const watched = await openAccount(server.baseUrl, session.adminHeaders, 'Bench live');
    const accounts = await openAccounts(server, session.adminHeaders, options.connections);
    const headers = await session.traderHeaders([single, watched, ...accounts]);
    const base = { connections: options.connections, headers };

    // The HTTP stack's own ceiling on the fresh server, before the projector has any work.
    const getLive = () => server.measure(() => load({ ...base, url: `${server.baseUrl}/health/live`, method: 'GET', duration: options.durationSeconds }));
    const before = await getLive();
    // Live updates on the otherwise idle server (sequential commands), before the load leaves the projector a backlog.
    const liveUpdates = await liveUpdateLatency(server, headers, watched, options.liveCommands);

    // One trader's burst: every order reserves buying power on the same account stream.
    const body = orderBody(single);
    if (options.warmupSeconds > 0) await load({ ...base, url: `${server.baseUrl}/api/orders`, method: 'POST', body, duration: options.warmupSeconds });
    const place = await server.measure(() => load({ ...base, url: `${server.baseUrl}/api/orders`, method: 'POST', body, duration: options.durationSeconds }));
    const placeManyAccounts = await server.measure(() => placeOverAccounts(server, headers, accounts, options.connections, options.durationSeconds));
    // The GET again, on the same server once its projector has caught up: one unlucky run on a shared machine must
    // not decide the ratio, and the higher rate makes it the harder to meet.
    await caughtUp(server, session.adminHeaders, 60_000);
    const after = await getLive();
    const live = after.okPerSecond > before.okPerSecond ? after : before;
    return { place, placeManyAccounts, live, liveRuns: { before, after }, liveUpdates, auth: session.auth };
  });
}

/** Waits until every projection reports that it is caught up (GET /api/projections), or the timeout. */
async function caughtUp(server: ApiServer, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${server.baseUrl}/api/projections`, { headers });
    if (res.status !== 200) throw new Error(`GET /api/projections answered ${res.status}`);
    // caughtUp is null for the settlement reactor's entry, which reports a checkpoint only.
    const { projections } = (await res.json()) as { projections: { caughtUp: boolean | null }[] };
    if (projections.some((p) => p.caughtUp === true) && projections.every((p) => p.caughtUp !== false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the projector did not catch up within ${timeoutMs} ms`);
}

/** The 64-account order load on the split deployment: api with EMBEDDED_PROJECTOR=false, projector as its own process. */
export async function httpSplitWorkload(scratch: ScratchDir, options: HttpOptions): Promise<HttpRunFigures> {
  return withServer(scratch, options, true, async (server) => {
    const session = await login(server, options.token);
    const accounts = await openAccounts(server, session.adminHeaders, options.connections);
    const headers = await session.traderHeaders(accounts);
    if (options.warmupSeconds > 0) await placeOverAccounts(server, headers, accounts, options.connections, options.warmupSeconds);
    return server.measure(() => placeOverAccounts(server, headers, accounts, options.connections, options.durationSeconds));
  });
}
