import { createHash, timingSafeEqual } from 'node:crypto';
import { systemWallClock } from '@robo/clock';
import { KiteConnect, type Connect, type Order, type Tick } from 'kiteconnect';
import type { IsoInstant } from '@robo/domain';
import type { Broker, BrokerAck, BrokerOrder, BrokerOrderChanges, ExecutionReport, ReportChannel } from '@robo/paper';
import type { KiteTickMode, KiteTickSource } from './kite-market-data-feed';
import { KITE_ORDER_LIMITS, OrderRateLimiter, type OrderRateLimits } from './order-rate-limiter';
import { readKiteSnapshot, type KiteListedOrder, type KiteSnapshot } from './kite-snapshot';
import { equityResolver, kiteTagOf, toKiteModifyParams, toKitePlaceParams, type KiteInstrumentResolver } from './kite-params';
import { KiteApiError, KiteOrderRefused, asKiteError, kiteCall } from './kite-errors';
import { KiteOrderReports, type KiteBrokerLogger, type KiteOrderUpdate, type Routed } from './kite-order-reports';
import { KiteTickerConnection } from './kite-ticker-connection';

export { KiteApiError, KiteOrderRefused, asKiteError } from './kite-errors';
export type { KiteBrokerLogger, KiteOrderUpdate } from './kite-order-reports';

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

const noopLogger: KiteBrokerLogger = { info: () => undefined, warn: () => undefined };

/**
 * The Broker port on Zerodha Kite Connect, through the official `kiteconnect` client (KiteConnect for REST,
 * KiteTicker for order updates on the ticker socket). A 200 from Kite only means the order was accepted: every
 * later status comes back as a report (BROKER_STATUS for each change, with Kite's message; FILL for each Kite trade,
 * its trade id as the fill id, before the status that shows it; TRIGGERED when a stop order leaves TRIGGER PENDING).
 * The same trade arriving over the ticker, a postback and the trades poll is reported once. What a status means for
 * the order (a rejection, an exchange cancel) is decided in the domain (decideBrokerUpdate), not here.
 *
 * Its parts: the order reports and their dedupe (KiteOrderReports), the ticker socket and its reconnection
 * (KiteTickerConnection); here the order requests (place, modify, cancel, the lookup by tag, the client-side
 * limits) and the catch-up from `GET /orders` after every (re)connection. One process holds one KiteBroker with a
 * ticker (KiteTicker keeps its socket in module state; Kite issues one session per user and app anyway).
 */
