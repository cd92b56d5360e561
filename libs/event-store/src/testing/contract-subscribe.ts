import type { EventEnvelope } from '../envelope';
import type { EventStore, ExpectedRevision, SubscribeOptions } from '../event-store.port';
import { eventually, expectStrictlyIncreasing, idsOf, sleep, someEvents, uniqueName, within } from './test-events';

/** Runs a subscription in the background, recording what it delivers, until `stop` or abort. */
function consume(store: EventStore, options: SubscribeOptions, stopAfter = Infinity) {
  const seen: EventEnvelope[] = [];
  const done = (async () => {
    for await (const event of store.subscribeToAll(options)) {
      seen.push(event);
      // A consumer that is sometimes slow: the next event must still come in order, once.
      if (seen.length % 7 === 0) await sleep(1);
      if (seen.length >= stopAfter) break;
    }
  })();
  return { seen, done };
}

/** subscribeToAll(), waitForEventsAfter(). */
export function subscriptionContract(store: () => EventStore): void {
  describe('subscribeToAll', () => {
    it('catches up, then delivers live appends of 5 concurrent writers in global order without gaps or duplicates', async () => {
      const p = uniqueName('sub');
      const start = await store().headPosition();
      await store().append(`${p}-pre-0`, someEvents(10), { expectedRevision: 'no_stream' });
      await store().append(`${p}-pre-1`, someEvents(10), { expectedRevision: 'no_stream' });
      const writers = 5;
      const appendsPerWriter = 10;
      const total = 20 + writers * appendsPerWriter * 2; // 20 before + 5 writers x 10 appends x 2 events = 120
      const controller = new AbortController();
      const consumer = consume(store(), { after: start, filter: { streamPrefixes: [p] }, signal: controller.signal }, total);

      await eventually(5000, 'catch-up of the first 20 events', () => consumer.seen.length >= 20);
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          let expectedRevision: ExpectedRevision = 'no_stream';
          for (let i = 0; i < appendsPerWriter; i += 1) {
            const result = await store().append(`${p}-w${w}`, someEvents(2), { expectedRevision });
            expectedRevision = result.nextExpectedRevision;
          }
        }),
      );
      await within(10_000, 'live delivery', consumer.done);
      controller.abort();

      const stored = await store().readAll({ after: start, maxCount: 10_000, filter: { streamPrefixes: [p] } });
      expect(stored).toHaveLength(total);
      expect(consumer.seen.map((e) => [e.globalPosition, e.metadata.eventId])).toEqual(stored.map((e) => [e.globalPosition, e.metadata.eventId]));
      expectStrictlyIncreasing(consumer.seen.map((e) => e.globalPosition));
    });

    it('starts after a checkpoint in the middle of the log and continues live', async () => {
      const stream = uniqueName('cp');
      await store().append(stream, someEvents(6), { expectedRevision: 'no_stream' });
      const all = await store().readStream(stream);
      const controller = new AbortController();
      const consumer = consume(store(), { after: all[2].globalPosition, filter: { streamPrefixes: [stream] }, signal: controller.signal }, 4);

      await eventually(5000, 'catch-up from the checkpoint', () => consumer.seen.length >= 3);
      const live = someEvents(1);
      await store().append(stream, live, { expectedRevision: 5n });
      await within(5000, 'live event', consumer.done);
      controller.abort();

      expect(idsOf(consumer.seen)).toEqual([...idsOf(all.slice(3)), ...idsOf(live)]);
      expect(consumer.seen.map((e) => e.streamRevision)).toEqual([3n, 4n, 5n, 6n]);
    });

    it('ends promptly when aborted while waiting, and stops delivering when aborted mid-stream', async () => {
      const p = uniqueName('abort');
      const waiting = new AbortController();
      const idle = consume(store(), { after: await store().headPosition(), filter: { streamPrefixes: [p] }, signal: waiting.signal });
      await sleep(100);
      const abortedAt = Date.now();
      waiting.abort();
      await within(2000, 'end of an aborted subscription', idle.done);
      expect(Date.now() - abortedAt).toBeLessThan(1000);
      expect(idle.seen).toEqual([]);

      const start = await store().headPosition();
      await store().append(`${p}-x`, someEvents(5), { expectedRevision: 'no_stream' });
      const midStream = new AbortController();
      const seen: EventEnvelope[] = [];
      for await (const event of store().subscribeToAll({ after: start, filter: { streamPrefixes: [p] }, signal: midStream.signal })) {
        seen.push(event);
        if (seen.length === 2) midStream.abort();
      }
      expect(seen.map((e) => e.streamRevision)).toEqual([0n, 1n]);

      const alreadyAborted = new AbortController();
      alreadyAborted.abort();
      const none: EventEnvelope[] = [];
      for await (const event of store().subscribeToAll({ after: start, signal: alreadyAborted.signal })) none.push(event);
      expect(none).toEqual([]);
    });
  });

  describe('waitForEventsAfter', () => {
    it('is true at once when the head is already past the position', async () => {
      const result = await store().append(uniqueName('w'), someEvents(1), { expectedRevision: 'no_stream' });
      const started = Date.now();
      await expect(store().waitForEventsAfter(result.lastGlobalPosition - 1n, { timeoutMs: 10_000 })).resolves.toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('is false after the timeout when nothing is appended', async () => {
      const head = await store().headPosition();
      const started = Date.now();
      await expect(store().waitForEventsAfter(head, { timeoutMs: 150 })).resolves.toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140); // timers may fire a few ms early
    });

    it('turns true as soon as an append lands, long before the timeout', async () => {
      const head = await store().headPosition();
      const started = Date.now();
      const waiting = store().waitForEventsAfter(head, { timeoutMs: 20_000 });
      await sleep(30);
      await store().append(uniqueName('w'), someEvents(1), { expectedRevision: 'no_stream' });
      await expect(within(5000, 'wake-up', waiting)).resolves.toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('is false when the signal aborts', async () => {
      const head = await store().headPosition();
      const controller = new AbortController();
      const waiting = store().waitForEventsAfter(head, { timeoutMs: 20_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(within(2000, 'aborted wait', waiting)).resolves.toBe(false);
    });
  });
}
