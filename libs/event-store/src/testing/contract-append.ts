import type { EventStore, ExpectedRevision } from '../event-store.port';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import { expectStrictlyIncreasing, idsOf, newEvent, rejectionOf, someEvents, uniqueName } from './test-events';

/** append(): round trip, expected revisions, idempotency, duplicates, concurrency. */
export function appendContract(store: () => EventStore): void {
  describe('append', () => {
    it('stores events that read back with the exact envelope and metadata', async () => {
      const stream = uniqueName('order');
      const placed = newEvent(
        'OrderPlaced',
        { orderId: 'o-1', quantity: 10, limitPricePaise: 245_005, tags: ['nse', 'ñ-ü-₹'], nested: { ok: true, none: null, empty: {} } },
        { correlationId: 'corr-1', causationId: null, actor: 'user:alice', occurredAt: '2025-07-01T04:15:00.000Z', schemaVersion: 1 },
      );
      const filled = newEvent(
        'OrderFilled',
        { orderId: 'o-1', quantity: 10, pricePaise: 245_000, feesPaise: 2_000 },
        { correlationId: 'corr-1', causationId: placed.metadata.eventId, actor: 'system:paper-broker', occurredAt: '2025-07-01T04:15:01.250Z', schemaVersion: 2 },
      );

      const result = await store().append(stream, [placed, filled], { expectedRevision: 'no_stream' });
      const read = await store().readStream(stream);

      expect(read.map(({ type, data, metadata, streamName, streamRevision }) => ({ type, data, metadata, streamName, streamRevision }))).toEqual([
        { ...placed, streamName: stream, streamRevision: 0n },
        { ...filled, streamName: stream, streamRevision: 1n },
      ]);
      expect(read[0].metadata.causationId).toBeNull();
      for (const event of read) {
        expect(typeof event.recordedAt).toBe('string');
        expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
      }
      expect(read[1].globalPosition).toBeGreaterThan(read[0].globalPosition);
      expect(result).toEqual({ nextExpectedRevision: 1n, lastGlobalPosition: read[1].globalPosition, idempotent: false });
    });

    it('gives consecutive revisions per stream and increasing global positions across streams', async () => {
      const a = uniqueName('acc');
      const b = uniqueName('acc');
      const results = [];
      results.push(await store().append(a, someEvents(2), { expectedRevision: 'any' }));
      results.push(await store().append(b, someEvents(1), { expectedRevision: 'any' }));
      results.push(await store().append(a, someEvents(3), { expectedRevision: 'any' }));

      expect(results.map((r) => r.nextExpectedRevision)).toEqual([1n, 0n, 4n]); // a: 0..1, b: 0, a: 2..4
      expectStrictlyIncreasing(results.map((r) => r.lastGlobalPosition));
      const readA = await store().readStream(a);
      expect(readA.map((e) => e.streamRevision)).toEqual([0n, 1n, 2n, 3n, 4n]);
      expectStrictlyIncreasing(readA.map((e) => e.globalPosition));
    });

    describe('expected revision', () => {
      it("'no_stream' succeeds on a new stream and fails once it exists", async () => {
        const stream = uniqueName('s');
        await expect(store().append(stream, someEvents(1), { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 0n });
        const error = await rejectionOf(store().append(stream, someEvents(1), { expectedRevision: 'no_stream' }));
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ code: 'VERSION_CONFLICT', streamName: stream, expected: 'no_stream', actual: 0n });
      });

      it("'stream_exists' fails on a new stream and succeeds once it exists", async () => {
        const stream = uniqueName('s');
        const error = await rejectionOf(store().append(stream, someEvents(1), { expectedRevision: 'stream_exists' }));
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
        expect(await store().readStream(stream)).toEqual([]);
        await store().append(stream, someEvents(2), { expectedRevision: 'any' });
        await expect(store().append(stream, someEvents(1), { expectedRevision: 'stream_exists' })).resolves.toMatchObject({ nextExpectedRevision: 2n });
      });

      it('an exact revision succeeds only when it is the revision of the last event', async () => {
        const stream = uniqueName('s');
        const missing = await rejectionOf(store().append(stream, someEvents(1), { expectedRevision: 0n }));
        expect(missing).toMatchObject({ code: 'VERSION_CONFLICT', expected: 0n, actual: 'no_stream' });
        await store().append(stream, someEvents(2), { expectedRevision: 'no_stream' }); // revisions 0, 1

        for (const stale of [0n, 2n]) {
          const error = await rejectionOf(store().append(stream, someEvents(1), { expectedRevision: stale }));
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error).toMatchObject({ expected: stale, actual: 1n });
        }
        await expect(store().append(stream, someEvents(1), { expectedRevision: 1n })).resolves.toMatchObject({ nextExpectedRevision: 2n });
        expect(await store().readStream(stream)).toHaveLength(3); // the rejected appends wrote nothing
      });

      it("'any' succeeds on new and existing streams", async () => {
        const stream = uniqueName('s');
        await expect(store().append(stream, someEvents(1), { expectedRevision: 'any' })).resolves.toMatchObject({ nextExpectedRevision: 0n });
        await expect(store().append(stream, someEvents(1), { expectedRevision: 'any' })).resolves.toMatchObject({ nextExpectedRevision: 1n });
      });
    });

    describe('idempotency and duplicate ids', () => {
      it('a retry with the same event ids writes nothing and returns the first result, whatever its expected revision', async () => {
        const stream = uniqueName('s');
        const events = someEvents(2);
        const first = await store().append(stream, events, { expectedRevision: 'no_stream' });
        const retry = await store().append(stream, events, { expectedRevision: 'no_stream' });
        expect(retry).toEqual({ nextExpectedRevision: 1n, lastGlobalPosition: first.lastGlobalPosition, idempotent: true });

        // Still recognised after the stream moved on; the result points at the retried events, not the head.
        await store().append(stream, someEvents(1), { expectedRevision: 1n });
        const lateRetry = await store().append(stream, events, { expectedRevision: 7n });
        expect(lateRetry).toEqual({ nextExpectedRevision: 1n, lastGlobalPosition: first.lastGlobalPosition, idempotent: true });
        // A retry of the tail alone is a retry too.
        await expect(store().append(stream, [events[1]], { expectedRevision: 'any' })).resolves.toEqual(lateRetry);

        const read = await store().readStream(stream);
        expect(read).toHaveLength(3);
        const all = await store().readAll({ after: 0n, maxCount: 100_000, filter: { streamPrefixes: [stream] } });
        expect(idsOf(all)).toEqual(idsOf(read));
      });

      it('rejects an append that repeats only some stored ids, or stores them elsewhere, and writes nothing of it', async () => {
        const stream = uniqueName('s');
        const [e1, e2] = someEvents(2);
        await store().append(stream, [e1, e2], { expectedRevision: 'no_stream' });
        const e3 = newEvent('TestHappened', { n: 3 });

        const partial = await rejectionOf(store().append(stream, [e2, e3], { expectedRevision: 'any' }));
        expect(partial).toBeInstanceOf(DuplicateEventIdError);
        expect(partial).toMatchObject({ code: 'DUPLICATE_EVENT_ID', eventId: e2.metadata.eventId, streamName: stream });

        const reordered = await rejectionOf(store().append(stream, [e2, e1], { expectedRevision: 'any' }));
        expect(reordered).toBeInstanceOf(DuplicateEventIdError);

        const other = uniqueName('s');
        const elsewhere = await rejectionOf(store().append(other, [e1, e2], { expectedRevision: 'any' }));
        expect(elsewhere).toBeInstanceOf(DuplicateEventIdError);

        expect(idsOf(await store().readStream(stream))).toEqual(idsOf([e1, e2]));
        expect(await store().readStream(other)).toEqual([]);
      });

      it('rejects an append whose stored id comes after new ones, keeping none of the new ones', async () => {
        const stream = uniqueName('s');
        const [e1] = someEvents(1);
        await store().append(stream, [e1], { expectedRevision: 'no_stream' });
        const fresh = someEvents(2);

        const late = await rejectionOf(store().append(stream, [...fresh, e1], { expectedRevision: 0n }));
        expect(late).toBeInstanceOf(DuplicateEventIdError);
        expect(late).toMatchObject({ code: 'DUPLICATE_EVENT_ID', eventId: e1.metadata.eventId, streamName: stream });
        expect(idsOf(await store().readStream(stream))).toEqual(idsOf([e1]));

        // The fresh events were not kept: they can still be appended, at the revisions that follow e1.
        const next = await store().append(stream, fresh, { expectedRevision: 0n });
        expect(next).toMatchObject({ nextExpectedRevision: 2n, idempotent: false });
        expect(idsOf(await store().readStream(stream))).toEqual(idsOf([e1, ...fresh]));
      });
    });

    describe('concurrency', () => {
      it('commits many concurrent appends to distinct streams', async () => {
        const prefix = uniqueName('many');
        const calls = Array.from({ length: 50 }, (_, i) => ({ stream: `${prefix}-${i}`, event: newEvent('TestHappened', { i }) }));
        const results = await Promise.all(calls.map((c) => store().append(c.stream, [c.event], { expectedRevision: 'no_stream' })));

        expect(new Set(results.map((r) => r.lastGlobalPosition)).size).toBe(50);
        for (const [i, call] of calls.entries()) {
          const read = await store().readStream(call.stream);
          expect(idsOf(read)).toEqual([call.event.metadata.eventId]);
          expect(read[0].globalPosition).toBe(results[i].lastGlobalPosition);
        }
      });

      it('lets exactly one of many appends with the same expected revision win', async () => {
        const stream = uniqueName('race');
        await store().append(stream, someEvents(1), { expectedRevision: 'no_stream' });
        const contenders = someEvents(20);
        const expected: ExpectedRevision = 0n;
        const settled = await Promise.allSettled(contenders.map((e) => store().append(stream, [e], { expectedRevision: expected })));

        const winners = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const s of settled) {
          if (s.status === 'rejected') {
            expect(s.reason).toBeInstanceOf(WrongExpectedVersionError);
            expect(s.reason).toMatchObject({ expected: 0n, actual: 1n });
          }
        }
        const read = await store().readStream(stream);
        expect(read).toHaveLength(2);
        expect(read[1].metadata.eventId).toBe(contenders[winners[0]].metadata.eventId);
      });
    });
  });
}
