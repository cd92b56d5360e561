import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { MARKET_PRICES_STREAM } from '@robo/domain';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { CLOCK, type Clock } from '@robo/runtime';
import { startTestApp, type TestApp } from '../test-app';
import { InProcessApi } from './in-process';
import {
  bookFill,
  buyingPower,
  closedTrades,
  equityOf,
  holdingsFor,
  INSTRUMENTS,
  isWorking,
  marketPrices,
  marketValueOf,
  netMoneyIn,
  orderCharges,
  remaining,
  requiredReservation,
  reservedOf,
  scheduleFeesFor,
  unrealizedOf,
  unsettleSells,
  valuation,
  type Instrument,
  type ModelAccount,
  type ModelFill,
  type ModelOrder,
  type OrderType,
  type Product,
  type Side,
  type Validity,
} from './reference-model';

// ---------------------------------------------------------------------------------------------------------------
// The app under test: one in-process api for many independent sessions (each opens its own accounts)

/** A Friday inside NSE hours; business time runs 10x real time, so even a long run stays in the morning session. */
export const ORACLE_CLOCK_START = '2026-11-20T10:00:00+05:30';
const ENV = { DEMO: 'false', CLOCK_SPEED: '10', RATE_LIMIT_PER_MINUTE: '10000000', QUERY_WAIT_TIMEOUT_MS: '20000' };

