import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EventEnvelope } from '@robo/event-store';
import { SqliteEventStore, SqliteReactorCheckpoints, type ReactorCheckpointStore } from '@robo/event-store';
import { someEvents } from '@robo/event-store/testing/test-events';
import { SqliteReadModelStore } from '@robo/read-models';
import { loadConfig, systemWallClock } from '@robo/runtime';
import { SETTLEMENT_CHECKPOINT, SettlementReactorRunner } from './settlement-reactor.runner';
import type { SettlementReactor } from './settlement.reactor';

/** Records the positions it is handed; `reached(n)` resolves once it has handled n events. */
function recordingReactor() {
  const handled: bigint[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const reactor = {
    async handle(event: EventEnvelope) {
      handled.push(event.globalPosition);
      for (const w of waiting.filter((w) => handled.length >= w.count)) w.resolve();
      return { outcome: 'already-done' as const, result: 0n };
    },
  };
  const reached = (count: number) => new Promise<void>((resolve) => (handled.length >= count ? resolve() : waiting.push({ count, resolve })));
  return { reactor: reactor as unknown as SettlementReactor, handled, reached };
}

describe('SettlementReactorRunner checkpoint (kept with the event log)', () => {
  let dir: string;
  let events: SqliteEventStore;
  let reads: SqliteReadModelStore;
  const opened: ReactorCheckpointStore[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactor-checkpoint-'));
    events = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    reads = SqliteReadModelStore.open({ file: path.join(dir, 'read-models.db') });
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
    await events.close();
    await reads.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A runner as the app makes it, over its own connection to the event file (as a restarted process would). */
  function runnerWith(reactor: SettlementReactor) {
    const checkpoints = SqliteReactorCheckpoints.open({ file: path.join(dir, 'events.db') });
    opened.push(checkpoints);
    return new SettlementReactorRunner(reactor, events, checkpoints, reads, systemWallClock, loadConfig({ DATA_DIR: dir }));
  }

  async function fills(count: number) {
    await events.append(`order-${Math.random().toString(36).slice(2)}`, someEvents(count, 'OrderFilled'), { expectedRevision: 'any' });
  }

  it('resumes after a restart where it stopped: events handled before are not handed to it again', async () => {
    await fills(3);
    const first = recordingReactor();
    const before = runnerWith(first.reactor);
    before.onApplicationBootstrap();
    await first.reached(3);
    await before.beforeApplicationShutdown();
    expect(first.handled).toEqual([1n, 2n, 3n]);

    await fills(2);
    const second = recordingReactor();
    const after = runnerWith(second.reactor);
    after.onApplicationBootstrap();
    await second.reached(2);
    await after.beforeApplicationShutdown();
    // From the start again it would have been handed 1, 2 and 3 first.
    expect(second.handled).toEqual([4n, 5n]);
    // Kept in the event file, not in the read store.
    const reopened = SqliteReactorCheckpoints.open({ file: path.join(dir, 'events.db') });
    opened.push(reopened);
    expect(await reopened.load(SETTLEMENT_CHECKPOINT)).toBe(5n);
    expect(await reads.getCheckpoint(SETTLEMENT_CHECKPOINT)).toBe(0n);
  });

  it('takes over a checkpoint an older build kept in the read store, once', async () => {
    await fills(5);
    await reads.commit(SETTLEMENT_CHECKPOINT, [], 3n);
    const first = recordingReactor();
    const runner = runnerWith(first.reactor);
    runner.onApplicationBootstrap();
    await first.reached(2);
    await runner.beforeApplicationShutdown();
    expect(first.handled).toEqual([4n, 5n]);
    expect(await reads.getCheckpoint(SETTLEMENT_CHECKPOINT)).toBe(0n);

    // A value left at the old place later is not taken over again: the event side's checkpoint stands.
    await reads.commit(SETTLEMENT_CHECKPOINT, [], 1n);
    await fills(1);
    const second = recordingReactor();
    const again = runnerWith(second.reactor);
    again.onApplicationBootstrap();
    await second.reached(1);
    await again.beforeApplicationShutdown();
    expect(second.handled).toEqual([6n]);
  });
});
