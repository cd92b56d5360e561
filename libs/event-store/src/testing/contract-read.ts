import type { EventStore } from '../event-store.port';
import { expectStrictlyIncreasing, idsOf, newEvent, someEvents, uniqueName } from './test-events';

/** readStream(), readAll(), headPosition(). */
export function readContract(store: () => EventStore): void {
  describe('readStream', () => {
    it('reads an unknown stream as empty, in both directions', async () => {
      const stream = uniqueName('nobody');
      expect(await store().readStream(stream)).toEqual([]);
      expect(await store().readStream(stream, { direction: 'backwards' })).toEqual([]);
    });

    it('reads forwards and backwards, from a revision, up to maxCount', async () => {
      const stream = uniqueName('s');
      const events = someEvents(5); // revisions 0..4
      await store().append(stream, events, { expectedRevision: 'no_stream' });
      const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
        (await store().readStream(stream, options)).map((e) => e.streamRevision);

      expect(await revisions({})).toEqual([0n, 1n, 2n, 3n, 4n]);
      expect(await revisions({ direction: 'backwards' })).toEqual([4n, 3n, 2n, 1n, 0n]);
      expect(await revisions({ fromRevision: 2n })).toEqual([2n, 3n, 4n]);
      expect(await revisions({ direction: 'backwards', fromRevision: 2n })).toEqual([2n, 1n, 0n]);
      expect(await revisions({ maxCount: 2 })).toEqual([0n, 1n]);
      expect(await revisions({ direction: 'backwards', maxCount: 2 })).toEqual([4n, 3n]);
      expect(await revisions({ fromRevision: 1n, maxCount: 3 })).toEqual([1n, 2n, 3n]);
      expect(await revisions({ direction: 'backwards', fromRevision: 3n, maxCount: 2 })).toEqual([3n, 2n]);
      expect(await revisions({ fromRevision: 5n })).toEqual([]);
      expect(idsOf(await store().readStream(stream))).toEqual(idsOf(events));
    });
  });

  describe('readAll', () => {
    it('reads in global order after an exclusive position, up to maxCount', async () => {
      const prefix = uniqueName('all');
      const start = await store().headPosition();
      await store().append(`${prefix}-a`, someEvents(2), { expectedRevision: 'any' });
      await store().append(`${prefix}-b`, someEvents(2), { expectedRevision: 'any' });
      await store().append(`${prefix}-a`, someEvents(2), { expectedRevision: 'any' });

      const mine = { streamPrefixes: [prefix] };
      const all = await store().readAll({ after: start, maxCount: 10_000, filter: mine });
      expect(all.map((e) => `${e.streamName.slice(prefix.length)}:${e.streamRevision}`)).toEqual(['-a:0', '-a:1', '-b:0', '-b:1', '-a:2', '-a:3']);
      expectStrictlyIncreasing(all.map((e) => e.globalPosition));

      const afterThird = await store().readAll({ after: all[2].globalPosition, maxCount: 10_000, filter: mine });
      expect(idsOf(afterThird)).toEqual(idsOf(all.slice(3)));
      const firstTwo = await store().readAll({ after: start, maxCount: 2, filter: mine });
      expect(idsOf(firstTwo)).toEqual(idsOf(all.slice(0, 2)));

      // Unfiltered: our events appear in the same order (a shared server may interleave others).
      const unfiltered = await store().readAll({ after: start, maxCount: 10_000 });
      expectStrictlyIncreasing(unfiltered.map((e) => e.globalPosition));
      expect(unfiltered.every((e) => e.globalPosition > start)).toBe(true);
      expect(idsOf(unfiltered.filter((e) => e.streamName.startsWith(prefix)))).toEqual(idsOf(all));
      const limited = await store().readAll({ after: start, maxCount: 3 });
      expect(limited).toHaveLength(3);
      expect(idsOf(limited)).toEqual(idsOf(unfiltered.slice(0, 3)));
    });

    it('filters by event type and by real stream-name prefix (no wildcards, case-sensitive)', async () => {
      const p = uniqueName('filter');
      const start = await store().headPosition();
      const streams = [`${p}-a-1`, `${p}-ab-1`, `${p}_x%1`, `${p}Ax21`, `${p}-A-1`];
      for (const stream of streams) {
        await store().append(stream, [newEvent('Opened', { stream }), newEvent('Closed', { stream })], { expectedRevision: 'no_stream' });
      }
      const read = async (filter: { eventTypes?: string[]; streamPrefixes?: string[] }) =>
        (await store().readAll({ after: start, maxCount: 10_000, filter })).map((e) => `${e.streamName.slice(p.length)}/${e.type}`);

      expect(await read({ streamPrefixes: [`${p}-a-`] })).toEqual(['-a-1/Opened', '-a-1/Closed']);
      // '_' and '%' are LIKE wildcards; here they must match only themselves.
      expect(await read({ streamPrefixes: [`${p}_x%`] })).toEqual(['_x%1/Opened', '_x%1/Closed']);
      expect(await read({ streamPrefixes: [`${p}-a`, `${p}_`] })).toEqual([
        '-a-1/Opened',
        '-a-1/Closed',
        '-ab-1/Opened',
        '-ab-1/Closed',
        '_x%1/Opened',
        '_x%1/Closed',
      ]);
      expect(await read({ eventTypes: ['Closed'], streamPrefixes: [p] })).toEqual(streams.map((s) => `${s.slice(p.length)}/Closed`));
      expect(await read({ eventTypes: ['Opened', 'Closed'], streamPrefixes: [`${p}-A-`] })).toEqual(['-A-1/Opened', '-A-1/Closed']);
      expect(await read({ eventTypes: ['closed'], streamPrefixes: [p] })).toEqual([]);
    });
  });

  describe('readAllBackwards', () => {
    it('reads the newest events first, before an exclusive position, up to maxCount', async () => {
      const prefix = uniqueName('tail');
      await store().append(`${prefix}-a`, someEvents(3), { expectedRevision: 'any' });
      await store().append(`${prefix}-b`, someEvents(2), { expectedRevision: 'any' });
      const head = await store().headPosition();

      const newest = await store().readAllBackwards({ maxCount: 5 });
      expect(newest.map((e) => `${e.streamName.slice(prefix.length)}:${e.streamRevision}`)).toEqual(['-b:1', '-b:0', '-a:2', '-a:1', '-a:0']);
      expect(newest[0].globalPosition).toBe(head);
      expectStrictlyIncreasing(newest.map((e) => e.globalPosition).reverse());

      const older = await store().readAllBackwards({ before: newest[1].globalPosition, maxCount: 2 });
      expect(idsOf(older)).toEqual(idsOf(newest.slice(2, 4)));
      expect(await store().readAllBackwards({ maxCount: 0 })).toEqual([]);
    });
  });

  describe('headPosition', () => {
    it('is at least the position of the last acknowledged append and moves forward with appends', async () => {
      const before = await store().headPosition();
      const result = await store().append(uniqueName('head'), someEvents(3), { expectedRevision: 'no_stream' });
      const after = await store().headPosition();
      expect(result.lastGlobalPosition).toBeGreaterThan(before);
      expect(after).toBeGreaterThanOrEqual(result.lastGlobalPosition);
    });
  });
}