export class Harness {
  t!: TestApp;
  private token = '';
  /** Executions (fills, stop triggers) are reported with a broker key, as the broker sends them. */
  private brokerToken = '';
  private base = '';
  private inProcess!: InProcessApi;
  /** Idle connections are dropped after a second, well before the server's keep-alive timeout (5 s) closes them. */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16, timeout: 1_000 });
  restarts = 0;
  sessions = 0;
  commands = 0;
  readonly timing: Record<string, { n: number; ms: number }> = {};

  async start(): Promise<void> {
    // A memory file system where there is one: the oracle measures figures, not fsync (about 10 ms a commit on disk).
    const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    const dataDir = fs.mkdtempSync(path.join(base, 'robo-oracle-'));
    this.t = await startTestApp({ ...ENV, DATA_DIR: dataDir, CLOCK_START: ORACLE_CLOCK_START });
    this.token = this.t.admin.token;
    this.brokerToken = (await this.t.createKey('broker', [], 'oracle execution feed')).token;
    this.base = await this.t.listen();
    this.inProcess = new InProcessApi(this.t.app);
  }

  /** Business time now, as the app's clock says (ms since the epoch). */
  now(): number {
    return Date.parse(this.t.app.get<Clock>(CLOCK).now());
  }

  /** Closes the app and starts it again over the same data directory, business time going on from where it was. */
  async restart(): Promise<void> {
    const at = new Date(this.now() + 1).toISOString();
    await this.t.close();
    // The signing secret lives in DATA_DIR, so the admin's access token stays valid across the restart.
    this.t = await startTestApp({ ...ENV, DATA_DIR: this.t.dataDir, CLOCK_START: at });
    this.base = await this.t.listen();
    this.inProcess = new InProcessApi(this.t.app);
    this.restarts++;
  }

  /**
   * Records market prices as the market-data feed does (a MarketPricesRecorded batch on the market-prices stream, at
   * the clock's now); answers the batch's global position. The model's marks and reference prices follow.
   */
  async recordPrices(prices: Record<string, number>): Promise<number> {
    const at = new Date(this.now()).toISOString();
    const data = { at, source: 'oracle:feed', prices: Object.entries(prices).sort(([a], [b]) => (a < b ? -1 : 1)).map(([instrument, pricePaise]) => ({ instrument, pricePaise })) };
    const eventId = randomUUID();
    const store = this.t.app.get<EventStore>(EVENT_STORE);
    const result = await store.append(MARKET_PRICES_STREAM, [{ type: 'MarketPricesRecorded', data, metadata: { eventId, correlationId: eventId, causationId: null, actor: 'system:market-data', occurredAt: at, schemaVersion: 1 } }], { expectedRevision: 'any' });
    for (const [instrument, price] of Object.entries(prices)) marketPrices.set(instrument, price);
    return Number(result.lastGlobalPosition);
  }

  /** A verified rebuild (verifyOnly) of every projection: each built again from the log must equal the live copy. */
  async verifyRebuilds(): Promise<string[]> {
    const list = await this.call('get', '/api/projections');
    const names = (list.body.projections as { name: string }[]).map((x) => x.name);
    const differences: string[] = [];
    for (const name of names) {
      const res = await this.call('post', `/api/projections/${name}/rebuild`, { verifyOnly: true });
      if (res.status !== 200 || res.body.matched !== true) differences.push(`${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 2000)}`);
    }
    if (names.length === 0) differences.push(`no projections listed: ${JSON.stringify(list.body).slice(0, 500)}`);
    return differences;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await this.t?.close();
    if (this.t) fs.rmSync(this.t.dataDir, { recursive: true, force: true });
  }

  /**
   * One request, over HTTP (`via` 'http': a socket, the whole HTTP stack) or inside the process ('bus': the route's
   * controller behind the real auth guard and validation pipe, see ./in-process.ts). An answer of 500 or more fails the
   * session: no input may produce one.
   */
  async call(method: 'get' | 'post', path: string, body?: object, as: 'admin' | 'broker' = 'admin', via: Via = 'http'): Promise<{ status: number; body: Record<string, unknown> & { code?: string } }> {
    const started = performance.now();
    const token = as === 'broker' ? this.brokerToken : this.token;
    const res = via === 'bus' ? await this.inProcess.call(method, path, body, token) : await this.overHttp(method, path, body, token);
    const key = `${via} ${method} ${path.replace(/[0-9a-f-]{36}/g, ':id').replace(/\?.*/, '')}`;
    const stat = (this.timing[key] ??= { n: 0, ms: 0 });
    stat.n++;
    stat.ms += performance.now() - started;
    if (res.status >= 500) throw new Error(`${method.toUpperCase()} ${path} ${body === undefined ? '' : JSON.stringify(body)} answered ${res.status} (no input may): ${JSON.stringify(res.body)}`);
    return res;
  }

  private async overHttp(method: 'get' | 'post', path: string, body: object | undefined, token: string): Promise<{ status: number; body: Record<string, unknown> & { code?: string } }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    // node:http over kept-alive connections: a fraction of fetch's cost per request, and no server start per request
    // as with supertest over an unbound server.
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${this.base}${path}`, { method: method.toUpperCase(), headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
    return { status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }
}

/** How a session's requests reach the app: over a socket, or inside the process (./in-process.ts). */
export type Via = 'http' | 'bus';

// ---------------------------------------------------------------------------------------------------------------
// Generated sessions: abstract actions, resolved against the model's state when they run

export type BadFill = 'offTick' | 'overQuantity' | 'beforeOrder' | 'future' | 'reuseSame' | 'reuseOther' | 'outsideLimit' | 'notTriggered';
export type FillTime = 'now' | 'earlier';

export type Action =
  | { k: 'place'; a: number; i: number; side: Side; type: OrderType; cnc: boolean; validity: Validity; lots: number; px: number; gap: number; offTick: boolean; lowball: boolean; exact?: boolean }
  | { k: 'fill'; o: number; frac: number; px: number; fees: number | null; time: FillTime; bad: BadFill | null; weird: boolean }
  | { k: 'cancel'; o: number }
  | { k: 'modify'; o: number; dq: number; px: number }
  | { k: 'trigger'; o: number; reach: boolean; by: number }
  | { k: 'deposit'; a: number; amount: number }
  | { k: 'withdraw'; a: number; frac: number; over: boolean }
  | { k: 'restart' }
  /** Closes an open position of the account with one MIS order filled at once (a round trip ends: a trade). */
  | { k: 'close'; a: number; px: number; fees: number | null }
  /** Another account of the session trades, far from the market, an instrument this account holds. */
  | { k: 'peer'; px: number }
  /** The market-data feed records a price for an instrument (ticks away from its reference price). */
  | { k: 'market'; i: number; px: number };

export interface Session {
  /** Over HTTP or inside the process: part of the generated data, so that a replay takes the same way. */
  via: Via;
  accounts: { small: boolean }[];
  actions: Action[];
}

export interface GenOptions {
  /** Kinds of refused fills to generate (besides the valid ones). */
  bad: BadFill[];
  /** Share of fills reported without feesPaise (charges from the schedule). */
  scheduleFees: 'never' | 'sometimes' | 'always';
  /** Accounts with little cash (1,000 rupees), where funds bind. */
  smallAccounts: boolean;
  futures: boolean;
  /** Close the app and start it again in the middle of each session. */
  restart: boolean;
  weirdFills: boolean;
  /** Modifications keep quantity and price as they are. */
  unchangedModify?: boolean;
  /** Close every open position at the end of the session. */
  flattenAtEnd?: boolean;
  /** End with another account's trade, far from the market, in an instrument the first account holds. */
  peerAtEnd?: boolean;
  /** Read the figures with the position the last command answered (not the highest one seen). */
  readAtLastAnswer?: boolean;
  /** Fill every order at one price (its limit, or a fixed price for MARKET and SL-M orders). */
  samePrice?: boolean;
  /** The feed records market prices during the session (marks and reference prices move). */
  market?: boolean;
  /** Account 0 trades for a strategy registered on it (every order of account 0 carries its id). */
  strategy?: boolean;
  /** Every fill dated now (no late reports of earlier executions). */
  noBackDated?: boolean;
  minAccounts?: number;
  minActions?: number;
  maxActions?: number;
}

export function sessionArb(o: GenOptions): fc.Arbitrary<Session> {
  const instrumentCount = o.futures ? INSTRUMENTS.length : INSTRUMENTS.length - 1;
  const place = fc.record({
    k: fc.constant('place' as const),
    a: fc.nat(5),
    i: fc.nat(instrumentCount - 1),
    side: fc.constantFrom<Side>('BUY', 'SELL'),
    type: fc.constantFrom<OrderType>('LIMIT', 'LIMIT', 'MARKET', 'SL', 'SL-M'),
    cnc: fc.boolean(),
    validity: fc.constantFrom<Validity>('DAY', 'DAY', 'DAY', 'IOC'),
    lots: fc.integer({ min: 1, max: 40 }),
    px: fc.integer({ min: -40, max: 40 }),
    gap: fc.integer({ min: 0, max: 20 }),
    offTick: fc.constant(false),
    lowball: fc.boolean(),
  });
  const offTickPlace = place.map((p) => ({ ...p, offTick: true }));
  const fees = o.scheduleFees === 'never' ? fc.integer({ min: 0, max: 3_000 }) : o.scheduleFees === 'always' ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: 3_000 }), { freq: 3 });
  const fill = (bad: fc.Arbitrary<BadFill | null>) =>
    fc.record({
      k: fc.constant('fill' as const),
      o: fc.nat(30),
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
      px: fc.integer({ min: 0, max: 40 }),
      fees,
      time: o.noBackDated ? fc.constant<FillTime>('now') : fc.constantFrom<FillTime>('now', 'now', 'earlier'),
      bad,
      weird: o.weirdFills ? fc.boolean() : fc.constant(false),
    });
  const actions: fc.Arbitrary<Action>[] = [
    place,
    place,
    place,
    fill(fc.constant(null)),
    fill(fc.constant(null)),
    fill(fc.constant(null)),
    fill(fc.constant(null)),
    fc.record({ k: fc.constant('cancel' as const), o: fc.nat(30) }),
    fc.record({ k: fc.constant('modify' as const), o: fc.nat(30), dq: fc.integer({ min: -5, max: 20 }), px: fc.integer({ min: -10, max: 10 }) }),
    fc.record({ k: fc.constant('trigger' as const), o: fc.nat(30), reach: fc.constantFrom(true, true, true, false), by: fc.nat(10) }),
    fc.record({ k: fc.constant('deposit' as const), a: fc.nat(5), amount: fc.integer({ min: 1, max: 10_000_000 }) }),
    fc.record({ k: fc.constant('withdraw' as const), a: fc.nat(5), frac: fc.double({ min: 0, max: 1, noNaN: true }), over: fc.boolean() }),
    fc.record({ k: fc.constant('close' as const), a: fc.nat(5), px: fc.integer({ min: -40, max: 40 }), fees }),
  ];
  if (o.market) {
    const market = fc.record({ k: fc.constant('market' as const), i: fc.nat(instrumentCount - 1), px: fc.integer({ min: -200, max: 200 }) });
    actions.push(market, market);
  }
  if (o.bad.length > 0) {
    actions.push(fill(fc.constantFrom(...o.bad)), fill(fc.constantFrom(...o.bad)));
    if (o.bad.includes('offTick')) actions.push(offTickPlace);
  }
  const session = fc.record({
    // One session in four over HTTP (the whole stack), the others inside the process (./in-process.ts).
    via: fc.constantFrom<Via>('http', 'bus', 'bus', 'bus'),
    accounts: fc.array(fc.record({ small: o.smallAccounts ? fc.boolean() : fc.constant(false) }), { minLength: o.minAccounts ?? 1, maxLength: Math.max(2, o.minAccounts ?? 1) }),
    actions: fc.array(fc.oneof(...actions), { minLength: o.minActions ?? 5, maxLength: o.maxActions ?? 15 }),
  });
  const tail = fc.record({
    closes: fc.array(fc.record({ px: fc.integer({ min: -40, max: 40 }), fees }), { minLength: 3, maxLength: 3 }),
    peer: fc.integer({ min: 0, max: 40 }),
  });
  return fc.tuple(session, tail).map(([s, t]) => {
    let actions: Action[] = s.actions;
    if (o.restart) {
      const middle = Math.floor(actions.length / 2);
      actions = [...actions.slice(0, middle), { k: 'restart' as const }, ...actions.slice(middle)];
    }
    if (o.flattenAtEnd) actions = [...actions, ...t.closes.flatMap((c, a) => [0, 1, 2, 3].map(() => ({ k: 'close' as const, a, px: c.px, fees: c.fees })))];
    if (o.peerAtEnd) actions = [...actions, { k: 'peer' as const, px: t.peer }];
    return { ...s, actions };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Running a session against the app and the model side by side

export type Check = 'outcomes' | 'ledger' | 'reserved' | 'orders' | 'identities' | 'charges' | 'chargesPath' | 'marks' | 'performance';

const SMALL_CASH = 100_000; // 1,000 rupees
const AMPLE_CASH = 300_000_000_000;

class Mismatch extends Error {}

interface Expected {
  /** 'ok': accepted (201/200 with a change), 'same': answered without a change, 'refused': a 4xx; 'unsure': either. */
  kind: 'ok' | 'same' | 'refused' | 'unsure';
  code?: string;
}

export class SessionRun {
  readonly accounts: ModelAccount[] = [];
  readonly orders: ModelOrder[] = [];
  readonly log: string[] = [];
  private maxPosition = 0;
  /** The strategy account 0 trades for (GenOptions.strategy). */
  private strategyId: string | null = null;
  private readonly strategyCapitalPaise = 50_000_000;
  /** The position the last command that changed something answered with. */
  private lastPosition = 0;
  private fillSeq = 0;
  private via: Via = 'http';
  /** Prices of the fills flagged "weird" (far from the market), per account index and instrument. */
  readonly weird: { account: number; instrument: string; pricePaise: number }[] = [];
  /** The app's answers that the model did not predict, when outcomes are not a checked property. */
  readonly divergences: string[] = [];

  constructor(
    private readonly h: Harness,
    private readonly checks: ReadonlySet<Check>,
    private readonly restartBudget: { left: number },
    private readonly gen: GenOptions,
  ) {}

  private note(line: string): void {
    this.log.push(line);
  }

  private fail(message: string): never {
    throw new Mismatch(`${message}\n  session log:\n    ${this.log.join('\n    ')}`);
  }

  private track(body: Record<string, unknown>): void {
    const candidates = [body.globalPosition, (body.details as Record<string, unknown> | undefined)?.globalPosition];
    for (const c of candidates) if (typeof c === 'number' && c > this.maxPosition) this.maxPosition = c;
    if (typeof body.globalPosition === 'number' && body.changed !== false) this.lastPosition = body.globalPosition;
  }

  /** Compares the app's answer with the model's expectation; returns true when the app accepted (with a change). */
  private outcome(what: string, expected: Expected, res: { status: number; body: Record<string, unknown> & { code?: string } }): boolean {
    this.h.commands++;
    this.track(res.body);
    const accepted = res.status === 201 || (res.status === 200 && res.body.changed !== false);
    const same = res.status === 200 && res.body.changed === false;
    const refused = res.status >= 400;
    const got = accepted ? 'accepted' : same ? 'answered without a change' : `refused ${res.status} ${res.body.code}`;
    this.note(`${what} -> ${got}`);
    if (expected.kind === 'unsure') return accepted;
    const matches =
      (expected.kind === 'ok' && accepted) ||
      (expected.kind === 'same' && (same || (res.status === 200 && res.body.changed === undefined))) ||
      (expected.kind === 'refused' && refused && (expected.code === undefined || res.body.code === expected.code));
    if (!matches) {
      const want = expected.kind === 'refused' ? `refused${expected.code ? ` with ${expected.code}` : ''}` : expected.kind === 'same' ? 'answered without a change' : 'accepted';
      const message = `${what}: the model expects it ${want}, the app ${got} (${JSON.stringify(res.body)})`;
      if (this.checks.has('outcomes')) this.fail(message);
      this.divergences.push(message);
    }
    return accepted;
  }

  private call(method: 'get' | 'post', path: string, body?: object, as: 'admin' | 'broker' = 'admin') {
    return this.h.call(method, path, body, as, this.via);
  }

  async run(session: Session): Promise<void> {
    this.h.sessions++;
    this.via = (process.env.ORACLE_VIA as Via | undefined) ?? session.via;
    this.note(`requests ${this.via === 'http' ? 'over HTTP' : 'inside the process'}`);
    try {
      await this.play(session);
    } catch (error) {
      if (error instanceof Mismatch) throw error;
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  private async play(session: Session): Promise<void> {
    for (const [index, spec] of session.accounts.entries()) {
      const cash = spec.small ? SMALL_CASH : AMPLE_CASH;
      const res = await this.call('post', '/api/accounts', { name: `oracle-${index}`, initialCashPaise: cash });
      if (res.status !== 201) this.fail(`account not opened: ${res.status} ${JSON.stringify(res.body)}`);
      this.h.commands++;
      this.track(res.body);
      this.accounts.push({ index, accountId: res.body.accountId as string, initialCashPaise: cash, depositedPaise: 0, withdrawnPaise: 0, cashPaise: cash, positions: new Map(), orders: [] });
      this.note(`open account ${index} with ${cash} paise${spec.small ? ' (small)' : ''}`);
    }
    if (this.gen.strategy) {
      const res = await this.call('post', '/api/strategies', {
        kind: 'ma-crossover',
        name: 'oracle',
        parameters: { instrument: 'ITC', fastPeriod: 2, slowPeriod: 3 },
        instruments: INSTRUMENTS.map((x) => x.symbol),
        capitalAllocationPaise: this.strategyCapitalPaise,
        accountId: this.accounts[0].accountId,
      });
      if (res.status !== 201) this.fail(`strategy not registered: ${res.status} ${JSON.stringify(res.body)}`);
      this.strategyId = res.body.strategyId as string;
      this.track(res.body);
      this.note(`register a strategy with capital ${this.strategyCapitalPaise} on account 0; account 0 trades for it`);
    }
    for (const action of session.actions) await this.step(action);
    await this.verify();
  }

  private account(a: number): ModelAccount {
    return this.accounts[a % this.accounts.length];
  }

  private pick(o: number, filter: (x: ModelOrder) => boolean): ModelOrder | null {
    const candidates = this.orders.filter(filter);
    const list = candidates.length > 0 ? candidates : this.orders;
    return list.length === 0 ? null : list[o % list.length];
  }

  private async step(action: Action): Promise<void> {
    switch (action.k) {
      case 'place':
        return this.place(action);
      case 'fill':
        return this.fill(action);
      case 'cancel':
        return this.cancel(action);
      case 'modify':
        return this.modify(action);
      case 'trigger':
        return this.trigger(action);
      case 'deposit':
        return this.deposit(action);
      case 'withdraw':
        return this.withdraw(action);
      case 'close':
        return this.close(action);
      case 'peer':
        return this.peer(action);
      case 'market':
        return this.market(action);
      case 'restart':
        if (this.restartBudget.left <= 0) return;
        this.restartBudget.left--;
        this.note('restart the app over the same data directory');
        await this.h.restart();
        return;
    }
  }

  private async place(p: Extract<Action, { k: 'place' }>): Promise<void> {
    const account = this.account(p.a);
    const small = account.initialCashPaise === SMALL_CASH;
    // Little-cash accounts trade ITC, where Rs 1,000 buys a few shares.
    const instrument: Instrument = small ? INSTRUMENTS[2] : INSTRUMENTS[p.i % INSTRUMENTS.length];
    const type: OrderType = p.type;
    const product: Product = instrument.segment === 'FUT' ? (p.cnc ? 'NRML' : 'MIS') : p.cnc ? 'CNC' : 'MIS';
    const lots = instrument.segment === 'FUT' && !p.exact ? 1 + (p.lots % 2) : p.lots;
    const quantity = lots * instrument.quantityStep;
    const tick = instrument.tickPaise;
    const near = Math.max(tick, instrument.basePaise + p.px * tick);
    let limit: number | null = null;
    let trigger: number | null = null;
    if (type === 'LIMIT') limit = p.lowball && p.side === 'BUY' ? 100 : near;
    if (type === 'SL') {
      trigger = near;
      limit = p.side === 'BUY' ? near + p.gap * tick : Math.max(tick, near - p.gap * tick);
    }
    if (type === 'SL-M') trigger = near;
    if (p.offTick) {
      // Every price of the order 2 paise off the grid, so that the tick is the only rule it breaks.
      if (limit !== null) limit += 2;
      if (trigger !== null) trigger += 2;
    }
    const strategyId = this.strategyId !== null && account.index === 0 ? this.strategyId : undefined;
    const body = { accountId: account.accountId, instrument: instrument.symbol, side: p.side, quantity, type, limitPricePaise: limit ?? undefined, triggerPricePaise: trigger ?? undefined, product, validity: p.validity, strategyId };
    const order: ModelOrder = {
      orderId: '',
      account,
      instrument,
      side: p.side,
      quantity,
      type,
      limitPricePaise: limit,
      triggerPricePaise: trigger,
      product,
      validity: p.validity,
      status: 'OPEN',
      rejectCode: null,
      filledQuantity: 0,
      filledValuePaise: 0,
      feesPaise: 0,
      fills: [],
      reservedPaise: null,
      valuedAtPaise: 0,
      placedAfter: this.h.now(),
      placedBefore: 0,
    };
    // The model's pre-trade decision.
    let expected: Expected = { kind: 'ok' };
    const onTick = (price: number | null) => price === null || price % tick === 0;
    const required = requiredReservation(account, order, quantity);
    const power = buyingPower(account);
    if (!onTick(limit) || !onTick(trigger)) expected = { kind: 'refused', code: 'PRICE_NOT_ON_TICK' };
    else if (product === 'CNC' && p.side === 'SELL' && quantity > holdingsFor(account, instrument.symbol, '')) expected = { kind: 'refused', code: 'INSUFFICIENT_HOLDINGS' };
    else if (power !== null) expected = required > power ? { kind: 'refused', code: 'INSUFFICIENT_FUNDS' } : { kind: 'ok' };
    // What some working order holds is not known: only an account far from its cash is sure to be let through.
    else expected = this.tight(account) ? { kind: 'unsure' } : { kind: 'ok' };
    const what = `place #${this.orders.length} (account ${account.index}) ${p.side} ${quantity} ${instrument.symbol} ${type}${limit !== null ? ` limit ${limit}` : ''}${trigger !== null ? ` trigger ${trigger}` : ''} ${product} ${p.validity}`;
    const res = await this.call('post', '/api/orders', body);
    order.placedBefore = this.h.now();
    const orderId = (res.body.orderId ?? (res.body.details as { orderId?: string } | undefined)?.orderId) as string | undefined;
    const accepted = this.outcome(what, expected, res);
    if (!orderId) {
      if (res.status === 201 || res.status === 422) this.fail(`${what}: no order id in ${JSON.stringify(res.body)}`);
      return; // refused as bad input: nothing recorded
    }
    order.orderId = orderId;
    order.valuedAtPaise = valuation(order);
    if (accepted) {
      order.status = type === 'SL' || type === 'SL-M' ? 'TRIGGER_PENDING' : 'OPEN';
      order.reservedPaise = expected.kind === 'unsure' ? null : required;
    } else {
      order.status = 'REJECTED';
      order.rejectCode = res.body.code ?? null;
      order.reservedPaise = 0;
    }
    this.orders.push(order);
    account.orders.push(order);
  }

  /** Places an order and fills it at once at `price`; the fill is an ordinary accepted or refused step. */
  private async placeAndFill(account: ModelAccount, instrument: Instrument, side: Side, quantity: number, price: number, fees: number | null, weird: boolean): Promise<void> {
    await this.place({ k: 'place', a: account.index, i: INSTRUMENTS.indexOf(instrument), side, type: 'MARKET', cnc: false, validity: 'DAY', lots: quantity / instrument.quantityStep, px: 0, gap: 0, offTick: false, lowball: false, exact: true });
    const order = this.orders[this.orders.length - 1];
    if (!order || order.account !== account || order.status !== 'OPEN') return;
    await this.fillOrder(order, quantity, price, fees ?? undefined, new Date(this.h.now()).toISOString(), null, weird);
  }

  private async close(c: Extract<Action, { k: 'close' }>): Promise<void> {
    const account = this.account(c.a);
    const held = [...account.positions.values()].find((x) => x.quantity !== 0);
    if (!held || account.initialCashPaise === SMALL_CASH) return;
    const instrument = INSTRUMENTS.find((x) => x.symbol === held.instrument)!;
    const price = Math.max(instrument.tickPaise, instrument.basePaise + c.px * instrument.tickPaise);
    await this.placeAndFill(account, instrument, held.quantity > 0 ? 'SELL' : 'BUY', Math.abs(held.quantity), price, c.fees, false);
  }

  /** Whether the account may be near its cash: little cash, or most of it withdrawn. */
  private tight(account: ModelAccount): boolean {
    return account.cashPaise < AMPLE_CASH / 10;
  }

  private async market(m: Extract<Action, { k: 'market' }>): Promise<void> {
    const instrument = INSTRUMENTS[m.i % INSTRUMENTS.length];
    const price = Math.max(instrument.tickPaise, instrument.basePaise + m.px * instrument.tickPaise);
    const position = await this.h.recordPrices({ [instrument.symbol]: price });
    // The pre-trade check reads the market price from the read side: wait until it has the batch.
    const read = await this.call('get', `/api/accounts/${this.accounts[0].accountId}/portfolio?minPosition=${position}`);
    if (read.status !== 200) this.fail(`after recording ${instrument.symbol} at ${price}: ${read.status} ${JSON.stringify(read.body)}`);
    if (position > this.maxPosition) this.maxPosition = position;
    this.note(`the feed records ${instrument.symbol} at ${price}`);
  }

  private async peer(p: Extract<Action, { k: 'peer' }>): Promise<void> {
    const holder = this.accounts.find((a) => [...a.positions.values()].some((x) => x.quantity !== 0));
    const other = this.accounts.find((a) => a !== holder && a.initialCashPaise !== SMALL_CASH);
    if (!holder || !other) return;
    const symbol = [...holder.positions.values()].find((x) => x.quantity !== 0)!.instrument;
    const instrument = INSTRUMENTS.find((x) => x.symbol === symbol)!;
    await this.placeAndFill(other, instrument, 'BUY', instrument.quantityStep, instrument.basePaise * 3 + p.px * instrument.tickPaise, 0, true);
  }

  private occurredAt(order: ModelOrder, time: FillTime, bad: BadFill | null): string {
    const now = this.h.now();
    if (bad === 'beforeOrder') return new Date(order.placedAfter - 10 * 60_000).toISOString();
    if (bad === 'future') return new Date(now + 2 * 3_600_000).toISOString();
    if (time === 'earlier') {
      // Between the placement and now, and before the fills reported so far: a late report of an earlier execution.
      const from = order.placedBefore;
      return new Date(from + Math.floor((now - from) / 3)).toISOString();
    }
    return new Date(now).toISOString();
  }

  /** The fill's price, and whether it is far from the market (three times the usual price: no feed quotes it). */
  private fillPrice(order: ModelOrder, f: Extract<Action, { k: 'fill' }>): { price: number; weird: boolean } {
    const tick = order.instrument.tickPaise;
    const limit = order.limitPricePaise;
    if (this.gen.samePrice) return { price: limit ?? order.instrument.basePaise, weird: false };
    if (f.weird && (limit === null || order.side === 'SELL')) return { price: Math.max(limit ?? 0, order.instrument.basePaise * 3) + f.px * tick, weird: true };
    if (limit === null) return { price: Math.max(tick, order.instrument.basePaise + (f.px - 20) * tick), weird: false };
    if (order.side === 'BUY') return { price: Math.max(tick, limit - f.px * tick), weird: false };
    return { price: limit + f.px * tick, weird: false };
  }

  private async fill(f: Extract<Action, { k: 'fill' }>): Promise<void> {
    const reuse = f.bad === 'reuseSame' || f.bad === 'reuseOther';
    const order = reuse
      ? this.pick(f.o, (x) => x.fills.length > 0)
      : f.bad === 'notTriggered'
        ? this.pick(f.o, (x) => x.status === 'TRIGGER_PENDING')
        : this.pick(f.o, (x) => x.status === 'OPEN' || x.status === 'PARTIALLY_FILLED');
    if (!order) return;
    const step = order.instrument.quantityStep;
    const open = remaining(order);
    let quantity = Math.max(step, Math.round((f.frac * open) / step) * step);
    if (f.bad === 'overQuantity') quantity = open + step;
    const priced = this.fillPrice(order, f);
    let price = priced.price;
    if (f.bad === 'offTick') price = order.side === 'BUY' ? price - 2 : price + 2;
    if (f.bad === 'outsideLimit' && order.limitPricePaise !== null) price = order.side === 'BUY' ? order.limitPricePaise + order.instrument.tickPaise : order.limitPricePaise - order.instrument.tickPaise;
    let fillId = `F${++this.fillSeq}`;
    let reported = f.fees ?? undefined;
    let occurredAt = this.occurredAt(order, f.time, f.bad);
    const previous = reuse && order.fills.length > 0 ? order.fills[f.o % order.fills.length] : null;
    if (previous) {
      fillId = previous.fillId;
      quantity = previous.quantity;
      price = previous.pricePaise;
      reported = previous.reportedFeesPaise;
      occurredAt = previous.occurredAt;
      if (f.bad === 'reuseOther') quantity += step;
    }

    await this.fillOrder(order, quantity, price, reported, occurredAt, previous, priced.weird && !previous, fillId, f.bad, f.time);
  }

  private async fillOrder(
    order: ModelOrder,
    quantity: number,
    price: number,
    reported: number | undefined,
    occurredAt: string,
    previous: ModelFill | null,
    weird: boolean,
    fillId = `F${++this.fillSeq}`,
    bad: BadFill | null = null,
    time: FillTime = 'now',
  ): Promise<void> {
    const open = remaining(order);
    // The model's decision on the execution report.
    let expected: Expected;
    const at = Date.parse(occurredAt);
    if (previous) expected = bad === 'reuseSame' ? { kind: 'same' } : { kind: 'refused' };
    else if (order.status === 'TRIGGER_PENDING') expected = { kind: 'refused', code: 'ORDER_NOT_TRIGGERED' };
    else if (order.status === 'FILLED') expected = { kind: 'refused', code: 'ORDER_ALREADY_FILLED' };
    else if (!isWorking(order)) expected = { kind: 'refused', code: 'ORDER_NOT_OPEN' };
    else if (quantity > open) expected = { kind: 'refused', code: 'FILL_EXCEEDS_QUANTITY' };
    else if (order.limitPricePaise !== null && (order.side === 'BUY' ? price > order.limitPricePaise : price < order.limitPricePaise)) expected = { kind: 'refused', code: 'FILL_PRICE_OUTSIDE_LIMIT' };
    else if (price % order.instrument.tickPaise !== 0) expected = { kind: 'refused' }; // off the tick grid
    else if (quantity % order.instrument.lotSize !== 0) expected = { kind: 'refused' }; // not whole lots
    else if (at < order.placedAfter) expected = { kind: 'refused' }; // dated before the order was placed
    else if (at > this.h.now() + 60_000) expected = { kind: 'refused' }; // in the future (beyond any clock skew)
    else expected = { kind: 'ok' };

    const body = { fillId, quantity, pricePaise: price, feesPaise: reported, occurredAt };
    const label = bad ? ` [${bad}]` : time === 'earlier' ? ' [back-dated]' : '';
    const what = `fill ${fillId} of #${this.orders.indexOf(order)} ${quantity} @ ${price}${reported === undefined ? ' (fees from the schedule)' : ` fees ${reported}`} at ${occurredAt}${label}`;
    const res = await this.call('post', `/api/orders/${order.orderId}/fills`, body, 'broker');
    const accepted = this.outcome(what, expected, res);
    if (!accepted) return;
    const fees = reported ?? scheduleFeesFor(order, quantity, price);
    const fill: ModelFill = { fillId, quantity, pricePaise: price, reportedFeesPaise: reported, feesPaise: fees, occurredAt };
    if (previous) order.fills.splice(order.fills.indexOf(previous), 1); // the app took other data for the same id
    bookFill(order, fill);
    if (weird) this.weird.push({ account: order.account.index, instrument: order.instrument.symbol, pricePaise: price });
  }

  private async cancel(c: Extract<Action, { k: 'cancel' }>): Promise<void> {
    const order = this.pick(c.o, () => true);
    if (!order) return;
    const expected: Expected = isWorking(order) ? { kind: 'ok' } : { kind: 'refused' };
    const res = await this.call('post', `/api/orders/${order.orderId}/cancel`, {});
    if (this.outcome(`cancel #${this.orders.indexOf(order)} (${order.status})`, expected, res)) {
      order.status = 'CANCELLED';
      order.reservedPaise = 0;
      if (order.side === 'SELL') unsettleSells(order.account, order.instrument.symbol, order.orderId);
    }
  }

  private async modify(m: Extract<Action, { k: 'modify' }>): Promise<void> {
    const order = this.pick(m.o, (x) => isWorking(x));
    if (!order) return;
    const step = order.instrument.quantityStep;
    const unchanged = this.gen.unchangedModify === true;
    let quantity = unchanged ? order.quantity : Math.max(order.filledQuantity + step, order.quantity + m.dq * step);
    let limit = order.limitPricePaise;
    if (!unchanged && order.type === 'LIMIT' && m.px !== 0 && order.limitPricePaise !== null) {
      limit = Math.max(order.instrument.tickPaise, order.limitPricePaise + m.px * order.instrument.tickPaise);
    }
    // A modification that changes nothing is a case of its own (GenOptions.unchangedModify).
    if (!this.gen.unchangedModify && quantity === order.quantity && limit === order.limitPricePaise) quantity += step;
    const body: { quantity: number; limitPricePaise?: number } = { quantity };
    if (limit !== order.limitPricePaise && limit !== null) body.limitPricePaise = limit;
    const account = order.account;
    let expected: Expected = { kind: 'ok' };
    const changed = { ...order, quantity, limitPricePaise: limit };
    const open = quantity - order.filledQuantity;
    const required = requiredReservation(account, changed, open);
    const power = buyingPower(account);
    if (!isWorking(order)) expected = { kind: 'refused' };
    else if (quantity === order.quantity && limit === order.limitPricePaise) expected = { kind: 'same' };
    else if (order.product === 'CNC' && order.side === 'SELL' && open > holdingsFor(account, order.instrument.symbol, order.orderId)) expected = { kind: 'refused', code: 'INSUFFICIENT_HOLDINGS' };
    else if (power !== null && order.reservedPaise !== null) expected = required > power + order.reservedPaise ? { kind: 'refused', code: 'INSUFFICIENT_FUNDS' } : { kind: 'ok' };
    else expected = this.tight(account) ? { kind: 'unsure' } : { kind: 'ok' };
    const what = `modify #${this.orders.indexOf(order)} to quantity ${quantity}${body.limitPricePaise !== undefined ? ` limit ${limit}` : ''}`;
    const res = await this.call('post', `/api/orders/${order.orderId}/modify`, body);
    // An unchanged modification is answered 200 with the order as it is.
    if (expected.kind === 'same' && res.status === 200) {
      this.outcome(what, { kind: 'unsure' }, res);
      return;
    }
    if (this.outcome(what, expected, res)) {
      order.quantity = quantity;
      order.limitPricePaise = limit;
      order.reservedPaise = expected.kind === 'ok' ? required : null;
      order.valuedAtPaise = valuation(order);
      if (order.side === 'SELL') unsettleSells(account, order.instrument.symbol, order.orderId);
    }
  }

  private async trigger(g: Extract<Action, { k: 'trigger' }>): Promise<void> {
    const order = this.pick(g.o, (x) => x.status === 'TRIGGER_PENDING');
    if (!order) return;
    const trigger = order.triggerPricePaise ?? order.instrument.basePaise;
    const tick = order.instrument.tickPaise;
    const last = g.reach ? (order.side === 'BUY' ? trigger + g.by * tick : Math.max(tick, trigger - g.by * tick)) : order.side === 'BUY' ? trigger - tick : trigger + tick;
    const reached = order.side === 'BUY' ? last >= trigger : last <= trigger;
    const expected: Expected = order.status !== 'TRIGGER_PENDING' ? { kind: 'refused', code: 'ORDER_NOT_TRIGGER_PENDING' } : reached ? { kind: 'ok' } : { kind: 'refused', code: 'TRIGGER_NOT_REACHED' };
    const res = await this.call('post', `/api/orders/${order.orderId}/trigger`, { lastPricePaise: last }, 'broker');
    if (this.outcome(`trigger #${this.orders.indexOf(order)} at ${last}`, expected, res)) order.status = 'OPEN';
  }

  private async deposit(d: Extract<Action, { k: 'deposit' }>): Promise<void> {
    const account = this.account(d.a);
    const res = await this.call('post', `/api/accounts/${account.accountId}/deposits`, { amountPaise: d.amount });
    if (this.outcome(`deposit ${d.amount} into account ${account.index}`, { kind: 'ok' }, res)) {
      account.cashPaise += d.amount;
      account.depositedPaise += d.amount;
    }
  }

  private async withdraw(w: Extract<Action, { k: 'withdraw' }>): Promise<void> {
    const account = this.account(w.a);
    const free = buyingPower(account);
    if (free === null) return; // what the working orders hold is not known to the model: no prediction
    const amount = w.over ? Math.max(1, free + 1) : Math.floor(w.frac * free);
    if (amount <= 0) return;
    const expected: Expected = amount <= free ? { kind: 'ok' } : { kind: 'refused', code: 'INSUFFICIENT_FUNDS' };
    const res = await this.call('post', `/api/accounts/${account.accountId}/withdrawals`, { amountPaise: amount });
    if (this.outcome(`withdraw ${amount} from account ${account.index} (free ${free})`, expected, res)) {
      account.cashPaise -= amount;
      account.withdrawnPaise += amount;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // After the session: every figure against the model

  private expectEqual(what: string, actual: unknown, expected: unknown): void {
    if (!Object.is(actual, expected) && JSON.stringify(actual) !== JSON.stringify(expected)) {
      this.fail(`${what}: the app says ${JSON.stringify(actual)}, the model ${JSON.stringify(expected)}`);
    }
  }

  private async verify(): Promise<void> {
    // Read your own write: the last command's answer must cover everything the session's commands caused. One
    // portfolio read per account (and the orders or performance reads the property checks).
    const min = this.gen.readAtLastAnswer ? this.lastPosition : this.maxPosition;
    const portfolios = await Promise.all(this.accounts.map((account) => this.call('get', `/api/accounts/${account.accountId}/portfolio?minPosition=${min}`)));
    for (const [index, account] of this.accounts.entries()) {
      const p = portfolios[index];
      if (p.status !== 200) this.fail(`portfolio of account ${account.index}: ${p.status} ${JSON.stringify(p.body)}`);
      const portfolio = p.body as unknown as PortfolioBody;
      const name = `account ${account.index}`;
      const positions = new Map(portfolio.positions.map((x) => [x.instrument, x]));
      const open = portfolio.positions.filter((x) => x.quantity !== 0);

      if (this.checks.has('ledger')) {
        this.expectEqual(`${name} cash`, portfolio.cashPaise, account.cashPaise);
        const modelPositions = [...account.positions.values()].filter((x) => x.feesPaise > 0 || x.quantity !== 0 || x.realizedGrossPaise !== 0 || x.trades.length > 0 || hasFills(account, x.instrument));
        this.expectEqual(`${name} instruments with a position`, [...positions.keys()].sort(), modelPositions.map((x) => x.instrument).sort());
        for (const mp of modelPositions) {
          const ap = positions.get(mp.instrument);
          if (!ap) continue;
          this.expectEqual(`${name} ${mp.instrument} quantity`, ap.quantity, mp.quantity);
          this.expectEqual(`${name} ${mp.instrument} cost basis`, ap.costBasisPaise, mp.costBasisPaise);
          this.expectEqual(`${name} ${mp.instrument} open charges`, ap.openFeesPaise, mp.openFeesPaise);
          this.expectEqual(`${name} ${mp.instrument} average price`, ap.averagePricePaise, mp.quantity === 0 ? 0 : mp.costBasisPaise / Math.abs(mp.quantity));
          this.expectEqual(`${name} ${mp.instrument} realized gross`, ap.realizedGrossPaise, mp.realizedGrossPaise);
          this.expectEqual(`${name} ${mp.instrument} realized net`, ap.realizedNetPaise, mp.realizedNetPaise);
          this.expectEqual(`${name} ${mp.instrument} fees`, ap.feesPaise, mp.feesPaise);
          // Marks from the market (the recorded price), at cost while none is recorded; never a fill's price.
          const mark = marketPrices.get(mp.instrument);
          if (mp.quantity !== 0) {
            this.expectEqual(`${name} ${mp.instrument} mark`, [ap.markSource, ap.lastPricePaise], mark === undefined ? ['COST', null] : ['MARKET', mark]);
            this.expectEqual(`${name} ${mp.instrument} market value`, ap.marketValuePaise, marketValueOf(mp));
            this.expectEqual(`${name} ${mp.instrument} unrealized`, ap.unrealizedPnlPaise, unrealizedOf(mp));
          }
        }
        const trades = closedTrades(account);
        const openRealized = [...account.positions.values()].reduce((s, x) => s + (x.cycle?.netPaise ?? 0), 0);
        // realized P&L = the sum of the closed trades (and of the closed parts of the open cycles)
        this.expectEqual(`${name} realized net = Σ closed trades + closed parts of open cycles`, portfolio.realizedNetPaise, trades.reduce((s, x) => s + x.netPaise, 0) + openRealized);
        this.expectEqual(`${name} realized gross`, portfolio.realizedGrossPaise, [...account.positions.values()].reduce((s, x) => s + x.realizedGrossPaise, 0));
        this.expectEqual(`${name} fees`, portfolio.feesPaise, [...account.positions.values()].reduce((s, x) => s + x.feesPaise, 0));
        this.expectEqual(`${name} net money in = initial cash + deposits - withdrawals`, portfolio.netInflowPaise, netMoneyIn(account));
        this.expectEqual(`${name} equity = model cash + Σ model market value`, portfolio.equityPaise, equityOf(account));
        this.expectEqual(`${name} total P&L = model equity - net money in`, portfolio.totalPnlPaise, equityOf(account) - netMoneyIn(account));
      }
      if (this.checks.has('reserved')) {
        const reserved = reservedOf(account);
        if (reserved !== null) this.expectEqual(`${name} reserved cash = what the working orders hold`, portfolio.reservedPaise, reserved);
      }
      if (this.checks.has('identities')) {
        // The app's figures against each other (the identities), whatever the model knows.
        const mv = portfolio.positions.reduce((s, x) => s + x.marketValuePaise, 0);
        this.expectEqual(`${name} market value = Σ positions' market value`, portfolio.marketValuePaise, mv);
        for (const x of open) {
          const value = x.markSource === 'MARKET' ? x.quantity * (x.lastPricePaise as number) : Math.sign(x.quantity) * x.costBasisPaise;
          this.expectEqual(`${name} ${x.instrument} market value = quantity x mark (${x.markSource})`, x.marketValuePaise, value);
          this.expectEqual(`${name} ${x.instrument} unrealized = market value - sign x cost`, x.unrealizedPnlPaise, value - Math.sign(x.quantity) * x.costBasisPaise);
        }
        this.expectEqual(`${name} equity = cash + market value`, portfolio.equityPaise, portfolio.cashPaise + mv);
        this.expectEqual(`${name} unrealized = Σ positions`, portfolio.unrealizedPnlPaise, open.reduce((s, x) => s + x.unrealizedPnlPaise, 0));
        this.expectEqual(`${name} open charges = Σ positions' open charges`, portfolio.pnlSplit.openChargesPaise, open.reduce((s, x) => s + x.openFeesPaise, 0));
        this.expectEqual(`${name} total P&L = equity - (initial cash + deposits - withdrawals)`, portfolio.totalPnlPaise, portfolio.equityPaise - netMoneyIn(account));
        this.expectEqual(
          `${name} total P&L = realized net + unrealized - charges on the open positions`,
          portfolio.totalPnlPaise,
          portfolio.realizedNetPaise + portfolio.unrealizedPnlPaise - portfolio.pnlSplit.openChargesPaise,
        );
        this.expectEqual(`${name} realized net = Σ positions`, portfolio.realizedNetPaise, portfolio.positions.reduce((s, x) => s + x.realizedNetPaise, 0));
        this.expectEqual(`${name} buying power = cash - reserved`, portfolio.buyingPowerPaise, portfolio.cashPaise - portfolio.reservedPaise);
      }
      if (this.checks.has('orders') || this.checks.has('charges')) await this.verifyOrders(account, min);
      if (this.checks.has('performance')) await this.verifyPerformance(account, min, portfolio);
    }
    if (this.checks.has('performance') && this.strategyId !== null) await this.verifyStrategy(min);
    if (this.checks.has('chargesPath')) for (const account of [...this.accounts]) await this.verifyChargesPath(account);
  }

  /**
   * Charges do not depend on the path: an order filled in parts at one price pays what the
   * same order filled in one execution pays, both from the app's own schedule. The single execution is a new order
   * of the same account, side, product and instrument, filled at once at that price.
   */
  private async verifyChargesPath(account: ModelAccount): Promise<void> {
    for (const order of [...account.orders]) {
      if (order.fills.length < 2 || order.fills.some((x) => x.reportedFeesPaise !== undefined || x.pricePaise !== order.fills[0].pricePaise)) continue;
      const price = order.fills[0].pricePaise;
      const body = { accountId: account.accountId, instrument: order.instrument.symbol, side: order.side, quantity: order.filledQuantity, type: 'MARKET', product: order.product, validity: 'DAY' };
      const placed = await this.call('post', '/api/orders', body);
      if (placed.status === 422 && (placed.body.code === 'INSUFFICIENT_HOLDINGS' || placed.body.code === 'INSUFFICIENT_FUNDS')) {
        // A delivery sell of shares no longer held, or an order the account's cash no longer covers, cannot be placed
        // again: no single execution to compare with.
        this.note(`the same order as one execution: refused ${placed.body.code}, not compared`);
        continue;
      }
      if (placed.status !== 201) this.fail(`the single execution of order #${this.orders.indexOf(order)} was not placed: ${placed.status} ${JSON.stringify(placed.body)}`);
      const once = await this.call('post', `/api/orders/${placed.body.orderId}/fills`, { fillId: 'ONCE', quantity: order.filledQuantity, pricePaise: price, occurredAt: new Date(this.h.now()).toISOString() }, 'broker');
      if (once.status !== 201) this.fail(`the single execution of order #${this.orders.indexOf(order)} was not filled: ${once.status} ${JSON.stringify(once.body)}`);
      const [split, single] = await Promise.all(
        [order.orderId, placed.body.orderId as string].map((id) => this.call('get', `/api/orders/${id}?minPosition=${once.body.globalPosition}`)),
      );
      this.note(`the same order as one execution: ${order.filledQuantity} @ ${price} -> charges ${single.body.feesPaise}`);
      if (split.body.feesPaise !== single.body.feesPaise) {
        this.fail(
          `charges depend on the path: order #${this.orders.indexOf(order)} (${order.side} ${order.product} ${order.instrument.symbol}) filled as ${order.fills.map((x) => x.quantity).join(' + ')} @ ${price} paid ${split.body.feesPaise} paise, one execution of ${order.filledQuantity} @ ${price} pays ${single.body.feesPaise}`,
        );
      }
    }
  }

  private async verifyOrders(account: ModelAccount, min: number): Promise<void> {
    const res = await this.call('get', `/api/orders?accountId=${account.accountId}&limit=200&minPosition=${min}`);
    if (res.status !== 200) this.fail(`orders of account ${account.index}: ${res.status}`);
    const items = new Map((res.body.items as OrderBody[]).map((x) => [x.orderId, x]));
    if (this.checks.has('orders')) this.expectEqual(`account ${account.index} number of orders`, items.size, account.orders.length);
    for (const order of account.orders) {
      const doc = items.get(order.orderId);
      const name = `order #${this.orders.indexOf(order)}`;
      if (!doc) this.fail(`${name} is missing from the orders list`);
      if (this.checks.has('orders')) {
        this.expectEqual(`${name} status`, doc.status, order.status);
        if (order.status === 'REJECTED') this.expectEqual(`${name} reject reason`, doc.rejectReasonCode, order.rejectCode);
        this.expectEqual(`${name} filled quantity`, doc.filledQuantity, order.filledQuantity);
        this.expectEqual(`${name} fills`, doc.fills.map((x) => [x.fillId, x.quantity, x.pricePaise]), order.fills.map((x) => [x.fillId, x.quantity, x.pricePaise]));
        this.expectEqual(`${name} fees of its fills`, doc.fills.map((x) => x.feesPaise), order.fills.map((x) => x.feesPaise));
      }
      if (this.checks.has('charges') && order.fills.length > 0 && order.fills.every((x) => x.reportedFeesPaise === undefined)) {
        const lines = orderCharges(order.instrument.segment, order.product, order.side, order.filledValuePaise);
        this.expectEqual(
          `${name} (${order.side} ${order.product} ${order.instrument.symbol}, ${order.fills.length} fill(s), turnover ${order.filledValuePaise}) charges on its cumulative turnover ${JSON.stringify(lines)}`,
          doc.feesPaise,
          lines.total,
        );
      }
    }
  }

  private async verifyPerformance(account: ModelAccount, min: number, portfolio: PortfolioBody): Promise<void> {
    const res = await this.call('get', `/api/accounts/${account.accountId}/performance?minPosition=${min}`);
    if (res.status !== 200) this.fail(`performance of account ${account.index}: ${res.status} ${JSON.stringify(res.body)}`);
    const s = (res.body as { statistics: Statistics }).statistics;
    const trades = closedTrades(account);
    const name = `account ${account.index} performance`;
    this.expectTrades(name, s, trades);
    // One trading day (the oracle's sessions all run on 2026-11-20): the curve runs from the money put in that day
    // to the day's close, so profit, return and drawdown count from the first day.
    const start = netMoneyIn(account);
    const end = equityOf(account);
    this.expectStatistics(name, s, start, end);
    this.expectEqual(`${name} profit = the portfolio's total P&L (one day)`, s.profitPaise, portfolio.totalPnlPaise);
  }

  /** A strategy's figures: its capital allocation is the base; account 0 trades only for it, so its P&L is account 0's. */
  private async verifyStrategy(min: number): Promise<void> {
    const res = await this.call('get', `/api/strategies/${this.strategyId}/performance?minPosition=${min}`);
    if (res.status !== 200) this.fail(`performance of the strategy: ${res.status} ${JSON.stringify(res.body)}`);
    const s = (res.body as { statistics: Statistics }).statistics;
    const account = this.accounts[0];
    const name = 'strategy performance';
    this.expectTrades(name, s, closedTrades(account));
    const capital = this.strategyCapitalPaise;
    if (!account.orders.some((o) => o.fills.length > 0)) {
      // No fill yet: no day on the strategy's curve, nothing earned.
      this.expectEqual(`${name} without a fill`, [s.startEquityPaise, s.endEquityPaise, s.profitPaise, s.maxDrawdownPaise], [null, null, 0, 0]);
      return;
    }
    this.expectStatistics(name, s, capital, capital + equityOf(account) - netMoneyIn(account));
  }

  private expectTrades(name: string, s: Statistics, trades: ReturnType<typeof closedTrades>): void {
    const net = trades.reduce((t, x) => t + x.netPaise, 0);
    const wins = trades.filter((x) => x.netPaise > 0).length;
    const losses = trades.filter((x) => x.netPaise < 0).length;
    this.expectEqual(`${name} trade count (closed cycles)`, s.tradeCount, trades.length);
    this.expectEqual(`${name} wins`, s.wins, wins);
    this.expectEqual(`${name} losses`, s.losses, losses);
    this.expectEqual(`${name} win rate`, s.winRate, trades.length === 0 ? null : wins / trades.length);
    this.expectEqual(`${name} net profit of closed trades = Σ closed trades`, s.netPnlPaise, net);
    this.expectEqual(`${name} gross profit of closed trades`, s.grossPnlPaise, trades.reduce((t, x) => t + x.grossPaise, 0));
    this.expectEqual(`${name} fees of closed trades`, s.feesPaise, trades.reduce((t, x) => t + x.feesPaise, 0));
    this.expectEqual(`${name} best trade`, s.bestTradePaise, trades.length === 0 ? null : Math.max(...trades.map((x) => x.netPaise)));
    this.expectEqual(`${name} worst trade`, s.worstTradePaise, trades.length === 0 ? null : Math.min(...trades.map((x) => x.netPaise)));
  }

  /**
   * Equity statistics of one day from `start` to `end` (DOMAIN.md "Performance statistics", README "Performance
   * analytics"): profit = end - start; return = end / start - 1; the peak is the start, so max drawdown =
   * max(0, -profit) in paise and max(0, -return) as a fraction, and the day's drawdown is also the current one.
   */
  private expectStatistics(name: string, s: Statistics, start: number, end: number): void {
    const profit = end - start;
    if (start <= 0) {
      // Nothing put in (all of it withdrawn the same day): no return to speak of.
      this.expectEqual(`${name} without a start equity`, [s.startEquityPaise, s.endEquityPaise, s.profitPaise, s.totalReturn], [start, end, profit, null]);
      return;
    }
    const ret = end / start - 1;
    this.expectEqual(`${name} start equity`, s.startEquityPaise, start);
    this.expectEqual(`${name} end equity (the day's close)`, s.endEquityPaise, end);
    this.expectEqual(`${name} profit = end - start - flows`, [s.profitPaise, s.netFlowsPaise], [profit, 0]);
    this.expectEqual(`${name} max drawdown (paise) = max(0, -profit) from the first day`, s.maxDrawdownPaise, Math.max(0, -profit));
    this.expectEqual(`${name} current drawdown (paise)`, s.currentDrawdownPaise, Math.max(0, -profit));
    this.expectClose(`${name} total return = profit / start`, s.totalReturn, ret);
    this.expectClose(`${name} max drawdown (fraction) = max(0, -return)`, s.maxDrawdown, Math.max(0, -ret));
    this.expectClose(`${name} current drawdown (fraction)`, s.currentDrawdown, Math.max(0, -ret));
  }

  private expectClose(what: string, actual: number | null, expected: number): void {
    if (actual === null || !(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)))) {
      this.fail(`${what}: the app says ${JSON.stringify(actual)}, the model ${expected}`);
    }
  }
}

