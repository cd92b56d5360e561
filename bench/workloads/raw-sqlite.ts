import Database from 'better-sqlite3';
import { migrate } from '@robo/event-store/sqlite/sqlite-schema';
import { diskBytesWritten } from '../harness/disk';
import { newId, orderStreamEvent } from '../harness/events';
import { nowMs } from '../harness/stats';
import type { ScratchDir } from '../harness/temp';

type Row = [string, number, string, string, string, string, string];

/** The rows the event store would write for `count` order events over `streams` streams, already serialised. */
function rows(count: number, streams: number): Row[] {
  const ids = Array.from({ length: streams }, () => ({ orderId: newId(), accountId: newId() }));
  const recordedAt = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const { orderId, accountId } = ids[i % streams];
    const revision = Math.floor(i / streams);
    const event = orderStreamEvent(orderId, accountId, revision);
    return [`order-${orderId}`, revision, event.metadata.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt];
  });
}

/** Same file settings and schema (table and indexes) as SqliteEventStore: WAL, synchronous=FULL. */
function openRaw(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  return db;
}

const INSERT = 'INSERT INTO events (stream_name, stream_revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)';

/** The physical reference: every row in ONE transaction, one fsync. Rows are serialised before the clock starts. */
export function rawSingleTransaction(scratch: ScratchDir, count: number): { rowsPerSecond: number; rows: number } {
  const file = scratch.file('raw-single-tx.db');
  const db = openRaw(file);
  try {
    const data = rows(count, 100);
    const insert = db.prepare(INSERT);
    const start = nowMs();
    db.transaction(() => {
      for (const row of data) insert.run(...row);
    })();
    const ms = nowMs() - start;
    return { rowsPerSecond: (count / ms) * 1000, rows: count };
  } finally {
    db.close();
    scratch.remove(file);
  }
}

/**
 * `rowsPerTx` rows per transaction (one fsync each) for durationMs, each transaction touching `streamsPerTx` streams:
 * 1 row per transaction is what appends cost without group commit; 64 rows over 64 streams is exactly what a group
 * commit of 64 single-event appends writes; 100 rows on one stream is a batch append.
 */
export function rawTransactions(
  scratch: ScratchDir,
  rowsPerTx: number,
  streamsPerTx: number,
  durationMs: number,
): { rowsPerSecond: number; rows: number; diskBytesPerRow: number | null } {
  const file = scratch.file(`raw-${rowsPerTx}-per-tx.db`);
  const db = openRaw(file);
  try {
    const insert = db.prepare(INSERT);
    const writeTx = db.transaction((batch: Row[]) => {
      for (const row of batch) insert.run(...row);
    });
    const streams = Array.from({ length: streamsPerTx }, () => ({ orderId: newId(), accountId: newId(), revision: 0 }));
    let n = 0;
    let serialiseMs = 0;
    const diskBefore = diskBytesWritten();
    const start = nowMs();
    while (nowMs() - start < durationMs) {
      const s0 = nowMs();
      const batch: Row[] = [];
      const recordedAt = new Date().toISOString();
      for (let k = 0; k < rowsPerTx; k += 1) {
        const stream = streams[k % streamsPerTx];
        const event = orderStreamEvent(stream.orderId, stream.accountId, stream.revision);
        batch.push([`order-${stream.orderId}`, stream.revision, event.metadata.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt]);
        stream.revision += 1;
      }
      serialiseMs += nowMs() - s0;
      writeTx.immediate(batch);
      n += rowsPerTx;
    }
    // Building the rows is not storage work: it is taken out of the elapsed time.
    const ms = nowMs() - start - serialiseMs;
    const diskAfter = diskBytesWritten();
    return { rowsPerSecond: (n / ms) * 1000, rows: n, diskBytesPerRow: diskBefore === null || diskAfter === null ? null : (diskAfter - diskBefore) / Math.max(1, n) };
  } finally {
    db.close();
    scratch.remove(file);
  }
}
