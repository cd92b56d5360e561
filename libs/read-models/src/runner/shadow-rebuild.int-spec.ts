import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { ProjectionRunner } from './projection-runner';
import { tallyEvent, tallyProjection } from './tally.fixture';

let dir: string;
const opened: { close(): Promise<void> }[] = [];
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-shadow-'));
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

async function seed(eventStore: SqliteEventStore, keys: number, perKey: number): Promise<bigint> {
  let head = 0n;
  for (let k = 0; k < keys; k += 1) {
    const events = Array.from({ length: perKey }, (_, i) => tallyEvent(`k${String(k).padStart(3, '0')}`, k + i));
    head = (await eventStore.append(`tally-${k}`, events, { expectedRevision: 'any' })).lastGlobalPosition;
  }
  return head;
}

describe('verified rebuilds into a shadow copy', () => {
  it('matches and swaps when the code is unchanged, serving live reads throughout and keeping the live loop running', async () => {
    const { eventStore, readStore } = openStores('same');
    const runner = new ProjectionRunner({ eventStore, readStore, projections: [tallyProjection()], batchSize: 7, rebuildBatchSize: 7, idleWaitMs: 20 });
    const head = await seed(eventStore, 30, 5);
    runner.start();
    try {
      expect(await runner.waitForPosition(head, 5000)).toBe(true);
      const before = await readStore.checksum('tallies');
      const rebuilding = runner.verifiedRebuild('tally');
      // Live reads and appends go on while the shadow is built.
      const reads: unknown[] = [];
      const appended = await eventStore.append('tally-new', [tallyEvent('fresh', 5)], { expectedRevision: 'any' });
      reads.push(await readStore.get('tallies', 'k000'));
      const result = await rebuilding;
      expect(reads).toEqual([{ key: 'k000', total: 10, count: 5 }]);
      expect(result).toMatchObject({ projection: 'tally', matched: true, swapped: true });
      expect(result.position).toBeGreaterThanOrEqual(head);
      const [tallies] = result.collections;
      expect(tallies).toMatchObject({ name: 'tallies', firstDifferences: [] });
      expect(tallies!.liveChecksum).toBe(tallies!.shadowChecksum);
      expect(await runner.waitForPosition(appended.lastGlobalPosition, 5000)).toBe(true);
      expect(await readStore.get('tallies', 'fresh')).toEqual({ key: 'fresh', total: 5, count: 1 });
      expect((await readStore.checksum('tallies')).count).toBe(before.count + 1);
      // The shadow checkpoint is gone and the live one continues; the index still serves ordered queries.
      expect((await readStore.listCheckpoints()).map((c) => c.projection)).toEqual(['tally']);
      const page = await readStore.find<{ key: string }>('tallies', { orderBy: { field: 'total', direction: 'desc' }, limit: 1 });
      expect(page.items[0]!.key).toBe('k029');
    } finally {
      await runner.stop();
    }
  });

  it('detects a projection code change as different, lists the differing ids and does not swap; with force it swaps', async () => {
    const { eventStore, readStore } = openStores('changed');
    let factor = 1;
    const runner = new ProjectionRunner({ eventStore, readStore, projections: [tallyProjection({ factor: () => factor })], batchSize: 50, rebuildBatchSize: 50 });
    await eventStore.append('tally-zero', [tallyEvent('k-zero', 0)], { expectedRevision: 'any' });
    await seed(eventStore, 12, 2);
    await runner.runOnce('tally');
    factor = 2; // the "new code": every non-zero total doubles
    const refused = await runner.verifiedRebuild('tally');
    expect(refused).toMatchObject({ matched: false, swapped: false });
    const [c] = refused.collections;
    expect(c).toMatchObject({ name: 'tallies', liveCount: 13, shadowCount: 13 });
    expect(c!.liveChecksum).not.toBe(c!.shadowChecksum);
    // k000 has amounts 0 and 1 (doubled: differs); k-zero only 0 (same). First 10 differing ids in id order.
    expect(c!.firstDifferences).toEqual(['k000', 'k001', 'k002', 'k003', 'k004', 'k005', 'k006', 'k007', 'k008', 'k009']);
    expect(await readStore.get('tallies', 'k001')).toEqual({ key: 'k001', total: 3, count: 2 });
    expect(await readStore.count('tallies__shadow')).toBe(0);

    const verifyOnly = await runner.verifiedRebuild('tally', { swap: false, force: true });
    expect(verifyOnly).toMatchObject({ matched: false, swapped: false });

    const forced = await runner.verifiedRebuild('tally', { force: true });
    expect(forced).toMatchObject({ matched: false, swapped: true });
    expect(await readStore.get('tallies', 'k001')).toEqual({ key: 'k001', total: 6, count: 2 });
    const again = await runner.verifiedRebuild('tally');
    expect(again).toMatchObject({ matched: true, swapped: true });
  });

  it('carries parked events over to the swapped copy', async () => {
    const { eventStore, readStore } = openStores('parked');
    const runner = new ProjectionRunner({ eventStore, readStore, projections: [tallyProjection()] });
    await eventStore.append('s', [tallyEvent('p', 1, true), tallyEvent('p', 2), tallyEvent('q', 3)], { expectedRevision: 'any' });
    await runner.runOnce('tally');
    const result = await runner.verifiedRebuild('tally');
    expect(result).toMatchObject({ matched: true, swapped: true });
    const letters = await readStore.listDeadLetters();
    expect(letters.map((l) => [l.id, l.blockedBy])).toEqual([
      ['tally:1', null],
      ['tally:2', 'tally:1'],
    ]);
  });
});