interface Statistics {
  tradeCount: number;
  wins: number;
  losses: number;
  winRate: number | null;
  netPnlPaise: number;
  grossPnlPaise: number;
  feesPaise: number;
  bestTradePaise: number | null;
  worstTradePaise: number | null;
  startEquityPaise: number | null;
  endEquityPaise: number | null;
  netFlowsPaise: number;
  profitPaise: number;
  totalReturn: number | null;
  maxDrawdownPaise: number;
  maxDrawdown: number | null;
  currentDrawdownPaise: number;
  currentDrawdown: number | null;
}

function hasFills(account: ModelAccount, instrument: string): boolean {
  return account.orders.some((o) => o.instrument.symbol === instrument && o.fills.length > 0);
}

interface PortfolioBody {
  cashPaise: number;
  reservedPaise: number;
  buyingPowerPaise: number;
  marketValuePaise: number;
  equityPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
  unrealizedPnlPaise: number;
  totalPnlPaise: number;
  netInflowPaise: number;
  pnlSplit: { realizedNetPaise: number; unrealizedPnlPaise: number; openChargesPaise: number };
  positions: {
    instrument: string;
    quantity: number;
    averagePricePaise: number;
    costBasisPaise: number;
    openFeesPaise: number;
    lastPricePaise: number | null;
    markSource: 'MARKET' | 'COST' | null;
    marketValuePaise: number;
    unrealizedPnlPaise: number;
    realizedGrossPaise: number;
    realizedNetPaise: number;
    feesPaise: number;
  }[];
}

