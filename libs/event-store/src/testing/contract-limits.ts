import type { EventStore } from '../event-store.port';
import { AppendTooLargeError, InvalidAppendError, StoreUnavailableError, WrongExpectedVersionError } from '../errors';
import { expectStrictlyIncreasing, idsOf, newEvent, rejectionOf, someEvents, uniqueName } from './test-events';

/**
 * What production stores showed that the first cases did not ask: positions that are not consecutive, reads left
 * early, errors that say whether a retry can help, racing identical appends, the append size limit, `$` types.
 */
export function limitsContract(store: () => EventStore): void {
  describe('positions, limits and failures', () => {
    it('reads an event at its exact global position, and nothing at a position no event has', async () => {
      const stream = uniqueName('cite');
      const events = someEvents(3);
      await store().append(stream, events, { expectedRevision: 'no_stream' });
      const read = await store().readStream(stream);
      expectStrictlyIncreasing(read.map((e) => e.globalPosition));
      for (const event of read) {
        const at = await store().readEvent(event.globalPosition);
        expect(at && { id: at.metadata.eventId, stream: at.streamName, revision: at.streamRevision }).toEqual({
          id: event.metadata.eventId,
          stream,
          revision: event.streamRevision,
        });
      }
      expect(await store().readEvent(0n)).toBeNull();
      expect(await store().readEvent(-5n)).toBeNull();
      expect(await store().readEvent((await store().headPosition()) + 1_000_000n)).toBeNull();
      // Between two events' positions there may be room (byte offsets) or none (a counter): either way no other event.
      const between = read[1].globalPosition - 1n;
      const there = await store().readEvent(between);
      expect(there === null || there.globalPosition === between).toBe(true);
    });

    it('releases what many reads left early held: close() resolves and a second close() is harmless', async () => {
      const stream = uniqueName('early');
      await store().append(stream, someEvents(40), { expectedRevision: 'no_stream' });
      for (let i = 0; i < 60; i += 1) {
        await store().headPosition();
        await store().ping();
        expect(await store().readAll({ maxCount: 1 })).toHaveLength(1);
        expect(await store().readAllBackwards({ maxCount: 1 })).toHaveLength(1);
        expect(await store().readStream(stream, { maxCount: 1 })).toHaveLength(1);
      }
      await store().close();
      await store().close();
      // Closed is temporary from a caller's side (another instance may serve): STORE_UNAVAILABLE, not a bug.
      expect(await rejectionOf(store().append(stream, someEvents(1), { expectedRevision: 'any' }))).toBeInstanceOf(StoreUnavailableError);
    });

    it('answers a refused append as permanent (INVALID_APPEND) and keeps working', async () => {
      const stream = uniqueName('bad');
      const refused = await rejectionOf(store().append(stream, [newEvent('', {})], { expectedRevision: 'any' }));
      expect(refused).toBeInstanceOf(InvalidAppendError);
      expect(refused).not.toBeInstanceOf(StoreUnavailableError);
      await expect(store().append(stream, someEvents(1), { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 0n });
    });

    it('stores two identical appends racing each other once, and answers both as success', async () => {
      const stream = uniqueName('twin');
      const events = someEvents(2);
      const [a, b] = await Promise.all([
        store().append(stream, events, { expectedRevision: 'no_stream' }),
        store().append(stream, events, { expectedRevision: 'no_stream' }),
      ]);
      expect(a.nextExpectedRevision).toBe(1n);
      expect(b.nextExpectedRevision).toBe(1n);
      expect(a.lastGlobalPosition).toBe(b.lastGlobalPosition);
      expect(idsOf(await store().readStream(stream))).toEqual(idsOf(events));
      // A third, later retry is recognised whatever it expects.
      await expect(store().append(stream, events, { expectedRevision: 'any' })).resolves.toMatchObject({ idempotent: true, nextExpectedRevision: 1n });
    });

    it("refuses event types beginning with '$' (system types, hidden from every read) and writes nothing", async () => {
      const stream = uniqueName('sys');
      const refused = await rejectionOf(store().append(stream, [newEvent('$metadata', { a: 1 })], { expectedRevision: 'any' }));
      expect(refused).toBeInstanceOf(InvalidAppendError);
      expect((refused as Error).message).toContain("'$'");
      expect(await store().readStream(stream)).toEqual([]);
      await expect(store().append(stream, [newEvent('Not$System', {})], { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 0n });
    });

    it('refuses an append over the size limit, naming the limit, writes nothing, and takes the same events split', async () => {
      const stream = uniqueName('big');
      const limit = store().maxAppendBytes;
      expect(limit).toBeGreaterThanOrEqual(512 * 1024);
      // Twelve events, together over the limit, each half of them under it.
      const chunk = 'x'.repeat(Math.ceil(limit / 10));
      const events = Array.from({ length: 12 }, (_, i) => newEvent('Big', { i, chunk }));
      const refused = await rejectionOf(store().append(stream, events, { expectedRevision: 'no_stream' }));
      expect(refused).toBeInstanceOf(AppendTooLargeError);
      expect(refused).toMatchObject({ code: 'INVALID_APPEND', limitBytes: limit });
      expect((refused as AppendTooLargeError).sizeBytes).toBeGreaterThan(limit);
      expect(await store().readStream(stream)).toEqual([]);
      await store().append(stream, events.slice(0, 6), { expectedRevision: 'no_stream' });
      await store().append(stream, events.slice(6), { expectedRevision: 5n });
      expect(idsOf(await store().readStream(stream))).toEqual(idsOf(events));
      const single = await rejectionOf(store().append(stream, [newEvent('Big', { chunk: 'y'.repeat(limit) })], { expectedRevision: 11n }));
      expect(single).toBeInstanceOf(AppendTooLargeError);
      expect(single).not.toBeInstanceOf(WrongExpectedVersionError);
    });
  });
}
