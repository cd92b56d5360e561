import { KiteTicker, type Tick, type Ticker } from 'kiteconnect';
import type { KiteTickMode } from './kite-market-data-feed';
import type { KiteBrokerLogger, KiteOrderUpdate } from './kite-order-reports';

export interface KiteTickerOptions {
  apiKey: string;
  /** Ticker root (default Kite's own, wss://ws.kite.trade/). */
  root?: string;
  /** Delays between reconnection attempts; the last repeats. */
  reconnectDelaysMs?: number[];
  logger: KiteBrokerLogger;
}

export interface KiteTickerHandlers {
  orderUpdate(update: KiteOrderUpdate): void;
  ticks(ticks: readonly Tick[]): void;
  /** Each (re)connection; `first` for the first one of the process. */
  connected(first: boolean): void;
}

/**
 * The ticker socket (KiteTicker): order updates and ticks, reconnected with backoff by this class. The client's own
 * reconnection is off: on its give-up path it calls process.exit. A socket replaced or closed is ignored from then
 * on. KiteTicker keeps its socket in module state, so one process holds one of these.
 */
export class KiteTickerConnection {
  private ticker: Ticker | null = null;
  private closed = false;
  private connects = 0;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: KiteTickerOptions,
    private readonly handlers: KiteTickerHandlers,
  ) {}

  get connected(): boolean {
    return this.ticker?.connected() ?? false;
  }

  /** Subscribes instrument tokens in a mode (Kite's `subscribe` then `mode` messages); nothing while disconnected. */
  subscribe(mode: KiteTickMode, tokens: readonly number[]): void {
    if (!this.ticker?.connected() || tokens.length === 0) return;
    this.ticker.subscribe([...tokens]);
    this.ticker.setMode(mode, [...tokens]);
  }

  /** Opens the socket with this access token, replacing the one open (a new day's token). */
  open(accessToken: string): void {
    if (this.closed) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const previous = this.ticker;
    this.ticker = null;
    previous?.disconnect();
    this.connect(accessToken);
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.ticker?.disconnect();
    this.ticker = null;
  }

  private connect(accessToken: string): void {
    const ticker = new KiteTicker({
      api_key: this.options.apiKey,
      access_token: accessToken,
      reconnect: false,
      root: this.options.root,
    } as ConstructorParameters<typeof KiteTicker>[0]);
    this.ticker = ticker;
    const mine = () => !this.closed && this.ticker === ticker;
    ticker.on('order_update', (update: KiteOrderUpdate) => {
      if (mine()) this.handlers.orderUpdate(update);
    });
    ticker.on('ticks', (ticks: Tick[]) => {
      if (mine()) this.handlers.ticks(ticks);
    });
    ticker.on('connect', () => {
      if (!mine()) return;
      this.reconnectAttempt = 0;
      this.handlers.connected(this.connects++ === 0);
    });
    ticker.on('disconnect', () => {
      if (mine()) this.scheduleReconnect(accessToken);
    });
    ticker.on('error', () => {
      // The close that follows schedules the reconnection; the error itself is only logged.
      if (mine()) this.options.logger.warn({}, 'ticker socket error');
    });
    ticker.connect();
  }

  private scheduleReconnect(accessToken: string): void {
    if (this.closed || this.reconnectTimer) return;
    const delays = this.options.reconnectDelaysMs ?? [500, 1000, 2000, 5000, 10000, 30000];
    const delay = delays[Math.min(this.reconnectAttempt, delays.length - 1)];
    this.reconnectAttempt += 1;
    this.options.logger.warn({ attempt: this.reconnectAttempt, delayMs: delay }, 'ticker disconnected; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.connect(accessToken);
    }, delay);
  }
}
