import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WallClock } from '@robo/clock';
import { SqliteEventStore } from '@robo/event-store';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { ProjectionRunner } from './projection-runner';
import { tallyEvent, tallyProjection } from './tally.fixture';

/** A wall clock that stands where the test puts it (far from the real time, so a real read would show). */
function standingClock(iso: string): WallClock & { set(iso: string): void } {
  let ms = Date.parse(iso);
  return {
    now: () => new Date(ms).toISOString(),
    nowMs: () => ms,
    monotonicMs: () => ms,
    set: (next) => (ms = Date.parse(next)),
  };
}

describe('the runner and the SQLite stores read time from the injected wall clock', () => {
  let dir: string;
  const opened: { close(): Promise<void> }[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-clock-'));
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stamps recordedAt, checkpoints and dead letters, and measures lag, by it', async () => {
    const clock = standingClock('2031-03-04T05:06:07.000Z');
    const eventStore = SqliteEventStore.open({ file: path.join(dir, 'events.db'), recordedAt: clock.now });
    const readStore = SqliteReadModelStore.open({ file: path.join(dir, 'reads.db'), clock });
    opened.push(readStore, eventStore);
    await eventStore.append('tally-a', [tallyEvent('a', 1), tallyEvent('a', 100, true)], { expectedRevision: 'any' });
    expect((await eventStore.readAll()).map((e) => e.recordedAt)).toEqual(['2031-03-04T05:06:07.000Z', '2031-03-04T05:06:07.000Z']);

    const runner = new ProjectionRunner({ eventStore, readStore, projections: [tallyProjection({ poisoned: () => true })], clock });
    clock.set('2031-03-04T05:06:37.000Z');
    const [before] = await runner.status();
    expect(before).toMatchObject({ lagEvents: 2n, lagSeconds: 30 });

    clock.set('2031-03-04T05:07:00.000Z');
    await runner.runOnce('tally');
    const [letter] = await readStore.listDeadLetters({ projection: 'tally' });
    expect(letter).toMatchObject({ position: 2n, parkedAt: '2031-03-04T05:07:00.000Z' });
    expect(await readStore.listCheckpoints()).toEqual([{ projection: 'tally', position: 2n, updatedAt: '2031-03-04T05:07:00.000Z' }]);
  });
});
