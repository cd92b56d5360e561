import { createHash, timingSafeEqual } from 'node:crypto';
import { systemWallClock } from '@robo/clock';
import { KiteConnect, KiteTicker, type Connect, type Order, type Tick, type Ticker, type Trade } from 'kiteconnect';
import type { IsoInstant, Paise } from '@robo/domain';
import type { Broker, BrokerAck, BrokerOrder, BrokerOrderChanges, ExecutionReport, ReportChannel } from '@robo/paper';
import type { KiteTickMode, KiteTickSource } from './kite-market-data-feed';
import { KITE_ORDER_LIMITS, OrderRateLimiter, type OrderRateLimits } from './order-rate-limiter';
import { readKiteSnapshot, type KiteSnapshot } from './kite-snapshot';
import { equityResolver, kiteTagOf, kiteTimeToInstant, rupeesToPaise, toKiteModifyParams, toKitePlaceParams, type KiteInstrumentResolver } from './kite-params';

/** An error answered by Kite (`{status:"error", message, error_type}`) or made by the client for a lost answer. */
export class KiteApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(`${errorType}: ${message}`);
    this.name = 'KiteApiError';
  }

  /** 429: the request was refused before anything was done. */
  get rateLimited(): boolean {
    return /too many requests/i.test(this.message);
  }

  /** No answer (or a gateway error): the request may or may not have been carried out. */
  get answerLost(): boolean {
    return this.errorType === 'NetworkException' && !this.rateLimited;
  }
}

/** Kite refused an order at placement (InputException, OrderException, MarginException...): nothing was placed. */
export class KiteOrderRefused extends KiteApiError {}

export function asKiteError(error: unknown): KiteApiError {
  if (error instanceof KiteApiError) return error;
  if (error && typeof error === 'object' && 'error_type' in error) {
    const e = error as { error_type: unknown; message?: unknown };
    return new KiteApiError(String(e.error_type), String(e.message ?? ''));
  }
  return new KiteApiError('GeneralException', error instanceof Error ? error.message : String(error));
}

/** The fields of a Kite order the adapter reads (REST, ticker frames and postbacks all carry them). */
export type KiteOrderUpdate = Pick<Order, 'order_id' | 'status' | 'filled_quantity' | 'average_price' | 'status_message' | 'tag' | 'trigger_price'> & {
  order_timestamp: string | Date;
  exchange_update_timestamp?: string | Date | null;
  pending_quantity?: number;
  quantity?: number;
};

export interface KiteBrokerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface KiteBrokerOptions {
  apiKey: string;
  accessToken: string;
  /** Needed to verify postbacks (their checksum is sha256(order_id + order_timestamp + api_secret)). */
  apiSecret?: string;
  /** REST root (default Kite's own, https://api.kite.trade). */
  root?: string;
  /** Ticker root (default Kite's own, wss://ws.kite.trade/); null: no ticker socket. */
  tickerRoot?: string | null;
  resolver?: KiteInstrumentResolver;
  /** Delays between ticker reconnection attempts; the last repeats. */
  reconnectDelaysMs?: number[];
  logger?: KiteBrokerLogger;
  /** The clock used when Kite gives no timestamp (an order update without one). */
  now?: () => IsoInstant;
  /** Client-side limits on order requests (default Kite's published 10/s, 400/min, 5,000/day). */
  orderLimits?: OrderRateLimits;
}

/** What the adapter knows of one of our orders at Kite. */
interface Routed {
  order: BrokerOrder;
  tag: string;
  brokerOrderId: string | null;
  lastStatus: string | null;
  /** Quantity of the trades reported. */
  lastFilled: number;
  /** Filled quantity of the last status reported. */
  lastReportedFilled: number;
  fillIds: Set<string>;
  cancelRequested: boolean;
  triggered: boolean;
}

const FINAL_STATUSES: ReadonlySet<string> = new Set(['COMPLETE', 'CANCELLED', 'REJECTED']);