interface OrderBody {
  orderId: string;
  status: string;
  rejectReasonCode: string | null;
  filledQuantity: number;
  feesPaise: number;
  fills: { fillId: string; quantity: number; pricePaise: number; feesPaise: number }[];
}

// ---------------------------------------------------------------------------------------------------------------
// The property: fast-check over sessions, with the seed, path and replay command printed on failure

export interface OracleProperty {
  name: string;
  /** Sessions at the default size of the run (ORACLE_SESSIONS scales them all). */
  sessions: number;
  /** Sessions run at once (each on its own accounts); 1 where sessions share something (a restart, market prices). */
  parallel: number;
  gen: GenOptions;
  checks: Check[];
  restarts?: number;
}

/** How a run is sized and replayed, from the environment. */
export interface RunSettings {
  /** Sessions per property: the property's own count x scale. */
  scale: number;
  /** The sessions the whole run promises (ORACLE_SESSIONS). */
  wanted: number;
  seed: number | undefined;
  path: string | undefined;
  /** Time bound of one property, ms. */
  propertyMs: number;
}

export function runSettings(properties: readonly OracleProperty[], defaultSessions: number): RunSettings {
  const total = properties.reduce((s, p) => s + p.sessions, 0);
  const wanted = process.env.ORACLE_SESSIONS ? Number(process.env.ORACLE_SESSIONS) : defaultSessions;
  if (!Number.isFinite(wanted) || wanted < 1) throw new Error(`ORACLE_SESSIONS must be a positive number, not ${process.env.ORACLE_SESSIONS}`);
  return {
    scale: wanted / total,
    wanted,
    seed: process.env.ORACLE_SEED ? Number(process.env.ORACLE_SEED) : undefined,
    path: process.env.ORACLE_PATH || undefined,
    propertyMs: Number(process.env.ORACLE_PROPERTY_MS ?? 300_000),
  };
}

