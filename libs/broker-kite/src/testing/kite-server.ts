/**
 * A local Kite Connect server for tests, written from Kite Connect v3's public documentation
 * (https://kite.trade/docs/connect/v3/: orders, trades, portfolio, user, login flow, postbacks, WebSocket order
 * updates) and from what the official `kiteconnect` client sends. It is a stand-in for the protocol, not Zerodha's
 * server: no exchange, no margin or RMS checks beyond what a test asks for. Tests drive executions explicitly
 * (fill, reject, cancel races) and can break it on purpose (drop the socket, answer 429, expire the token, lose a
 * response after the order was accepted, place an order from "another terminal").
 *
 * Protocol points it keeps:
 * - REST: `X-Kite-Version: 3`, `Authorization: token api_key:access_token`, form-encoded bodies (GET and DELETE take
 *   query parameters), answers `{status:"success", data}` or `{status:"error", message, error_type}` with the
 *   documented HTTP codes (403 TokenException, 400 InputException/OrderException, 429, 503 NetworkException).
 * - Orders walk PUT ORDER REQ RECEIVED, VALIDATION PENDING, OPEN PENDING, OPEN (or REJECTED with `status_message`);
 *   partial executions change `filled_quantity`, `pending_quantity` and `average_price` of an OPEN order; COMPLETE,
 *   CANCELLED. Modifications pass MODIFY VALIDATION PENDING and MODIFY PENDING. `GET /orders/:id` is the history,
 *   oldest first. Timestamps are `YYYY-MM-DD HH:MM:SS` in IST; prices are rupees (numbers).
 * - Order updates go to every ticker socket as text frames `{"type":"order","data":{...}}` (orders placed anywhere),
 *   and, for orders placed with this app's api_key, as postbacks: a JSON POST to the postback URL with
 *   `checksum = sha256(order_id + order_timestamp + api_secret)` and status COMPLETE, CANCELLED, REJECTED or UPDATE
 *   (a modification or a partial fill of an open order).
 * - The ticker socket sends a 1-byte binary heartbeat every second; an invalid token is refused at the upgrade (403).
 * - Login: `POST /session/token` with `api_key`, `request_token`, `checksum = sha256(api_key + request_token +
 *   api_secret)` answers the session with a new `access_token` (the previous one stops working).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { kiteInstrumentRows, kiteInstrumentsCsv, kiteInstrumentToken, type DumpSpec } from './kite-instruments-dump';
import { KiteTickStream } from './kite-tick-stream';

export type KiteStatus =
  | 'PUT ORDER REQ RECEIVED'
  | 'VALIDATION PENDING'
  | 'OPEN PENDING'
  | 'OPEN'
  | 'TRIGGER PENDING'
  | 'MODIFY VALIDATION PENDING'
  | 'MODIFY PENDING'
  | 'CANCEL PENDING'
  | 'COMPLETE'
  | 'CANCELLED'
  | 'REJECTED';

/** An order as Kite shows it (one entry of `GET /orders`, of an order's history, or of an order update). */
export interface KiteOrderDoc {
  order_id: string;
  parent_order_id: null;
  exchange_order_id: string | null;
  placed_by: string;
  variety: string;
  status: KiteStatus | 'UPDATE';
  tradingsymbol: string;
  exchange: string;
  instrument_token: number;
  transaction_type: string;
  order_type: string;
  product: string;
  validity: string;
  validity_ttl: number;
  price: number;
  quantity: number;
  trigger_price: number;
  average_price: number;
  pending_quantity: number;
  filled_quantity: number;
  disclosed_quantity: number;
  cancelled_quantity: number;
  market_protection: number;
  order_timestamp: string;
  exchange_timestamp: string | null;
  exchange_update_timestamp: string | null;
  status_message: string | null;
  status_message_raw: string | null;
  meta: Record<string, unknown>;
  tag: string | null;
  tags?: string[];
  guid: string;
}

export interface KiteTradeDoc {
  trade_id: string;
  order_id: string;
  exchange_order_id: string | null;
  tradingsymbol: string;
  exchange: string;
  instrument_token: number;
  transaction_type: string;
  product: string;
  average_price: number;
  quantity: number;
  fill_timestamp: string;
  order_timestamp: string;
  exchange_timestamp: string;
}

