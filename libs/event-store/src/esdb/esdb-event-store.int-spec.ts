import { EventStoreDBClient } from '@eventstore/db-client';
import { eventStoreContract } from '../testing/event-store.contract';
import { idsOf, newEvent, someEvents, uniqueName } from '../testing/test-events';
import { claimStreamName } from './esdb-claims';
import { EsdbEventStore } from './esdb-event-store';
import { skippedSuite } from '@robo/runtime/testing/skip';

/*
 * Runs against a real EventStoreDB / KurrentDB when EVENTSTORE_URL is set, e.g.
 *   docker compose up -d eventstore
 *   EVENTSTORE_URL='esdb://localhost:2113?tls=false' npx jest libs/event-store/src/esdb --runInBand
 * There is no such server on a developer laptop by default and never a fake one: without the URL it skips, saying why.
 */
const url = process.env.EVENTSTORE_URL;

if (!url) {
  skippedSuite('EsdbEventStore against EventStoreDB', 'EVENTSTORE_URL is not set (see docs/production.md, "Running the integration tests")');
} else {
  const connect = () => EsdbEventStore.connect({ url, resubscribe: { initialMs: 50, maxMs: 1000 } });

  eventStoreContract('esdb', async () => {
    const store = connect();
    return { store, cleanup: () => store.close() };
  });

  describe('EsdbEventStore (EventStoreDB specifics)', () => {
    let store: EsdbEventStore;
    let raw: EventStoreDBClient;
    beforeEach(() => {
      store = connect();
      raw = EventStoreDBClient.connectionString(url);
    });
    afterEach(async () => {
      await store.close();
      await raw.dispose();
    });

    it("stores metadata under EventStoreDB's own $correlationId / $causationId keys, with the event id as the ESDB id", async () => {
      const stream = uniqueName('meta');
      const event = newEvent('Checked', { ok: true }, { correlationId: 'corr-x', causationId: 'cause-y', actor: 'user:bob', schemaVersion: 3 });
      await store.append(stream, [event], { expectedRevision: 'no_stream' });
      const stored = [];
      for await (const resolved of raw.readStream(stream)) stored.push(resolved.event);
      expect(stored).toHaveLength(1);
      expect(stored[0]?.id).toBe(event.metadata.eventId);
      expect(stored[0]?.metadata).toEqual({ $correlationId: 'corr-x', $causationId: 'cause-y', actor: 'user:bob', occurredAt: event.metadata.occurredAt, schemaVersion: 3 });
    });

    it('claims every event id for its stream and keeps the claims out of reads of $all', async () => {
      const stream = uniqueName('claims');
      const start = await store.headPosition();
      const events = someEvents(3);
      await store.append(stream, events, { expectedRevision: 'no_stream' });
      for (const event of events) {
        const claims = [];
        for await (const resolved of raw.readStream(claimStreamName(event.metadata.eventId))) claims.push(resolved.event?.data);
        expect(claims).toEqual([{ eventId: event.metadata.eventId, streamName: stream }]);
      }
      const all = await store.readAll({ after: start, maxCount: 10_000 });
      expect(all.some((e) => e.streamName.startsWith('robo-event-id-'))).toBe(false);
      expect(idsOf(all.filter((e) => e.streamName === stream))).toEqual(idsOf(events));
    });

    it('recognises a retry after a fresh connection (no client-side memory of the first append)', async () => {
      const stream = uniqueName('restart');
      const events = someEvents(2);
      const first = await store.append(stream, events, { expectedRevision: 'no_stream' });
      await store.append(stream, someEvents(1), { expectedRevision: 1n });
      const other = connect();
      try {
        await expect(other.append(stream, events, { expectedRevision: 2n })).resolves.toEqual({ ...first, idempotent: true });
      } finally {
        await other.close();
      }
      expect(await store.readStream(stream)).toHaveLength(3);
    });
  });
}
