import type { EventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, SqliteReadModelStore } from '@robo/read-models';
import { nowMs } from '../harness/stats';
import type { ScratchDir } from '../harness/temp';

export interface CatchUpFigures {
  seconds: number;
  /** Log events per second brought through every projection. */
  eventsPerSecond: number;
  events: bigint;
  documents: Record<string, number>;
}

/**
 * Workload 4: the projector as it runs in production (one loop per projection, default batch size) started on an
 * empty read store over an existing log; timed until every projection's checkpoint reaches the head.
 */
export async function projectorCatchUp(scratch: ScratchDir, eventStore: EventStore): Promise<CatchUpFigures> {
  const file = scratch.file('catch-up-reads.db');
  const readStore = SqliteReadModelStore.open({ file });
  const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS });
  try {
    const head = await eventStore.headPosition();
    const start = nowMs();
    runner.start();
    const reached = await runner.waitForPosition(head, 3_600_000);
    const seconds = (nowMs() - start) / 1000;
    if (!reached) throw new Error('projections did not reach the head');
    const documents: Record<string, number> = {};
    for (const p of ALL_PROJECTIONS) for (const c of p.collections) documents[c.name] = await readStore.count(c.name);
    return { seconds, eventsPerSecond: Number(head) / seconds, events: head, documents };
  } finally {
    await runner.stop();
    await readStore.close();
    scratch.remove(file);
  }
}

export interface RebuildFigures {
  seconds: number;
  /** Empty when the projections were rebuilt together (one pass over the log has no per-projection time). */
  perProjectionSeconds: Record<string, number>;
  events: bigint;
}

/**
 * Workload 5: ProjectionRunner.rebuildMany over every projection (reset, then one pass over the whole log feeding all
 * of them, secondary indexes created after the load). BENCH_REBUILD=each rebuilds them one after another instead.
 */
export async function rebuildAll(scratch: ScratchDir, eventStore: EventStore): Promise<RebuildFigures> {
  const file = scratch.file('rebuild-reads.db');
  const readStore = SqliteReadModelStore.open({ file });
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
      events = (await runner.rebuildMany()).checkpoint;
    }
    return { seconds: (nowMs() - start) / 1000, perProjectionSeconds, events };
  } finally {
    await readStore.close();
    scratch.remove(file);
  }
}
