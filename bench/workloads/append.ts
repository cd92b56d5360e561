import { SqliteEventStore } from '@robo/event-store';
import { diskBytesWritten } from '../harness/disk';
import { newId, orderStreamEvent, storedBytes } from '../harness/events';
import { nowMs, Samples } from '../harness/stats';
import type { ScratchDir } from '../harness/temp';

export interface AppendFigures {
  eventsPerSecond: number;
  appendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  events: number;
  /** Average events per committed transaction (group commit at work when > 1 for single-event appends). */
  eventsPerTransaction: number;
  averageEventBytes: number;
  /** Bytes the process wrote to storage per event over the whole run (WAL frames, checkpoints); null off Linux. */
  diskBytesPerEvent: number | null;
}

/** A writer's stream and its next expected revision, as a command handler would track it. */
interface Writer {
  stream: string;
  orderId: string;
  accountId: string;
  revision: number;
}

function newWriter(): Writer {
  const orderId = newId();
  return { stream: `order-${orderId}`, orderId, accountId: newId(), revision: 0 };
}

/**
 * `writers` concurrent loops, each appending one event per call to its own stream with the exact expected
 * revision, for warmupMs (not counted) then durationMs. Durable: the store runs with synchronous=FULL.
 * The store is opened as the product opens it (WAL checkpoint thread on, writer thread off) unless told otherwise.
 */
export async function appendSingleEvents(
  scratch: ScratchDir,
  writers: number,
  durationMs: number,
  warmupMs: number,
  options: { writerThread?: boolean; checkpointThread?: boolean } = {},
): Promise<AppendFigures> {
  const file = scratch.file(`append-${writers}${options.writerThread ? '-thread' : ''}.db`);
  const store = SqliteEventStore.open({ file, writerThread: options.writerThread ?? false, checkpointThread: options.checkpointThread ?? true });
  try {
    const samples = new Samples();
    let counted = 0;
    let bytes = 0;
    let sized = 0;
    const start = nowMs();
    const measureFrom = start + warmupMs;
    const end = measureFrom + durationMs;
    let txAtMeasureStart: { transactions: number; events: number } | null = null;
    const diskBefore = diskBytesWritten();
    const loop = async (writer: Writer) => {
      for (;;) {
        const t0 = nowMs();
        if (t0 >= end) return;
        if (txAtMeasureStart === null && t0 >= measureFrom) txAtMeasureStart = store.stats();
        const event = orderStreamEvent(writer.orderId, writer.accountId, writer.revision);
        const expectedRevision = writer.revision === 0 ? 'no_stream' : BigInt(writer.revision - 1);
        await store.append(writer.stream, [event], { expectedRevision });
        writer.revision += 1;
        const t1 = nowMs();
        if (t0 >= measureFrom && t1 <= end) {
          samples.add(t1 - t0);
          counted += 1;
          // Sizing every event would cost the writers more than the figure is worth: one in 64 is sampled.
          if (counted % 64 === 1) {
            bytes += storedBytes(event);
            sized += 1;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, () => loop(newWriter())));
    const measuredMs = end - measureFrom;
    const stats = store.stats();
    const diskAfter = diskBytesWritten();
    const base = txAtMeasureStart ?? { transactions: 0, events: 0 };
    return {
      eventsPerSecond: (counted / measuredMs) * 1000,
      appendsPerSecond: (counted / measuredMs) * 1000,
      p50Ms: samples.percentile(50),
      p99Ms: samples.percentile(99),
      events: counted,
      eventsPerTransaction: (stats.events - base.events) / Math.max(1, stats.transactions - base.transactions),
      averageEventBytes: bytes / Math.max(1, sized),
      diskBytesPerEvent: diskBefore === null || diskAfter === null ? null : (diskAfter - diskBefore) / Math.max(1, stats.events),
    };
  } finally {
    await store.close();
    scratch.remove(file);
  }
}

/** One writer appending `batchSize` events per call, rotating over 100 streams with exact expected revisions. */
export async function appendBatches(scratch: ScratchDir, batchSize: number, durationMs: number, warmupMs: number): Promise<AppendFigures> {
  const file = scratch.file(`batch-${batchSize}.db`);
  const store = SqliteEventStore.open({ file, checkpointThread: true });
  try {
    const writers = Array.from({ length: 100 }, newWriter);
    const samples = new Samples();
    let counted = 0;
    let bytes = 0;
    let sized = 0;
    const diskBefore = diskBytesWritten();
    const start = nowMs();
    const measureFrom = start + warmupMs;
    const end = measureFrom + durationMs;
    for (let i = 0; ; i += 1) {
      const t0 = nowMs();
      if (t0 >= end) break;
      const writer = writers[i % writers.length];
      const events = Array.from({ length: batchSize }, (_, k) => orderStreamEvent(writer.orderId, writer.accountId, writer.revision + k));
      const expectedRevision = writer.revision === 0 ? 'no_stream' : BigInt(writer.revision - 1);
      await store.append(writer.stream, events, { expectedRevision });
      writer.revision += batchSize;
      const t1 = nowMs();
      if (t0 >= measureFrom && t1 <= end) {
        samples.add(t1 - t0);
        counted += batchSize;
        // Sizing all 100 would cost more than the figure is worth: one event of each call is sampled.
        bytes += storedBytes(events[i % batchSize]);
        sized += 1;
      }
    }
    const measuredMs = end - measureFrom;
    const diskAfter = diskBytesWritten();
    const written = store.stats().events;
    return {
      diskBytesPerEvent: diskBefore === null || diskAfter === null ? null : (diskAfter - diskBefore) / Math.max(1, written),
      eventsPerSecond: (counted / measuredMs) * 1000,
      appendsPerSecond: (counted / batchSize / measuredMs) * 1000,
      p50Ms: samples.percentile(50),
      p99Ms: samples.percentile(99),
      events: counted,
      eventsPerTransaction: batchSize,
      averageEventBytes: bytes / Math.max(1, sized),
    };
  } finally {
    await store.close();
    scratch.remove(file);
  }
}
