import type { EventStore } from '@robo/event-store';
import * as fs from 'node:fs';
import { ALL_PROJECTIONS, ProjectionRunner } from '@robo/read-models';
import { openReadStore, rebuildInWorkers, stepInWorkers, type StoreConfig } from '@robo/runtime';
import { nowMs } from '../harness/stats';

export interface CatchUpFigures {
  seconds: number;
  /** Log events per second brought through every projection. */
  eventsPerSecond: number;
  events: bigint;
  documents: Record<string, number>;
}

/** The embedded stores of a data directory, as `npm start` opens them (read-models.db, and audit.db for the audit trail). */
function embedded(dataDir: string): StoreConfig {
  return { eventStore: 'sqlite', readStore: 'sqlite', dataDir, eventStoreUrl: null, mongoUrl: null };
}

/** Starts the runner and times it until every projection's checkpoint is at the log's head. */
async function runToHead(runner: ProjectionRunner, eventStore: EventStore): Promise<{ head: bigint; seconds: number }> {
  const head = await eventStore.headPosition();
  const start = nowMs();
  runner.start();
  const reached = await runner.waitForPosition(head, 3_600_000);
  const seconds = (nowMs() - start) / 1000;
  if (!reached) throw new Error('projections did not reach the head');
  return { head, seconds };
}

/**
 * Workload 4: the projector's live loop as the projector runs it (one read of each page for all projections, default
 * batch size, the audit trail stepped in a worker thread) paging through the log in `dataDir` from an empty read
 * store, without the initial load: the rate a running projector sustains. Timed until every projection's checkpoint
 * reaches the head. The read stores are made in `dataDir`, next to its events.db, and removed after.
 */
export async function projectorCatchUp(dataDir: string, eventStore: EventStore): Promise<CatchUpFigures> {
  const config = embedded(dataDir);
  const readStore = await openReadStore(config);
  const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, workerSteps: stepInWorkers(config) });
  try {
    const { head, seconds } = await runToHead(runner, eventStore);
    const documents: Record<string, number> = {};
    for (const p of ALL_PROJECTIONS) for (const c of p.collections) documents[c.name] = await readStore.count(c.name);
    return { seconds, eventsPerSecond: Number(head) / seconds, events: head, documents };
  } finally {
    await runner.stop();
    await readStore.close();
    removeReadStores(dataDir);
  }
}

/** Everything in the directory but the log. */
function removeReadStores(dataDir: string): void {
  for (const name of fs.readdirSync(dataDir)) if (!name.startsWith('events.db')) fs.rmSync(`${dataDir}/${name}`, { force: true });
}

/**
 * Workload 4, the other way a projector meets a long log: started on an empty read store (after an import, say), it
 * loads the log as a rebuild does (the audit trail in a worker thread) before going on page by page. Timed from
 * start() until every projection is at the head. The read stores are made in `dataDir`, next to its events.db.
 */
export async function projectorInitialLoad(dataDir: string, eventStore: EventStore): Promise<{ seconds: number; eventsPerSecond: number; events: bigint }> {
  const config = embedded(dataDir);
  const readStore = await openReadStore(config);
  const runner = new ProjectionRunner({
    eventStore,
    readStore,
    projections: ALL_PROJECTIONS,
    initialLoad: { minEvents: 1, workers: rebuildInWorkers(config) },
    workerSteps: stepInWorkers(config),
  });
  try {
    const { head, seconds } = await runToHead(runner, eventStore);
    return { seconds, eventsPerSecond: Number(head) / seconds, events: head };
  } finally {
    await runner.stop();
    await readStore.close();
    removeReadStores(dataDir);
  }
}

export interface RebuildFigures {
  seconds: number;
  /** Empty when the projections were rebuilt together (one pass over the log has no per-projection time). */
  perProjectionSeconds: Record<string, number>;
  events: bigint;
  /** Threads writing at once: 2 when the audit trail is rebuilt in its worker thread. */
  threads: number;
}

/**
 * Workload 5: a full rebuild of every projection from the log in `dataDir` (its events.db), as `robo projections
 * rebuild-all` runs it: the audit trail in a worker thread into audit.db, the others here into read-models.db, each
 * one pass over the log with secondary indexes created after the load. BENCH_REBUILD=serial rebuilds all of them in
 * this thread instead; BENCH_REBUILD=each one after another.
 */
export async function rebuildAll(dataDir: string, eventStore: EventStore): Promise<RebuildFigures> {
  const config = embedded(dataDir);
  const readStore = await openReadStore(config);
  const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS });
  try {
    const perProjectionSeconds: Record<string, number> = {};
    const start = nowMs();
    let events = 0n;
    if (process.env.BENCH_REBUILD === 'each') {
      for (const p of ALL_PROJECTIONS) {
        const t0 = nowMs();
        events = (await runner.rebuild(p.name)).checkpoint;
        perProjectionSeconds[p.name] = (nowMs() - t0) / 1000;
      }
    } else {
      events = (await runner.rebuildMany(undefined, process.env.BENCH_REBUILD === 'serial' ? {} : { workers: rebuildInWorkers(config) })).checkpoint;
    }
    return { seconds: (nowMs() - start) / 1000, perProjectionSeconds, events, threads: process.env.BENCH_REBUILD ? 1 : 2 };
  } finally {
    await readStore.close();
  }
}