/**
 * One property: fast-check generates groups of `parallel` sessions, runs each group at once (sessions of a group
 * share nothing but the app) and compares each with the model; on a failure it shrinks the group and reports
 * the seed, the path and the command that replays them.
 */
export async function checkProperty(h: Harness, prop: OracleProperty, specFile: string, settings: RunSettings): Promise<void> {
  const budget = { left: prop.restarts ?? 0 };
  const checks = new Set(prop.checks);
  const before = h.sessions;
  const sessions = Math.max(1, Math.round(prop.sessions * settings.scale));
  const groups = Math.ceil(sessions / prop.parallel);
  const group = fc.array(sessionArb(prop.gen), { minLength: prop.parallel, maxLength: prop.parallel });
  const details = await fc.check(
    fc.asyncProperty(group, async (list) => {
      const results = await Promise.allSettled(list.map((session) => new SessionRun(h, checks, budget, prop.gen).run(session)));
      const failed = results.findIndex((r) => r.status === 'rejected');
      if (failed >= 0) {
        const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
        throw new Error(`session ${failed} of the group: ${reason instanceof Error ? reason.message : String(reason)}`);
      }
    }),
    {
      numRuns: groups,
      seed: settings.seed,
      path: settings.path,
      endOnFailure: false,
      interruptAfterTimeLimit: settings.propertyMs,
      markInterruptAsFailure: false,
    },
  );
  const ran = h.sessions - before;
  console.log(`oracle property "${prop.name}": ${ran} sessions in ${details.numRuns} groups of ${prop.parallel}${details.failed ? ', failed' : ', passed'}${details.interrupted ? ', interrupted by the time limit' : ''} (seed ${details.seed})`);
  if (details.interrupted && !details.failed) {
    // Fewer sessions than the run promises is a failure too: the bound is on time, the promise on the count.
    throw new Error(`interrupted by its time limit (ORACLE_PROPERTY_MS=${settings.propertyMs}) after ${ran} of ${groups * prop.parallel} sessions (seed ${details.seed})`);
  }
  if (details.failed) {
    const replay = `ORACLE_SEED=${details.seed} ORACLE_PATH=${details.counterexamplePath ?? ''} ORACLE_SESSIONS=${process.env.ORACLE_SESSIONS ?? ''} npx jest ${specFile} -t "${prop.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`;
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${fc.defaultReportMessage(details)}\n\nWhat differs in the counterexample: ${error}\n\nReplay: ${replay}`);
  }
}