export class KiteBroker implements Broker, KiteTickSource {
  readonly name = 'kite';
  private readonly kc: Connect;
  private readonly ticker: KiteTickerConnection | null;
  private readonly reports: KiteOrderReports;
  private closed = false;
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
    this.reports = new KiteOrderReports(this.kc, this.logger, options.now);
    this.ticker =
      options.tickerRoot === null
        ? null
        : new KiteTickerConnection(
            { apiKey: options.apiKey, root: options.tickerRoot ?? undefined, reconnectDelaysMs: options.reconnectDelaysMs, logger: this.logger },
            {
              orderUpdate: (update) => void this.handleSocketUpdate(update),
              ticks: (ticks) => {
                for (const l of [...this.tickListeners]) l(ticks);
              },
              connected: (first) => {
                void this.poll('reconciler')
                  .catch((error) => this.logger.warn({ err: error }, 'catch-up after connecting failed'))
                  .then(() => {
                    for (const l of [...this.connectedListeners]) l(first);
                  });
              },
            },
          );
  }

  /** Opens the ticker socket (order updates); resolves on the first connection. */
  async start(): Promise<void> {
    const ticker = this.ticker;
    if (!ticker) return;
    await new Promise<void>((resolve) => {
      const off = this.onConnected(() => {
        off();
        resolve();
      });
      ticker.open(this.options.accessToken);
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
    this.ticker?.subscribe(mode, tokens);
  }

  get tickerConnected(): boolean {
    return this.ticker?.connected ?? false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ticker?.close();
    await this.reports.idle();
  }

  /**
   * The day's new access token (the daily login): later requests use it, and the ticker socket is opened again with
   * it (or for the first time, when the adapter had no token to start with).
   */
  setAccessToken(accessToken: string): void {
    if (accessToken === this.options.accessToken || this.closed) return;
    this.options.accessToken = accessToken;
    this.kc.setAccessToken(accessToken);
    this.ticker?.open(accessToken);
  }

  get hasAccessToken(): boolean {
    return this.options.accessToken !== '';
  }

  onExecution(listener: (report: ExecutionReport) => void | Promise<void>): () => void {
    return this.reports.onExecution(listener);
  }

  /** The Kite tag of one of our orders. */
  tagOf(orderId: string): string {
    return kiteTagOf(orderId);
  }

  /** Kite's order id of one of our orders, when known. */
  brokerOrderIdOf(orderId: string): string | null {
    return this.reports.known(orderId)?.brokerOrderId ?? null;
  }

  /**
   * Places the order (`POST /orders/regular`, tagged with kiteTagOf(orderId)). An order already routed answers its
   * Kite id again. When the answer is lost the order may exist at Kite: it is looked up by its tag before anything
   * else (never a blind retry); not found, the error stands and nothing was placed. With `lookUpFirst` (an order
   * accepted before this process started) the tag is looked up before placing. `foundByTag`: the order was found
   * at Kite, not placed by this call.
   */
  async submit(order: BrokerOrder, options: { lookUpFirst?: boolean } = {}): Promise<BrokerAck & { foundByTag?: boolean }> {
    const known = this.reports.known(order.orderId);
    if (known?.brokerOrderId) return { brokerOrderId: known.brokerOrderId };
    const instrument = this.resolver(order.instrument);
    if (!instrument) throw new KiteOrderRefused('InputException', `${order.instrument} has no Kite trading symbol here (derivatives need the instrument master)`);
    const params = toKitePlaceParams(order, instrument);
    const routed = this.reports.track(order);
    if (options.lookUpFirst) {
      // An order accepted before a restart may be at Kite already (placed, then the process died before recording it).
      const found = await this.findByTag(routed.tag).catch((error: unknown) => {
        this.reports.untrack(routed);
        throw error;
      });
      if (found) {
        this.logger.info({ orderId: order.orderId, brokerOrderId: found.order_id }, 'order found at Kite by its tag; not placed again');
        this.reports.bind(routed, found.order_id);
        this.reports.enqueue(() => this.reports.apply(routed, found, 'reconciler'));
        return { brokerOrderId: found.order_id, foundByTag: true };
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
      this.reports.bind(routed, order_id);
      return { brokerOrderId: order_id };
    } catch (raw) {
      const error = asKiteError(raw);
      if (error.answerLost) {
        const found = await this.findByTag(routed.tag);
        if (found) {
          this.logger.warn({ orderId: order.orderId, brokerOrderId: found.order_id }, 'place answer lost; the order was found at Kite by its tag');
          this.reports.bind(routed, found.order_id);
          this.reports.enqueue(() => this.reports.apply(routed, found, 'reconciler'));
          return { brokerOrderId: found.order_id, foundByTag: true };
        }
      }
      this.reports.untrack(routed);
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
    const routed = this.reports.known(orderId);
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
    const routed = this.reports.track(order);
    for (const id of recordedFillIds) routed.fillIds.add(id);
    if (brokerOrderId) this.reports.bind(routed, brokerOrderId);
  }

  /** An order update from the ticker socket. */
  handleSocketUpdate(update: KiteOrderUpdate): Promise<void> {
    return this.reports.enqueue(() => this.reports.applyUpdate(update, 'socket'));
  }

  /**
   * A postback body (already JSON-decoded). Its checksum must be sha256(order_id + order_timestamp + api_secret);
   * otherwise it is refused (false) and nothing is reported.
   */
  async handlePostback(body: unknown): Promise<boolean> {
    if (!this.verifyPostback(body)) return false;
    await this.reports.enqueue(() => this.reports.applyUpdate(body as KiteOrderUpdate, 'postback'));
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
    return this.reports.enqueue(async () => {
      const orders = await kiteCall(() => this.kc.getOrders());
      for (const o of orders) {
        const routed = this.reports.routedOf(o);
        if (routed) await this.reports.apply(routed, o, channel);
      }
      const trades = await kiteCall(() => this.kc.getTrades());
      for (const t of trades) {
        const routed = this.reports.ofBrokerId(t.order_id);
        if (routed) await this.reports.reportTrade(routed, t, channel);
      }
    });
  }

  /**
   * A reconciliation pass's reads: first the catch-up from `GET /orders` and `GET /trades` (every execution missed
   * on the other channels is reported, channel `reconciler`), then what Kite shows (its orders and day positions).
   */
  async reconcile(): Promise<KiteSnapshot> {
    await this.poll('reconciler');
    return kiteCall(() => readKiteSnapshot(this.kc));
  }

  /** Kite's orders of the day as listed now (`GET /orders`), whoever placed them. */
  async listOrders(): Promise<KiteListedOrder[]> {
    return (await kiteCall(() => readKiteSnapshot(this.kc, { positions: false }))).orders;
  }

  /** Whether this adapter follows one of our orders (routed by this process, resumed, or being placed). */
  isTracking(orderId: string): boolean {
    return this.reports.known(orderId) !== undefined;
  }

  /** Resolves once every update received so far has been reported. */
  idle(): Promise<void> {
    return this.reports.idle();
  }

  // ---- internals ----

  private requireRouted(orderId: string): Routed {
    const routed = this.reports.known(orderId);
    if (!routed?.brokerOrderId) throw new Error(`order ${orderId} was not routed to Kite`);
    return routed;
  }

  private async findByTag(tag: string): Promise<Order | undefined> {
    const orders = await kiteCall(() => this.kc.getOrders());
    return orders.find((o) => o.tag === tag || (o.tags ?? []).includes(tag));
  }

  private async refresh(routed: Routed, channel: ReportChannel): Promise<void> {
    await this.reports.enqueue(async () => {
      const history = await kiteCall(() => this.kc.getOrderHistory(routed.brokerOrderId as string));
      const last = history.at(-1);
      if (last) await this.reports.apply(routed, last, channel);
    });
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
}
