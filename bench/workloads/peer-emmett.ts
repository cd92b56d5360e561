import { randomUUID } from 'node:crypto';
import { getSQLiteEventStore, sqliteConnection, type SQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { orderStreamEvent } from '../harness/events';
import { nowMs, repeat, Samples } from '../harness/stats';
import type { ScratchDir } from '../harness/temp';

/**
 * The peer: Emmett's SQLite event store (@event-driven-io/emmett-sqlite, node-sqlite3, WAL; its connections use
 * SQLite's default synchronous=FULL, checked below, so its appends are as durable as ours).
 * One store object shares one connection and nests transactions on it, so it cannot take concurrent appends
 * (they fail with SQLITE_BUSY / "Database is closed"): the writers' calls are queued one at a time here,
 * which is the best a caller can do with it.
 */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => withTimeout(work(), CALL_TIMEOUT_MS));
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** A call that never settles (seen once after a failed COMMIT) must not stall the queue and the run. */
const CALL_TIMEOUT_MS = 10_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`emmett-sqlite call did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function peerSynchronousPragma(file: string): Promise<number | null> {
  const conn = sqliteConnection({ fileName: file });
  try {
    const row = await conn.querySingle<{ synchronous: number }>('PRAGMA synchronous');
    return row?.synchronous ?? null;
  } finally {
    conn.close();
  }
}

type PeerEvent = { type: string; data: Record<string, unknown>; metadata: Record<string, unknown> };

function peerEvent(orderId: string, accountId: string, revision: number): PeerEvent {
  const e = orderStreamEvent(orderId, accountId, revision);
  return { type: e.type, data: e.data as Record<string, unknown>, metadata: { ...e.metadata } };
}

export interface PeerAppendFigures {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  events: number;
  synchronous: number | null;
  /** Appends that threw (emmett-sqlite 0.38.5 sometimes fails a COMMIT with SQLITE_BUSY "SQL statements in progress"). */
  failed: number;
  firstError: string | null;
}

export async function peerAppendSingleEvents(scratch: ScratchDir, writers: number, durationMs: number, warmupMs: number): Promise<PeerAppendFigures> {
  const file = scratch.file('emmett-append.db');
  const store: SQLiteEventStore = getSQLiteEventStore({ fileName: file });
  const serial = new Serial();
  try {
    const samples = new Samples();
    let counted = 0;
    const start = nowMs();
    const measureFrom = start + warmupMs;
    const end = measureFrom + durationMs;
    let failed = 0;
    let firstError: string | null = null;
    const loop = async () => {
      const orderId = randomUUID();
      const accountId = randomUUID();
      const stream = `order-${orderId}`;
      let version = 0n;
      for (let revision = 0; ; revision += 1) {
        const t0 = nowMs();
        if (t0 >= end) return;
        const event = peerEvent(orderId, accountId, revision);
        try {
          const result = await serial.run(() => store.appendToStream(stream, [event], { expectedStreamVersion: version }));
          version = result.nextExpectedStreamVersion;
        } catch (error) {
          // Counted, not fatal: the writer re-reads its stream's version and goes on, as a caller would.
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
          try {
            version = (await serial.run(() => store.readStream(stream))).currentStreamVersion;
          } catch {
            return;
          }
          continue;
        }
        const t1 = nowMs();
        if (t0 >= measureFrom && t1 <= end) {
          samples.add(t1 - t0);
          counted += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, loop));
    const synchronous = await peerSynchronousPragma(file);
    return {
      eventsPerSecond: (counted / (end - measureFrom)) * 1000,
      p50Ms: samples.percentile(50),
      p99Ms: samples.percentile(99),
      events: counted,
      synchronous,
      failed,
      firstError,
    };
  } finally {
    // The store opens and closes its connection around every call: nothing stays open.
    scratch.remove(file);
  }
}

/** Reads one stream of `length` events, `times` times; the stream is written first in batches of 100. */
export async function peerReadStream(scratch: ScratchDir, length: number, times: number): Promise<{ p50: number; p99: number; events: number }> {
  const file = scratch.file('emmett-read.db');
  const store = getSQLiteEventStore({ fileName: file });
  try {
    const orderId = randomUUID();
    const accountId = randomUUID();
    const stream = `order-${orderId}`;
    let version = 0n;
    for (let from = 0; from < length; from += 100) {
      const batch = Array.from({ length: Math.min(100, length - from) }, (_, k) => peerEvent(orderId, accountId, from + k));
      version = (await store.appendToStream(stream, batch, { expectedStreamVersion: version })).nextExpectedStreamVersion;
    }
    let events = 0;
    const stats = await repeat(times, 3, async () => {
      events = (await store.readStream(stream)).events.length;
    });
    return { ...stats, events };
  } finally {
    scratch.remove(file);
  }
}