export interface KiteServerOptions {
  apiKey: string;
  apiSecret: string;
  /** The access token valid at start (a session already made); unset: only a login makes one. */
  accessToken?: string;
  userId?: string;
  /** Where postbacks go (the app's registered postback URL); unset: none are sent. */
  postbackUrl?: string;
  /** The server's clock (order and fill timestamps). */
  now?: () => Date;
  /** The instrument master `GET /instruments` serves (default: a few NSE equities and indices). */
  instruments?: DumpSpec;
}

/** A CSV answer (the instrument master), not the JSON envelope. */
class CsvBody {
  constructor(readonly text: string) {}
}

export const DEFAULT_DUMP: DumpSpec = {
  equities: ['RELIANCE', 'INFY', 'TCS', 'HDFCBANK', 'ICICIBANK', 'SBIN', 'ITC'].map((tradingsymbol) => ({ tradingsymbol })),
  indices: [
    { tradingsymbol: 'NIFTY 50', name: 'NIFTY 50' },
    { tradingsymbol: 'NIFTY BANK', name: 'NIFTY BANK' },
  ],
};

export interface PlaceParams {
  tradingsymbol: string;
  exchange: string;
  transaction_type: string;
  order_type: string;
  quantity: number;
  product: string;
  validity?: string;
  validity_ttl?: number;
  price?: number;
  trigger_price?: number;
  tag?: string;
}

class KiteError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

const ORDER_TYPES = new Set(['MARKET', 'LIMIT', 'SL', 'SL-M']);
const PRODUCTS = new Set(['CNC', 'MIS', 'NRML', 'MTF']);
const VALIDITIES = new Set(['DAY', 'IOC', 'TTL']);
const SIDES = new Set(['BUY', 'SELL']);
const FINAL: ReadonlySet<string> = new Set(['COMPLETE', 'CANCELLED', 'REJECTED']);
const TAG = /^[A-Za-z0-9_-]{1,20}$/;

interface OrderRecord {
  current: KiteOrderDoc;
  history: KiteOrderDoc[];
  trades: KiteTradeDoc[];
  viaApp: boolean;
}

/** `YYYY-MM-DD HH:MM:SS` in IST, Kite's timestamp format. */
export function kiteTimestamp(at: Date): string {
  const ist = new Date(at.getTime() + 330 * 60_000);
  return ist.toISOString().slice(0, 19).replace('T', ' ');
}

export function postbackChecksum(orderId: string, orderTimestamp: string, apiSecret: string): string {
  return createHash('sha256').update(orderId + orderTimestamp + apiSecret).digest('hex');
}