const noopLogger: KiteBrokerLogger = { info: () => undefined, warn: () => undefined };

/**
 * The Broker port on Zerodha Kite Connect, through the official `kiteconnect` client (KiteConnect for REST,
 * KiteTicker for order updates on the ticker socket). A 200 from Kite only means the order was accepted: every
 * later status comes back as a report (BROKER_STATUS for each change, with Kite's message; FILL for each Kite trade,
 * its trade id as the fill id, before the status that shows it; TRIGGERED when a stop order leaves TRIGGER PENDING).
 * The same trade arriving over the ticker, a postback and the trades poll is reported once. What a status means for
 * the order (a rejection, an exchange cancel) is decided in the domain (decideBrokerUpdate), not here.
 *
 * The ticker's own reconnection is off: on its give-up path it calls process.exit. This adapter reconnects itself
 * with backoff and catches up from `GET /orders` after every (re)connection. KiteTicker keeps its socket in module
 * state, so one process holds one KiteBroker with a ticker (Kite issues one session per user and app anyway).
 */
export class KiteBroker implements Broker, KiteTickSource {
  readonly name = 'kite';
  private readonly kc: Connect;
  private ticker: Ticker | null = null;
  private readonly listeners = new Set<(report: ExecutionReport) => void | Promise<void>>();
  private readonly byOrderId = new Map<string, Routed>();
  private readonly byBrokerId = new Map<string, Routed>();
  private readonly byTag = new Map<string, Routed>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private connects = 0;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly resolver: KiteInstrumentResolver;
  private readonly logger: KiteBrokerLogger;
  private readonly connectedListeners = new Set<(first: boolean) => void>();
  private readonly tickListeners = new Set<(ticks: readonly Tick[]) => void>();
  private readonly limiter: OrderRateLimiter;

  constructor(private readonly options: KiteBrokerOptions) {
    this.kc = new KiteConnect({ api_key: options.apiKey, access_token: options.accessToken, ...(options.root ? { root: options.root } : {}) });
    this.resolver = options.resolver ?? equityResolver;
    this.logger = options.logger ?? noopLogger;
    this.limiter = new OrderRateLimiter(options.orderLimits ?? KITE_ORDER_LIMITS, () => systemWallClock.nowMs());
  }

  /** Opens the ticker socket (order updates); resolves on the first connection. */
  async start(): Promise<void> {
    if (this.options.tickerRoot === null) return;
    await new Promise<void>((resolve) => {
      const off = this.onConnected(() => {
        off();
        resolve();
      });
      this.openTicker();
    });
  }

