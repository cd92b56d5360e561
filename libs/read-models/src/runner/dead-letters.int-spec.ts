import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { ProjectionRunner } from './projection-runner';
import { eventually } from './runner.fixture';
import { tallyEvent, tallyProjection } from './tally.fixture';

let dir: string;
const opened: { close(): Promise<void> }[] = [];
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-dead-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function openStores(name: string) {
  const eventStore = SqliteEventStore.open({ file: path.join(dir, `${name}-events.db`), pollIntervalMs: 10 });
  const readStore = SqliteReadModelStore.open({ file: path.join(dir, `${name}-reads.db`) });
  opened.push(readStore, eventStore);
  return { eventStore, readStore };
}

describe('dead letters: a poisoned event parks only its key', () => {
  it('parks the poisoned event and its followers, keeps other keys and the checkpoint moving, and applies them on retry after a fix', async () => {
    const { eventStore, readStore } = openStores('poison');
    let poisoned = true;
    const runner = new ProjectionRunner({ eventStore, readStore, projections: [tallyProjection({ poisoned: () => poisoned })], batchSize: 3, idleWaitMs: 20 });
    await eventStore.append('tally-a', [tallyEvent('a', 1), tallyEvent('a', 2)], { expectedRevision: 'any' });
    await eventStore.append('tally-b', [tallyEvent('b', 10)], { expectedRevision: 'any' });
    const poison = await eventStore.append('tally-a', [tallyEvent('a', 100, true)], { expectedRevision: 'any' }); // position 4
    await eventStore.append('tally-b', [tallyEvent('b', 20)], { expectedRevision: 'any' });
    await eventStore.append('tally-a', [tallyEvent('a', 4), tallyEvent('a', 8)], { expectedRevision: 'any' }); // 6, 7: wait behind 4
    runner.start();
    try {
      const head = await eventStore.append('tally-b', [tallyEvent('b', 30)], { expectedRevision: 'any' });
      expect(await runner.waitForPosition(head.lastGlobalPosition, 5000)).toBe(true);
      // Other keys go on; the poisoned key stays at what came before the poison.
      expect(await readStore.get('tallies', 'b')).toEqual({ key: 'b', total: 60, count: 3 });
      expect(await readStore.get('tallies', 'a')).toEqual({ key: 'a', total: 3, count: 2 });
      expect(await readStore.getCheckpoint('tally')).toBe(head.lastGlobalPosition);
      const letters = await readStore.listDeadLetters({ projection: 'tally' });
      const first = `tally:${poison.lastGlobalPosition}`;
      expect(letters.map((l) => ({ id: l.id, blockedBy: l.blockedBy, docKeys: l.docKeys, attempts: l.attempts }))).toEqual([
        { id: first, blockedBy: null, docKeys: ['tallies/a'], attempts: 1 },
        { id: 'tally:6', blockedBy: first, docKeys: ['tallies/a'], attempts: 0 },
        { id: 'tally:7', blockedBy: first, docKeys: ['tallies/a'], attempts: 0 },
      ]);
      expect(letters[0]).toMatchObject({ eventType: 'TallyAdded', stream: 'tally-a', streamRevision: 2n, error: 'Error: cannot tally a at 4' });
      const [status] = await runner.status();
      expect(status).toMatchObject({ parked: 3, caughtUp: true, lastError: null, lastParkedError: { message: 'Error: cannot tally a at 4' } });

      // A later event for the blocked key is parked too, while the loop runs.
      const later = await eventStore.append('tally-a', [tallyEvent('a', 16)], { expectedRevision: 'any' });
      expect(await runner.waitForPosition(later.lastGlobalPosition, 5000)).toBe(true);
      expect((await readStore.listDeadLetters({ projection: 'tally' })).map((l) => l.id)).toEqual([first, 'tally:6', 'tally:7', `tally:${later.lastGlobalPosition}`]);

      // Retrying before the fix fails again and keeps everything parked.
      const failed = await runner.retryDeadLetters('tally', { id: first });
      expect(failed.resolved).toEqual([]);
      expect(failed.stillParked.find((l) => l.id === first)?.attempts).toBe(2);

      poisoned = false;
      const retried = await runner.retryDeadLetters('tally', { id: first });
      expect(retried.resolved).toEqual([first, 'tally:6', 'tally:7', `tally:${later.lastGlobalPosition}`]);
      expect(await readStore.get('tallies', 'a')).toEqual({ key: 'a', total: 3 + 100 + 4 + 8 + 16, count: 6 });
      expect(await readStore.listDeadLetters({ projection: 'tally' })).toEqual([]);
      // The key is unblocked: new events apply normally.
      const after = await eventStore.append('tally-a', [tallyEvent('a', 1)], { expectedRevision: 'any' });
      expect(await runner.waitForPosition(after.lastGlobalPosition, 5000)).toBe(true);
      await eventually(2000, 'the new event applied', async () => (await readStore.get<{ total: number }>('tallies', 'a'))?.total === 132);
    } finally {
      await runner.stop();
    }
  });

  it('retries all of a projection in order, leaving parked the ones that still fail', async () => {
    const { eventStore, readStore } = openStores('retry-all');
    const projection = tallyProjection({ poisoned: () => true });
    const runner = new ProjectionRunner({ eventStore, readStore, projections: [projection] });
    await eventStore.append('s-x', [tallyEvent('x', 1, true), tallyEvent('x', 2)], { expectedRevision: 'any' });
    await eventStore.append('s-y', [tallyEvent('y', 5, true)], { expectedRevision: 'any' });
    await eventStore.append('s-z', [tallyEvent('z', 7)], { expectedRevision: 'any' });
    await runner.runOnce('tally');
    expect((await readStore.listDeadLetters({ projection: 'tally' })).map((l) => l.id)).toEqual(['tally:1', 'tally:2', 'tally:3']);
    expect(await readStore.get('tallies', 'z')).toEqual({ key: 'z', total: 7, count: 1 });
    const all = await runner.retryDeadLetters('tally', { all: true });
    expect(all.resolved).toEqual([]);
    expect(all.stillParked.map((l) => [l.id, l.attempts])).toEqual([
      ['tally:1', 2],
      ['tally:2', 0],
      ['tally:3', 2],
    ]);
    await expect(runner.retryDeadLetters('tally', { id: 'tally:99' })).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND' });
  });

  it('parks an event whose document has no JSON form instead of failing the whole page', async () => {
    const { eventStore, readStore } = openStores('nan');
    const base = tallyProjection();
    const nanOnNegative = { ...base, apply: (ref: Parameters<typeof base.apply>[0], doc: Parameters<typeof base.apply>[1], event: Parameters<typeof base.apply>[2]) => {
      const next = base.apply(ref, doc, event)!;
      return (event.data as { amount: number }).amount < 0 ? { ...next, total: Number.NaN } : next;
    } };
    const runner = new ProjectionRunner({ eventStore, readStore, projections: [nanOnNegative] });
    await eventStore.append('s', [tallyEvent('m', -1), tallyEvent('n', 2)], { expectedRevision: 'any' });
    const { checkpoint } = await runner.runOnce('tally');
    expect(checkpoint).toBe(2n);
    expect(await readStore.get('tallies', 'm')).toBeNull();
    expect(await readStore.get('tallies', 'n')).toEqual({ key: 'n', total: 2, count: 1 });
    const [letter] = await readStore.listDeadLetters();
    expect(letter).toMatchObject({ id: 'tally:1', error: expect.stringContaining('not a finite number') });
  });
});