export class KiteServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private readonly orders = new Map<string, OrderRecord>();
  private readonly requestTokens = new Set<string>();
  private readonly now: () => Date;
  private accessToken: string | null;
  private orderSeq = 0;
  private tradeSeq = 0;
  private tooManyLeft = 0;
  private unavailable = false;
  private dropResponsesLeft = 0;
  private holdPlacesLeft = 0;
  private orderFramesMuted = false;
  private readonly heldAnswers: ServerResponse[] = [];
  private readonly heldWaiters: (() => void)[] = [];
  private rejectNextWith: string | null = null;
  private readonly fillBeforeCancel = new Map<string, { quantity: number; price: number }>();
  private heartbeat: NodeJS.Timeout | null = null;
  private postbacksToLose = 0;
  private postbackUrl: string | null;
  private postbackChain: Promise<void> = Promise.resolve();
  private readonly positionOffsets = new Map<string, number>();
  /** Market data: the ticker sockets' subscriptions, and `ticks.send([...])` to stream binary quotes to them. */
  readonly ticks = new KiteTickStream();
  private instrumentsCsv: string;
  /** Every REST request received, in order: `METHOD /path` (for tests that count what reached the broker). */
  readonly requests: string[] = [];
  /** Every postback attempted, with the HTTP status the receiver answered. */
  readonly postbacks: { body: KiteOrderDoc & { checksum: string; user_id: string; app_id: number }; status: number }[] = [];

  private constructor(private readonly options: KiteServerOptions) {
    this.now = options.now ?? (() => new Date());
    this.accessToken = options.accessToken ?? null;
    this.postbackUrl = options.postbackUrl ?? null;
    this.instrumentsCsv = kiteInstrumentsCsv(kiteInstrumentRows(options.instruments ?? DEFAULT_DUMP));
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const ok = url.searchParams.get('api_key') === this.options.apiKey && this.tokenValid(url.searchParams.get('access_token'));
      if (!ok) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.ticks.attach(ws);
        this.wss.emit('connection', ws, req);
      });
    });
  }

  static async start(options: KiteServerOptions): Promise<KiteServer> {
    const server = new KiteServer(options);
    await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
    server.heartbeat = setInterval(() => {
      for (const ws of server.wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.alloc(1));
    }, 1000);
    server.heartbeat.unref();
    return server;
  }

  /** REST root, for `new KiteConnect({ root })`. */
  get root(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Ticker root, for `new KiteTicker({ root })`. */
  get tickerRoot(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/`;
  }

  get currentAccessToken(): string | null {
    return this.accessToken;
  }

  /** Ticker sockets open now. */
  get tickerClients(): number {
    return [...this.wss.clients].filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.postbackChain;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---- controls for tests ----

  /** What Kite's login page puts in the redirect (`?request_token=...`) after the user logs in. */
  issueRequestToken(): string {
    const token = randomBytes(16).toString('hex');
    this.requestTokens.add(token);
    return token;
  }

  /** The day's token expires (Kite: around 06:00 IST): REST answers TokenException, ticker sockets close. */
  expireToken(): void {
    this.accessToken = null;
    for (const ws of this.wss.clients) ws.close(1000, 'token expired');
  }

  /** What `GET /instruments` serves from now on: a generated dump, or any text (a malformed file). */
  setInstruments(dump: DumpSpec | string): void {
    this.instrumentsCsv = typeof dump === 'string' ? dump : kiteInstrumentsCsv(kiteInstrumentRows(dump));
  }

  /** The next n REST requests answer 429 "Too many requests" without doing anything. */
  answerTooManyRequests(n: number): void {
    this.tooManyLeft = n;
  }

  /**
   * Kite is down (an outage, its gateway failing): until turned off again every REST request answers 503
   * NetworkException without doing anything.
   */
  setUnavailable(down: boolean): void {
    this.unavailable = down;
  }

  /** The next n REST requests are carried out but their connection is destroyed before the answer. */
  loseResponses(n: number): void {
    this.dropResponsesLeft = n;
  }

  /**
   * The next n places are carried out (the order exists, OPEN) but their answer is never sent: the caller waits
   * until the server closes (a process that dies meanwhile never learns the order id).
   */
  holdPlaceAnswers(n: number): void {
    this.holdPlacesLeft = n;
  }

  /** While muted, order updates are not sent on the ticker sockets (the frames are lost; REST still shows them). */
  muteOrderFrames(muted: boolean): void {
    this.orderFramesMuted = muted;
  }

  /** Resolves once a place answer is held (the order exists at the server). */
  placeAnswerHeld(): Promise<void> {
    if (this.heldAnswers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  /** The next placed order is accepted (an order id answered) and then rejected by the RMS with this message. */
  rejectNextOrder(message: string): void {
    this.rejectNextWith = message;
  }

  /** When a cancel of this order arrives, this execution happens first (the exchange filled it on the way). */
  fillBeforeNextCancel(orderId: string, quantity: number, price: number): void {
    this.fillBeforeCancel.set(orderId, { quantity, price });
  }

  /** Where postbacks go from now on (the app's postback URL, once the receiver listens). */
  setPostbackUrl(url: string | null): void {
    this.postbackUrl = url;
  }

  /** The next n postbacks are never sent (the receiver was down, the webhook lost). */
  losePostbacks(n: number): void {
    this.postbacksToLose = n;
  }

  /**
   * The day position of an NSE symbol shows `by` more than its trades (a position moved at the broker outside any
   * order this app can see: a conversion, a dealer's adjustment). 0 puts it back.
   */
  offsetPosition(tradingsymbol: string, by: number): void {
    this.positionOffsets.set(tradingsymbol, by);
  }

  /** Closes every ticker socket abruptly (no close frame), as a network drop would. */
  dropSockets(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  /** An execution of `quantity` at `price` rupees: a trade, the order's fill fields, an update on every channel. */
  fill(orderId: string, quantity: number, price: number): KiteTradeDoc {
    const record = this.record(orderId);
    const o = record.current;
    if (FINAL.has(o.status)) throw new Error(`order ${orderId} is ${o.status}`);
    if (quantity <= 0 || quantity > o.pending_quantity) throw new Error(`cannot fill ${quantity} of ${o.pending_quantity} pending`);
    const at = kiteTimestamp(this.now());
    const filled = o.filled_quantity + quantity;
    const average = Math.round(((o.average_price * o.filled_quantity + price * quantity) / filled) * 100) / 100;
    const trade: KiteTradeDoc = {
      trade_id: String(10_000_000 + ++this.tradeSeq),
      order_id: o.order_id,
      exchange_order_id: o.exchange_order_id,
      tradingsymbol: o.tradingsymbol,
      exchange: o.exchange,
      instrument_token: o.instrument_token,
      transaction_type: o.transaction_type,
      product: o.product,
      average_price: price,
      quantity,
      fill_timestamp: at,
      order_timestamp: o.order_timestamp,
      exchange_timestamp: at,
    };
    record.trades.push(trade);
    const complete = filled === o.quantity;
    this.transition(record, {
      status: complete ? 'COMPLETE' : 'OPEN',
      filled_quantity: filled,
      pending_quantity: o.quantity - filled,
      average_price: average,
      exchange_update_timestamp: at,
    }, complete ? 'COMPLETE' : 'UPDATE');
    return trade;
  }

  /** A stop order's trigger price is reached: TRIGGER PENDING becomes OPEN. */
  trigger(orderId: string): void {
    const record = this.record(orderId);
    if (record.current.status !== 'TRIGGER PENDING') throw new Error(`order ${orderId} is ${record.current.status}`);
    this.transition(record, { status: 'OPEN', exchange_update_timestamp: kiteTimestamp(this.now()) }, 'UPDATE');
  }

  /** An order placed from outside this app (Kite web, a dealer terminal): on the ticker, no postback, no tag. */
  placeExternal(params: PlaceParams): KiteOrderDoc {
    return this.place(params, false).current;
  }

  /** The exchange cancels the rest of an order by itself (an IOC's unfilled part, a TTL running out). */
  cancelByExchange(orderId: string, message: string): void {
    const record = this.record(orderId);
    this.transition(record, { status: 'CANCELLED', cancelled_quantity: record.current.pending_quantity, pending_quantity: 0, status_message: message }, 'CANCELLED');
  }

  /** The order as it stands, or undefined. */
  order(orderId: string): KiteOrderDoc | undefined {
    const record = this.orders.get(orderId);
    return record ? { ...record.current } : undefined;
  }

  /** The order with this tag, or undefined. */
  orderByTag(tag: string): KiteOrderDoc | undefined {
    return [...this.orders.values()].find((r) => r.current.tag === tag)?.current;
  }

  allOrders(): KiteOrderDoc[] {
    return [...this.orders.values()].map((r) => ({ ...r.current }));
  }

  allTrades(): KiteTradeDoc[] {
    return [...this.orders.values()].flatMap((r) => r.trades.map((t) => ({ ...t })));
  }

  /** Resolves once every postback sent so far has been answered. */
  async postbacksDelivered(): Promise<void> {
    await this.postbackChain;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}`);
    let body = '';
    for await (const chunk of req) body += chunk;
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (body && String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    }
    let status = 200;
    let payload: unknown;
    try {
      if (this.unavailable) throw new KiteError(503, 'NetworkException', 'Service unavailable');
      if (this.tooManyLeft > 0) {
        this.tooManyLeft -= 1;
        throw new KiteError(429, 'NetworkException', 'Too many requests');
      }
      if (req.headers['x-kite-version'] !== '3') throw new KiteError(400, 'InputException', 'Missing or invalid X-Kite-Version header.');
      const data = this.route(method, url.pathname, params, String(req.headers.authorization ?? ''));
      payload = data instanceof CsvBody ? data : { status: 'success', data };
    } catch (error) {
      if (!(error instanceof KiteError)) throw error;
      status = error.httpStatus;
      payload = { status: 'error', message: error.message, data: null, error_type: error.errorType };
    }
    if (this.holdPlacesLeft > 0 && status === 200 && method === 'POST' && url.pathname.startsWith('/orders/')) {
      this.holdPlacesLeft -= 1;
      this.heldAnswers.push(res);
      for (const w of this.heldWaiters.splice(0)) w();
      return;
    }
    if (this.dropResponsesLeft > 0 && status !== 429) {
      this.dropResponsesLeft -= 1;
      req.socket.destroy();
      return;
    }
    if (payload instanceof CsvBody) {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(payload.text);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  private route(method: string, path: string, params: Record<string, string>, authorization: string): unknown {
    if (method === 'POST' && path === '/session/token') return this.createSession(params);
    this.authenticate(authorization);
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'orders') {
      if (method === 'GET' && parts.length === 1) return this.allOrders();
      if (method === 'GET' && parts.length === 2) return this.record(parts[1], true).history.map((h) => ({ ...h }));
      if (method === 'GET' && parts.length === 3 && parts[2] === 'trades') return this.record(parts[1], true).trades.map((t) => ({ ...t }));
      if (parts[1] !== 'regular') {
        if (parts.length >= 2 && method !== 'GET') throw new KiteError(400, 'InputException', `Invalid variety: ${parts[1]}. This server knows only regular orders.`);
      } else {
        if (method === 'POST' && parts.length === 2) return { order_id: this.place(this.placeParams(params), true).current.order_id };
        if (method === 'PUT' && parts.length === 3) return { order_id: this.modify(parts[2], params) };
        if (method === 'DELETE' && parts.length === 3) return { order_id: this.cancel(parts[2]) };
      }
    }
    if (method === 'GET' && path === '/trades') return this.allTrades();
    if (method === 'GET' && parts[0] === 'instruments' && parts.length <= 2) return new CsvBody(this.instrumentsOf(parts[1]));
    if (method === 'GET' && path === '/portfolio/positions') return this.positions();
    if (method === 'GET' && path === '/user/profile') return this.profile();
    if (method === 'GET' && path === '/user/margins') return this.margins();
    throw new KiteError(404, 'GeneralException', 'Route not found');
  }

  /** The dump, or the rows of one exchange (`NSE` holds the indices too, as Kite's does). */
  private instrumentsOf(exchange: string | undefined): string {
    if (exchange === undefined) return this.instrumentsCsv;
    const [header, ...rows] = this.instrumentsCsv.trimEnd().split('\n');
    return [header, ...rows.filter((r) => r.split(',').at(-1) === exchange)].join('\n') + '\n';
  }

  private tokenValid(token: string | null): boolean {
    return this.accessToken !== null && token === this.accessToken;
  }

  private authenticate(authorization: string): void {
    const match = /^token ([^:]+):(.+)$/.exec(authorization);
    if (!match || match[1] !== this.options.apiKey || !this.tokenValid(match[2])) {
      throw new KiteError(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
    }
  }

  private createSession(params: Record<string, string>): unknown {
    const { api_key, request_token, checksum } = params;
    if (!api_key || !request_token || !checksum) throw new KiteError(400, 'InputException', 'Missing api_key, request_token or checksum');
    if (api_key !== this.options.apiKey) throw new KiteError(403, 'TokenException', 'Invalid `api_key`.');
    const expected = createHash('sha256').update(api_key + request_token + this.options.apiSecret).digest('hex');
    if (checksum !== expected) throw new KiteError(403, 'TokenException', 'Invalid `checksum`.');
    if (!this.requestTokens.delete(request_token)) throw new KiteError(403, 'TokenException', 'Token is invalid or has expired.');
    this.accessToken = randomBytes(16).toString('hex');
    return {
      ...this.profile(),
      api_key,
      access_token: this.accessToken,
      public_token: randomBytes(8).toString('hex'),
      refresh_token: '',
      enctoken: '',
      login_time: kiteTimestamp(this.now()),
    };
  }

  private profile() {
    const userId = this.options.userId ?? 'AB1234';
    return {
      user_id: userId,
      user_type: 'individual',
      email: `${userId.toLowerCase()}@example.com`,
      user_name: 'Local Kite User',
      user_shortname: 'Local',
      broker: 'ZERODHA',
      exchanges: ['NSE', 'NFO', 'BSE'],
      products: ['CNC', 'NRML', 'MIS'],
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      avatar_url: null,
      meta: { demat_consent: 'physical' },
    };
  }

  private margins() {
    const segment = (cash: number) => ({
      enabled: true,
      net: cash,
      available: { adhoc_margin: 0, cash, opening_balance: cash, live_balance: cash, collateral: 0, intraday_payin: 0 },
      utilised: { debits: 0, exposure: 0, m2m_realised: 0, m2m_unrealised: 0, option_premium: 0, payout: 0, span: 0, holding_sales: 0, turnover: 0, liquid_collateral: 0, stock_collateral: 0, delivery: 0 },
    });
    return { equity: segment(1_000_000), commodity: segment(0) };
  }

  /** Net positions of the day from the trades (every position here is a day position). */
  private positions() {
    const byKey = new Map<string, { t: KiteTradeDoc; buyQty: number; buyValue: number; sellQty: number; sellValue: number }>();
    for (const t of this.allTrades()) {
      const key = `${t.exchange}:${t.tradingsymbol}:${t.product}`;
      const p = byKey.get(key) ?? { t, buyQty: 0, buyValue: 0, sellQty: 0, sellValue: 0 };
      if (t.transaction_type === 'BUY') {
        p.buyQty += t.quantity;
        p.buyValue += t.quantity * t.average_price;
      } else {
        p.sellQty += t.quantity;
        p.sellValue += t.quantity * t.average_price;
      }
      byKey.set(key, p);
    }
    for (const symbol of this.positionOffsets.keys()) {
      if (![...byKey.values()].some((p) => p.t.tradingsymbol === symbol)) {
        const t: KiteTradeDoc = { trade_id: '', order_id: '', exchange_order_id: null, tradingsymbol: symbol, exchange: 'NSE', instrument_token: kiteInstrumentToken(symbol), transaction_type: 'BUY', product: 'CNC', average_price: 0, quantity: 0, fill_timestamp: '', order_timestamp: '', exchange_timestamp: '' };
        byKey.set(`NSE:${symbol}:CNC`, { t, buyQty: 0, buyValue: 0, sellQty: 0, sellValue: 0 });
      }
    }
    const offsetDone = new Set<string>();
    const net = [...byKey.values()].map(({ t, buyQty, buyValue, sellQty, sellValue }) => {
      const offset = t.exchange === 'NSE' && !offsetDone.has(t.tradingsymbol) ? (this.positionOffsets.get(t.tradingsymbol) ?? 0) : 0;
      offsetDone.add(t.tradingsymbol);
      const quantity = buyQty - sellQty + offset;
      const buyPrice = buyQty ? buyValue / buyQty : 0;
      const sellPrice = sellQty ? sellValue / sellQty : 0;
      return {
        tradingsymbol: t.tradingsymbol,
        exchange: t.exchange,
        instrument_token: t.instrument_token,
        product: t.product,
        quantity,
        overnight_quantity: 0,
        multiplier: 1,
        average_price: quantity > 0 ? buyPrice : quantity < 0 ? sellPrice : 0,
        close_price: 0,
        last_price: t.average_price,
        value: sellValue - buyValue,
        pnl: 0,
        m2m: 0,
        unrealised: 0,
        realised: 0,
        buy_quantity: buyQty,
        buy_price: buyPrice,
        buy_value: buyValue,
        buy_m2m: buyValue,
        sell_quantity: sellQty,
        sell_price: sellPrice,
        sell_value: sellValue,
        sell_m2m: sellValue,
        day_buy_quantity: buyQty,
        day_buy_price: buyPrice,
        day_buy_value: buyValue,
        day_sell_quantity: sellQty,
        day_sell_price: sellPrice,
        day_sell_value: sellValue,
      };
    });
    return { net, day: net.map((p) => ({ ...p })) };
  }

  // ---- orders ----

  private placeParams(p: Record<string, string>): PlaceParams {
    const need = ['tradingsymbol', 'exchange', 'transaction_type', 'order_type', 'quantity', 'product'];
    const missing = need.filter((k) => !p[k]);
    if (missing.length) throw new KiteError(400, 'InputException', `Missing ${missing.join(', ')}`);
    if (!SIDES.has(p.transaction_type)) throw new KiteError(400, 'InputException', 'Invalid `transaction_type`.');
    if (!ORDER_TYPES.has(p.order_type)) throw new KiteError(400, 'InputException', 'Invalid `order_type`.');
    if (!PRODUCTS.has(p.product)) throw new KiteError(400, 'InputException', 'Invalid `product`.');
    const validity = p.validity ?? 'DAY';
    if (!VALIDITIES.has(validity)) throw new KiteError(400, 'InputException', 'Invalid `validity`.');
    const quantity = Number(p.quantity);
    if (!Number.isInteger(quantity) || quantity <= 0) throw new KiteError(400, 'InputException', 'Invalid `quantity`.');
    const price = p.price === undefined ? 0 : Number(p.price);
    const trigger = p.trigger_price === undefined ? 0 : Number(p.trigger_price);
    if ((p.order_type === 'LIMIT' || p.order_type === 'SL') && !(price > 0)) throw new KiteError(400, 'InputException', 'Invalid `price`.');
    if ((p.order_type === 'SL' || p.order_type === 'SL-M') && !(trigger > 0)) throw new KiteError(400, 'InputException', 'Invalid `trigger_price`.');
    let ttl = 0;
    if (validity === 'TTL') {
      ttl = Number(p.validity_ttl);
      if (!Number.isInteger(ttl) || ttl < 1) throw new KiteError(400, 'InputException', 'Invalid `validity_ttl`.');
    }
    if (p.tag !== undefined && !TAG.test(p.tag)) throw new KiteError(400, 'InputException', 'Invalid `tag`: at most 20 alphanumeric characters.');
    return { tradingsymbol: p.tradingsymbol, exchange: p.exchange, transaction_type: p.transaction_type, order_type: p.order_type, quantity, product: p.product, validity, validity_ttl: ttl, price, trigger_price: trigger, tag: p.tag };
  }

  private place(p: PlaceParams, viaApp: boolean): OrderRecord {
    const now = this.now();
    const stamp = kiteTimestamp(now);
    const orderId = stamp.slice(2, 10).replace(/-/g, '') + String(++this.orderSeq).padStart(9, '0');
    const doc: KiteOrderDoc = {
      order_id: orderId,
      parent_order_id: null,
      exchange_order_id: null,
      placed_by: this.options.userId ?? 'AB1234',
      variety: 'regular',
      status: 'PUT ORDER REQ RECEIVED',
      tradingsymbol: p.tradingsymbol,
      exchange: p.exchange,
      instrument_token: kiteInstrumentToken(p.tradingsymbol, p.exchange === 'NFO' ? 'NFO' : 'NSE'),
      transaction_type: p.transaction_type,
      order_type: p.order_type,
      product: p.product,
      validity: p.validity ?? 'DAY',
      validity_ttl: p.validity_ttl ?? 0,
      price: p.price ?? 0,
      quantity: p.quantity,
      trigger_price: p.trigger_price ?? 0,
      average_price: 0,
      pending_quantity: p.quantity,
      filled_quantity: 0,
      disclosed_quantity: 0,
      cancelled_quantity: 0,
      market_protection: 0,
      order_timestamp: stamp,
      exchange_timestamp: null,
      exchange_update_timestamp: null,
      status_message: null,
      status_message_raw: null,
      meta: {},
      tag: p.tag ?? null,
      ...(p.tag ? { tags: [p.tag] } : {}),
      guid: randomBytes(6).toString('hex'),
    };
    const record: OrderRecord = { current: doc, history: [], trades: [], viaApp };
    this.orders.set(orderId, record);
    this.transition(record, {}, null);
    this.transition(record, { status: 'VALIDATION PENDING' }, null);
    if (viaApp && this.rejectNextWith !== null) {
      const message = this.rejectNextWith;
      this.rejectNextWith = null;
      this.transition(record, { status: 'REJECTED', status_message: message, status_message_raw: message, pending_quantity: 0 }, 'REJECTED');
      return record;
    }
    this.transition(record, { status: 'OPEN PENDING' }, null);
    const open = p.order_type === 'SL' || p.order_type === 'SL-M' ? 'TRIGGER PENDING' : 'OPEN';
    this.transition(record, { status: open, exchange_order_id: String(1_300_000_000_000_000 + this.orderSeq), exchange_timestamp: stamp, exchange_update_timestamp: stamp }, null);
    return record;
  }

  private modify(orderId: string, p: Record<string, string>): string {
    const record = this.record(orderId, true);
    const o = record.current;
    if (FINAL.has(o.status)) throw new KiteError(400, 'OrderException', `Order cannot be modified as it is ${o.status.toLowerCase()}.`);
    const changes: Partial<KiteOrderDoc> = {};
    if (p.quantity !== undefined) {
      const quantity = Number(p.quantity);
      if (!Number.isInteger(quantity) || quantity <= o.filled_quantity) throw new KiteError(400, 'InputException', 'Invalid `quantity`.');
      changes.quantity = quantity;
      changes.pending_quantity = quantity - o.filled_quantity;
    }
    if (p.price !== undefined) changes.price = Number(p.price);
    if (p.trigger_price !== undefined) changes.trigger_price = Number(p.trigger_price);
    if (p.order_type !== undefined) {
      if (!ORDER_TYPES.has(p.order_type)) throw new KiteError(400, 'InputException', 'Invalid `order_type`.');
      changes.order_type = p.order_type;
    }
    if (p.validity !== undefined) {
      if (!VALIDITIES.has(p.validity)) throw new KiteError(400, 'InputException', 'Invalid `validity`.');
      changes.validity = p.validity;
    }
    const resting = o.status;
    this.transition(record, { status: 'MODIFY VALIDATION PENDING' }, null);
    this.transition(record, { status: 'MODIFY PENDING' }, null);
    this.transition(record, { ...changes, status: resting, exchange_update_timestamp: kiteTimestamp(this.now()) }, 'UPDATE');
    return orderId;
  }

  private cancel(orderId: string): string {
    const record = this.record(orderId, true);
    const race = this.fillBeforeCancel.get(orderId);
    if (race) {
      this.fillBeforeCancel.delete(orderId);
      this.fill(orderId, race.quantity, race.price);
    }
    const o = record.current;
    if (FINAL.has(o.status)) throw new KiteError(400, 'OrderException', `Order cannot be cancelled as it is ${o.status.toLowerCase()}.`);
    this.transition(record, { status: 'CANCEL PENDING' }, null);
    this.transition(record, { status: 'CANCELLED', cancelled_quantity: o.pending_quantity, pending_quantity: 0, exchange_update_timestamp: kiteTimestamp(this.now()) }, 'CANCELLED');
    return orderId;
  }

  private record(orderId: string, asKiteError = false): OrderRecord {
    const record = this.orders.get(orderId);
    if (!record) {
      if (asKiteError) throw new KiteError(400, 'InputException', `Invalid order_id: ${orderId}`);
      throw new Error(`no order ${orderId}`);
    }
    return record;
  }

  /**
   * Moves an order to a new state: a history entry, a ticker frame, and (for orders of this app, at the documented
   * postback statuses) a postback.
   */
  private transition(record: OrderRecord, changes: Partial<KiteOrderDoc>, postbackStatus: 'COMPLETE' | 'CANCELLED' | 'REJECTED' | 'UPDATE' | null): void {
    record.current = { ...record.current, ...changes };
    const snapshot = { ...record.current };
    record.history.push(snapshot);
    const frame = JSON.stringify({ type: 'order', id: '', data: snapshot });
    if (!this.orderFramesMuted) for (const ws of this.wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    if (postbackStatus && record.viaApp && this.postbackUrl) this.sendPostback({ ...snapshot, status: postbackStatus });
  }

  private sendPostback(doc: KiteOrderDoc): void {
    if (this.postbacksToLose > 0) {
      this.postbacksToLose -= 1;
      return;
    }
    const url = this.postbackUrl as string;
    const body = {
      ...doc,
      user_id: this.options.userId ?? 'AB1234',
      app_id: 1234,
      unfilled_quantity: doc.pending_quantity,
      checksum: postbackChecksum(doc.order_id, doc.order_timestamp, this.options.apiSecret),
    };
    this.postbackChain = this.postbackChain.then(async () => {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        await res.arrayBuffer();
        this.postbacks.push({ body, status: res.status });
      } catch {
        this.postbacks.push({ body, status: 0 });
      }
    });
  }
}