  /** Called after each ticker (re)connection, once the catch-up from `GET /orders` is done. */
  onConnected(listener: (first: boolean) => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  /** Market data on the same socket (KiteMarketDataFeed): the ticks the official client decoded. */
  onTicks(listener: (ticks: readonly Tick[]) => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** Subscribes instrument tokens in a mode (Kite's `subscribe` then `mode` messages); nothing while disconnected. */
  subscribeTicks(mode: KiteTickMode, tokens: readonly number[]): void {
    if (!this.ticker?.connected() || tokens.length === 0) return;
    this.ticker.subscribe([...tokens]);
    this.ticker.setMode(mode, [...tokens]);
  }

  get tickerConnected(): boolean {
    return this.ticker?.connected() ?? false;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.ticker?.disconnect();
    this.ticker = null;
    await this.queue;
  }

  /**
   * The day's new access token (the daily login): later requests use it, and the ticker socket is opened again with
   * it (or for the first time, when the adapter had no token to start with).
   */
  setAccessToken(accessToken: string): void {
    if (accessToken === this.options.accessToken || this.closed) return;
    this.options.accessToken = accessToken;
    this.kc.setAccessToken(accessToken);
    if (this.options.tickerRoot === null) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const previous = this.ticker;
    this.ticker = null;
    previous?.disconnect();
    this.openTicker();
  }

  get hasAccessToken(): boolean {
    return this.options.accessToken !== '';
  }

  onExecution(listener: (report: ExecutionReport) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The Kite tag of one of our orders. */
  tagOf(orderId: string): string {
    return kiteTagOf(orderId);
  }

  /** Kite's order id of one of our orders, when known. */
  brokerOrderIdOf(orderId: string): string | null {
    return this.byOrderId.get(orderId)?.brokerOrderId ?? null;
  }

  /**
   * Places the order (`POST /orders/regular`, tagged with kiteTagOf(orderId)). An order already routed answers its
   * Kite id again. When the answer is lost the order may exist at Kite: it is looked up by its tag before anything
   * else (never a blind retry); not found, the error stands and nothing was placed. With `lookUpFirst` (an order
   * accepted before this process started) the tag is looked up before placing.
   */
  async submit(order: BrokerOrder, options: { lookUpFirst?: boolean } = {}): Promise<BrokerAck> {
    const known = this.byOrderId.get(order.orderId);
    if (known?.brokerOrderId) return { brokerOrderId: known.brokerOrderId };
    const instrument = this.resolver(order.instrument);
    if (!instrument) throw new KiteOrderRefused('InputException', `${order.instrument} has no Kite trading symbol here (derivatives need the instrument master)`);
    const params = toKitePlaceParams(order, instrument);
    const routed = this.track(order);
    if (options.lookUpFirst) {
      // An order accepted before a restart may be at Kite already (placed, then the process died before recording it).
      const found = await this.findByTag(routed.tag).catch((error: unknown) => {
        this.untrack(routed);
        throw error;
      });
      if (found) {
        this.logger.info({ orderId: order.orderId, brokerOrderId: found.order_id }, 'order found at Kite by its tag; not placed again');
        this.bind(routed, found.order_id);
        this.enqueue(() => this.apply(routed, found, 'reconciler'));
        return { brokerOrderId: found.order_id };
      }
    }
    try {
      // A 429 means Kite did nothing: the place waits out the backoff and goes again (3 tries), never after a lost answer.
      let attempt = 0;
      const place = async (): Promise<{ order_id: string }> => {
        try {
          return await this.orderRequest(() => this.kc.placeOrder('regular', { ...params }));
        } catch (raw) {
          if (asKiteError(raw).rateLimited && ++attempt < 3) return place();
          throw raw;
        }
      };
      const { order_id } = await place();
      this.bind(routed, order_id);
      return { brokerOrderId: order_id };
    } catch (raw) {
      const error = asKiteError(raw);
      if (error.answerLost) {
        const found = await this.findByTag(routed.tag);
        if (found) {
          this.logger.warn({ orderId: order.orderId, brokerOrderId: found.order_id }, 'place answer lost; the order was found at Kite by its tag');
          this.bind(routed, found.order_id);
          this.enqueue(() => this.apply(routed, found, 'reconciler'));
          return { brokerOrderId: found.order_id };
        }
      }
      this.untrack(routed);
      if (error.rateLimited || error.answerLost) throw error;
      throw new KiteOrderRefused(error.errorType, error.message.replace(/^\w+: /, ''));
    }
  }

  async modify(orderId: string, changes: BrokerOrderChanges): Promise<void> {
    const routed = this.requireRouted(orderId);
    try {
      await this.orderRequest(() => this.kc.modifyOrder('regular', routed.brokerOrderId as string, toKiteModifyParams(changes)));
    } catch (raw) {
      throw asKiteError(raw);
    }
  }

  /**
   * Cancels at Kite. Our CancelOrder command records the cancel; what was filled before Kite cancelled still
   * comes back as fills. Kite refusing because the order is already final is not an error here.
   */
  async cancel(orderId: string): Promise<void> {
    const routed = this.byOrderId.get(orderId);
    if (!routed?.brokerOrderId) return;
    routed.cancelRequested = true;
    try {
      await this.orderRequest(() => this.kc.cancelOrder('regular', routed.brokerOrderId as string));
    } catch (raw) {
      const error = asKiteError(raw);
      if (error.errorType !== 'OrderException') throw error;
      this.logger.info({ orderId, brokerOrderId: routed.brokerOrderId, message: error.message }, 'cancel refused by Kite: the order is final there');
    }
    await this.refresh(routed, 'poll');
  }

  /**
   * Takes back an order routed before a restart (its Kite id when it was recorded, and what was already recorded
   * of it), so its later updates are reported and its recorded fills are not reported again.
   */
  resume(order: BrokerOrder, brokerOrderId: string | null, recordedFillIds: readonly string[] = []): void {
    const routed = this.track(order);
    for (const id of recordedFillIds) routed.fillIds.add(id);
    if (brokerOrderId) this.bind(routed, brokerOrderId);
  }

  /** An order update from the ticker socket. */
  handleSocketUpdate(update: KiteOrderUpdate): Promise<void> {
    return this.enqueue(() => this.applyUpdate(update, 'socket'));
  }

  /**
   * A postback body (already JSON-decoded). Its checksum must be sha256(order_id + order_timestamp + api_secret);
   * otherwise it is refused (false) and nothing is reported.
   */
  async handlePostback(body: unknown): Promise<boolean> {
    if (!this.verifyPostback(body)) return false;
    await this.enqueue(() => this.applyUpdate(body as KiteOrderUpdate, 'postback'));
    return true;
  }

  verifyPostback(body: unknown): boolean {
    const secret = this.options.apiSecret;
    if (!secret || !body || typeof body !== 'object') return false;
    const { order_id, order_timestamp, checksum } = body as Record<string, unknown>;
    if (typeof order_id !== 'string' || typeof order_timestamp !== 'string' || typeof checksum !== 'string') return false;
    const expected = createHash('sha256').update(order_id + order_timestamp + secret).digest();
    const given = Buffer.from(checksum, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Catches up from `GET /orders` and `GET /trades`: every change and trade missed on the other channels. */
  poll(channel: ReportChannel = 'poll'): Promise<void> {
    return this.enqueue(async () => {
      const orders = await this.call(() => this.kc.getOrders());
      for (const o of orders) {
        const routed = this.routedOf(o);
        if (routed) await this.apply(routed, o, channel);
      }
      const trades = await this.call(() => this.kc.getTrades());
      for (const t of trades) {
        const routed = this.byBrokerId.get(t.order_id);
        if (routed) await this.reportTrade(routed, t, channel);
      }
    });
  }

  /**
   * A reconciliation pass's reads: first the catch-up from `GET /orders` and `GET /trades` (every execution missed
   * on the other channels is reported, channel `reconciler`), then what Kite shows (its orders and day positions).
   */
  async reconcile(): Promise<KiteSnapshot> {
    await this.poll('reconciler');
    return this.call(() => readKiteSnapshot(this.kc));
  }

  /** Resolves once every update received so far has been reported. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  // ---- internals ----

  private openTicker(): void {
    const ticker = new KiteTicker({
      api_key: this.options.apiKey,
      access_token: this.options.accessToken,
      reconnect: false,
      root: this.options.tickerRoot ?? undefined,
    } as ConstructorParameters<typeof KiteTicker>[0]);
    this.ticker = ticker;
    const mine = () => !this.closed && this.ticker === ticker;
    ticker.on('order_update', (update: KiteOrderUpdate) => {
      if (mine()) void this.handleSocketUpdate(update);
    });
    ticker.on('ticks', (ticks: Tick[]) => {
      if (mine()) for (const l of [...this.tickListeners]) l(ticks);
    });
    ticker.on('connect', () => {
      if (!mine()) return;
      this.reconnectAttempt = 0;
      const first = this.connects++ === 0;
      void this.poll('reconciler')
        .catch((error) => this.logger.warn({ err: error }, 'catch-up after connecting failed'))
        .then(() => {
          for (const l of [...this.connectedListeners]) l(first);
        });
    });
    ticker.on('disconnect', () => {
      if (mine()) this.scheduleReconnect();
    });
    ticker.on('error', () => {
      // The close that follows schedules the reconnection; the error itself is only logged.
      if (mine()) this.logger.warn({}, 'ticker socket error');
    });
    ticker.connect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delays = this.options.reconnectDelaysMs ?? [500, 1000, 2000, 5000, 10000, 30000];
    const delay = delays[Math.min(this.reconnectAttempt, delays.length - 1)];
    this.reconnectAttempt += 1;
    this.logger.warn({ attempt: this.reconnectAttempt, delayMs: delay }, 'ticker disconnected; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.openTicker();
    }, delay);
  }

  private track(order: BrokerOrder): Routed {
    const existing = this.byOrderId.get(order.orderId);
    if (existing) return existing;
    const routed: Routed = { order, tag: kiteTagOf(order.orderId), brokerOrderId: null, lastStatus: null, lastFilled: 0, lastReportedFilled: 0, fillIds: new Set(), cancelRequested: false, triggered: false };
    this.byOrderId.set(order.orderId, routed);
    this.byTag.set(routed.tag, routed);
    return routed;
  }

  private untrack(routed: Routed): void {
    this.byOrderId.delete(routed.order.orderId);
    this.byTag.delete(routed.tag);
  }

  private bind(routed: Routed, brokerOrderId: string): void {
    routed.brokerOrderId = brokerOrderId;
    this.byBrokerId.set(brokerOrderId, routed);
  }

  private requireRouted(orderId: string): Routed {
    const routed = this.byOrderId.get(orderId);
    if (!routed?.brokerOrderId) throw new Error(`order ${orderId} was not routed to Kite`);
    return routed;
  }

  /** Ours by Kite id, or by tag (an update that arrives before placeOrder answered, or after a crash). */
  private routedOf(update: Pick<KiteOrderUpdate, 'order_id' | 'tag'>): Routed | undefined {
    const byId = this.byBrokerId.get(update.order_id);
    if (byId) return byId;
    const byTag = update.tag ? this.byTag.get(update.tag) : undefined;
    if (byTag && !byTag.brokerOrderId) this.bind(byTag, update.order_id);
    return byTag;
  }

  private async findByTag(tag: string): Promise<Order | undefined> {
    const orders = await this.call(() => this.kc.getOrders());
    return orders.find((o) => o.tag === tag || (o.tags ?? []).includes(tag));
  }

  private async applyUpdate(update: KiteOrderUpdate, channel: ReportChannel): Promise<void> {
    const routed = this.routedOf(update);
    if (routed) await this.apply(routed, update, channel);
  }

  private async refresh(routed: Routed, channel: ReportChannel): Promise<void> {
    await this.enqueue(async () => {
      const history = await this.call(() => this.kc.getOrderHistory(routed.brokerOrderId as string));
      const last = history.at(-1);
      if (last) await this.apply(routed, last, channel);
    });
  }

  /**
   * One update of one of our orders, in the order it arrived: a status report when the status or the filled
   * quantity changed, the trades behind a filled quantity that grew, and what the final status means.
   */
  private async apply(routed: Routed, update: KiteOrderUpdate, channel: ReportChannel): Promise<void> {
    const { order } = routed;
    const status = update.status === 'UPDATE' ? 'OPEN' : update.status;
    const filled = update.filled_quantity ?? 0;
    const at = kiteTimeToInstant(update.exchange_update_timestamp ?? null) ?? kiteTimeToInstant(update.order_timestamp) ?? this.nowIso();
    // The trades behind a grown filled quantity come first: what a final status means is decided on the fills.
    if (filled > routed.lastFilled) {
      const trades = await this.call(() => this.kc.getOrderTrades(update.order_id));
      for (const t of trades) await this.reportTrade(routed, t, channel);
    }
    const stale = filled < routed.lastReportedFilled || (routed.lastStatus !== null && FINAL_STATUSES.has(routed.lastStatus) && !FINAL_STATUSES.has(status));
    if (!stale && (status !== routed.lastStatus || filled > routed.lastReportedFilled)) {
      const previous = routed.lastStatus;
      routed.lastStatus = status;
      routed.lastReportedFilled = filled;
      if (!routed.triggered && (order.orderType === 'SL' || order.orderType === 'SL-M') && previous === 'TRIGGER PENDING' && status !== 'TRIGGER PENDING') {
        routed.triggered = true;
        await this.emit({ type: 'TRIGGERED', orderId: order.orderId, accountId: order.accountId, lastPricePaise: (order.triggerPricePaise ?? 0) as Paise, occurredAt: this.notBeforePlacement(routed, at) });
      }
      // What the status means for the order (a rejection or an exchange cancel ends it) is the domain's decision.
      await this.emit({
        type: 'BROKER_STATUS',
        orderId: order.orderId,
        accountId: order.accountId,
        brokerOrderId: update.order_id,
        status,
        message: update.status_message ?? null,
        filledQuantity: filled,
        averagePricePaise: rupeesToPaise(update.average_price ?? 0),
        occurredAt: this.notBeforePlacement(routed, at),
        channel,
      });
    }
  }

  private async reportTrade(routed: Routed, trade: Trade, channel: ReportChannel): Promise<void> {
    const fillId = String(trade.trade_id);
    if (routed.fillIds.has(fillId)) return;
    routed.fillIds.add(fillId);
    routed.lastFilled += trade.quantity;
    const at = kiteTimeToInstant(trade.fill_timestamp) ?? kiteTimeToInstant(trade.exchange_timestamp) ?? this.nowIso();
    await this.emit({
      type: 'FILL',
      orderId: routed.order.orderId,
      accountId: routed.order.accountId,
      fillId,
      brokerOrderId: trade.order_id,
      quantity: trade.quantity,
      pricePaise: rupeesToPaise(trade.average_price),
      occurredAt: this.notBeforePlacement(routed, at),
      channel,
    });
  }

  /**
   * Kite's timestamps are whole seconds: an execution in the second the order was placed in reads as before it.
   * Within that second it is dated at the placement; anything earlier is left as Kite said (and refused downstream).
   */
  private notBeforePlacement(routed: Routed, at: IsoInstant): IsoInstant {
    const placed = Date.parse(routed.order.placedAt);
    const t = Date.parse(at);
    return t < placed && placed - t < 1000 ? routed.order.placedAt : at;
  }

  private nowIso(): IsoInstant {
    return this.options.now ? this.options.now() : systemWallClock.now();
  }

  private async emit(report: ExecutionReport): Promise<void> {
    for (const listener of [...this.listeners]) await listener(report);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch((error) => this.logger.warn({ err: error }, 'order update not reported'));
    return next;
  }

  /**
   * An order request (place, modify, cancel) within the client-side limits: it waits its turn in the one-second and
   * one-minute windows (and after a 429), and is refused once the day's count is spent.
   */
  private async orderRequest<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const wait = this.limiter.delayMs();
      if (wait === Number.POSITIVE_INFINITY) throw new KiteApiError('NetworkException', "Too many requests: the day's order requests are spent (client-side limit)");
      if (wait === 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.limiter.record();
    try {
      const result = await fn();
      this.limiter.answered();
      return result;
    } catch (raw) {
      if (asKiteError(raw).rateLimited) this.limiter.tooManyRequests();
      throw raw;
    }
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (raw) {
      throw asKiteError(raw);
    }
  }
}
