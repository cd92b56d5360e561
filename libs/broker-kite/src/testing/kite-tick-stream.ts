/**
 * The local Kite server's market data, written from Kite Connect v3's WebSocket streaming documentation
 * (https://kite.trade/docs/connect/v3/websocket/): a client subscribes with text messages `{"a":"subscribe","v":[tokens]}`
 * (mode quote by default), `{"a":"mode","v":["ltp"|"quote"|"full",[tokens]]}` and `{"a":"unsubscribe","v":[tokens]}`;
 * quotes come as binary frames, big-endian: a 2-byte number of packets, then for each a 2-byte length and the packet.
 * Prices are int32 paise (equities; currencies use other divisors and are not served here). Packet sizes: ltp 8;
 * quote 44 (indices 28); full 184 (indices 32). An instrument token's low byte is its segment (9: indices).
 */
import { WebSocket } from 'ws';

export type KiteTickMode = 'ltp' | 'quote' | 'full';

/** What the server is told to send for one instrument; prices in paise, times in epoch seconds. */
export interface ServerTick {
  token: number;
  lastPaise: number;
  lastQuantity?: number;
  averagePaise?: number;
  /** Volume traded today (cumulative). */
  volume?: number;
  buyQuantity?: number;
  sellQuantity?: number;
  ohlcPaise?: { open: number; high: number; low: number; close: number };
  lastTradeTime?: number;
  exchangeTime?: number;
  oi?: number;
  /** Five levels each side at most: [quantity, price in paise, orders]. */
  bids?: [number, number, number][];
  asks?: [number, number, number][];
}

const INDICES_SEGMENT = 9;

export function isIndexToken(token: number): boolean {
  return (token & 0xff) === INDICES_SEGMENT;
}

/** One packet of `tick` in `mode`, laid out as the documentation's tables say. */
export function encodeTickPacket(tick: ServerTick, mode: KiteTickMode): Buffer {
  const ohlc = tick.ohlcPaise ?? { open: 0, high: 0, low: 0, close: 0 };
  if (mode === 'ltp') {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(tick.token, 0);
    b.writeInt32BE(tick.lastPaise, 4);
    return b;
  }
  if (isIndexToken(tick.token)) {
    const b = Buffer.alloc(mode === 'full' ? 32 : 28);
    b.writeUInt32BE(tick.token, 0);
    b.writeInt32BE(tick.lastPaise, 4);
    b.writeInt32BE(ohlc.high, 8);
    b.writeInt32BE(ohlc.low, 12);
    b.writeInt32BE(ohlc.open, 16);
    b.writeInt32BE(ohlc.close, 20);
    b.writeInt32BE(tick.lastPaise - ohlc.close, 24);
    if (mode === 'full') b.writeUInt32BE(tick.exchangeTime ?? 0, 28);
    return b;
  }
  const b = Buffer.alloc(mode === 'full' ? 184 : 44);
  b.writeUInt32BE(tick.token, 0);
  b.writeInt32BE(tick.lastPaise, 4);
  b.writeInt32BE(tick.lastQuantity ?? 0, 8);
  b.writeInt32BE(tick.averagePaise ?? 0, 12);
  b.writeInt32BE(tick.volume ?? 0, 16);
  b.writeInt32BE(tick.buyQuantity ?? 0, 20);
  b.writeInt32BE(tick.sellQuantity ?? 0, 24);
  b.writeInt32BE(ohlc.open, 28);
  b.writeInt32BE(ohlc.high, 32);
  b.writeInt32BE(ohlc.low, 36);
  b.writeInt32BE(ohlc.close, 40);
  if (mode === 'full') {
    b.writeUInt32BE(tick.lastTradeTime ?? 0, 44);
    b.writeInt32BE(tick.oi ?? 0, 48);
    b.writeUInt32BE(tick.exchangeTime ?? 0, 60);
    const levels = [...padDepth(tick.bids), ...padDepth(tick.asks)];
    levels.forEach(([quantity, price, orders], i) => {
      const at = 64 + i * 12;
      b.writeInt32BE(quantity, at);
      b.writeInt32BE(price, at + 4);
      b.writeInt16BE(orders, at + 8);
    });
  }
  return b;
}

function padDepth(levels: [number, number, number][] = []): [number, number, number][] {
  return Array.from({ length: 5 }, (_, i) => levels[i] ?? [0, 0, 0]);
}

/** One binary message holding `packets`. */
export function encodeTickMessage(packets: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.alloc(2)];
  parts[0].writeUInt16BE(packets.length, 0);
  for (const p of packets) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(p.length, 0);
    parts.push(length, p);
  }
  return Buffer.concat(parts);
}

/** Subscriptions of each ticker socket, and the sending of ticks to the sockets subscribed to them. */
export class KiteTickStream {
  private readonly modes = new Map<WebSocket, Map<number, KiteTickMode>>();
  private readonly waiters = new Set<() => void>();
  /** Every subscription message received, in order (for tests of what a client asked for). */
  readonly messages: unknown[] = [];

  /** Starts following a ticker socket's subscription messages. */
  attach(ws: WebSocket): void {
    const modes = new Map<number, KiteTickMode>();
    this.modes.set(ws, modes);
    ws.on('close', () => this.modes.delete(ws));
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let message: { a?: unknown; v?: unknown };
      try {
        message = JSON.parse(String(raw)) as { a?: unknown; v?: unknown };
      } catch {
        return; // Kite ignores what it cannot read
      }
      this.messages.push(message);
      const tokens = (v: unknown): number[] => (Array.isArray(v) ? v.filter((t): t is number => Number.isInteger(t)) : []);
      if (message.a === 'subscribe') for (const t of tokens(message.v)) if (!modes.has(t)) modes.set(t, 'quote');
      if (message.a === 'unsubscribe') for (const t of tokens(message.v)) modes.delete(t);
      if (message.a === 'mode' && Array.isArray(message.v)) {
        const [mode, list] = message.v as [unknown, unknown];
        if (mode === 'ltp' || mode === 'quote' || mode === 'full') for (const t of tokens(list)) if (modes.has(t)) modes.set(t, mode);
      }
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** The tokens a socket subscribed to and their modes, over all open sockets. */
  subscriptions(): Map<number, KiteTickMode>[] {
    return [...this.modes.values()].map((m) => new Map(m));
  }

  /** Resolves once an open socket has subscribed every one of these tokens in this mode (woken by its messages). */
  whenSubscribed(tokens: readonly number[], mode: KiteTickMode): Promise<void> {
    const done = () => [...this.modes].some(([ws, m]) => ws.readyState === WebSocket.OPEN && tokens.every((t) => m.get(t) === mode));
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        if (!done()) return;
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /** A 1-byte heartbeat to every socket now (the server also sends one every second). */
  heartbeat(): void {
    for (const ws of this.modes.keys()) if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.alloc(1));
  }

  /** Sends one message to every socket, holding the packets of the ticks it subscribed to (in its modes). */
  send(ticks: readonly ServerTick[]): number {
    let sent = 0;
    for (const [ws, modes] of this.modes) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      const packets = ticks.filter((t) => modes.has(t.token)).map((t) => encodeTickPacket(t, modes.get(t.token) as KiteTickMode));
      if (packets.length === 0) continue;
      ws.send(encodeTickMessage(packets));
      sent += 1;
    }
    return sent;
  }
}
