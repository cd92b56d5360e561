import * as grpc from '@grpc/grpc-js';
import { StoreRequestFailedError, StoreUnavailableError } from '../errors';
import { newEvent, rejectionOf, uniqueName, within } from '../testing/test-events';
import { claimStreamName } from './esdb-claims';
import { EsdbEventStore } from './esdb-event-store';
import { toEsdbMetadata } from './esdb-mapping';
import { GrpcResponder } from './testing/grpc-responder';

/*
 * The EventStoreDB adapter and the real @eventstore/db-client against a local gRPC responder (testing/grpc-responder.ts):
 * a STAND-IN FOR THE PROTOCOL, NOT A SERVER. It answers Streams.Read, Streams.Append and
 * ServerFeatures.GetSupportedMethods from the client's own generated service definitions, with byte-offset positions.
 * What is checked is what the client and the adapter do with those answers (calls left open, close(), appends after
 * a failed probe, a claim that is not readable yet), never how a real server behaves: the integration tests against
 * a server (EVENTSTORE_URL) do that.
 */

/** Puts `count` application events of about `bytes` each, in the form the adapter writes them. */
function seed(responder: GrpcResponder, count: number, bytes: number): bigint[] {
  const stream = uniqueName('seed');
  return Array.from({ length: count }, (_, i) => {
    const event = newEvent('Seeded', { n: i, pad: 'x'.repeat(bytes) });
    return responder.put(stream, event.type, event.data, { ...toEsdbMetadata(event.metadata), eventId: event.metadata.eventId }).position;
  });
}

describe('EsdbEventStore on a gRPC stand-in (not a server)', () => {
  let responder: GrpcResponder;
  let store: EsdbEventStore | null;

  afterEach(async () => {
    // A store whose close() hangs is the failure itself; do not hang the suite's teardown on it as well.
    await within(5_000, 'closing the store after the test', store?.close() ?? Promise.resolve()).catch(() => undefined);
    store = null;
    await responder.stop();
  });

  it('cancels the gRPC call of every read it stops early, so nothing stays open and close() resolves', async () => {
    responder = await new GrpcResponder().start();
    // 8 KiB records: a 64- or 512-record page is far more than HTTP/2 lets the responder send unread.
    const positions = seed(responder, 600, 8 * 1024);
    store = EsdbEventStore.connect({ url: responder.url });
    for (let i = 0; i < 30; i += 1) {
      expect(await store.headPosition()).toBe(positions[positions.length - 1]);
      await store.ping();
      expect((await store.readAll({ maxCount: 1 })).map((e) => e.globalPosition)).toEqual([positions[0]]);
    }
    expect(responder.readsStarted).toBe(90);
    await within(10_000, 'the responder seeing every read call end', responder.whenNoOpenReads());
    expect(responder.openReads).toBe(0);
    const closing = store;
    store = null;
    await within(10_000, 'store.close()', closing.close());
  });

  it('reads the event at a byte-offset position, answers null inside a record, and refuses a read from there for good', async () => {
    responder = await new GrpcResponder().start();
    const positions = seed(responder, 3, 10);
    store = EsdbEventStore.connect({ url: responder.url });
    expect(positions[1] - positions[0]).toBeGreaterThan(1n);
    expect((await store.readEvent(positions[1]))?.globalPosition).toBe(positions[1]);
    expect(await store.readEvent(positions[1] - 1n)).toBeNull();
    expect(await store.readEvent(positions[2] + 1n)).toBeNull();
    // What the citations did before: p - 1 is inside the previous record. Permanent, so not a 503 to retry.
    const refused = await rejectionOf(store.readAll({ after: positions[1] - 1n, maxCount: 1 }));
    expect(refused).toBeInstanceOf(StoreRequestFailedError);
    expect(refused).not.toBeInstanceOf(StoreUnavailableError);
  });

  it('recovers appends after a failed capability probe (which the client would otherwise keep for good)', async () => {
    responder = await new GrpcResponder({ probeFailures: { count: 1, code: grpc.status.DEADLINE_EXCEEDED } }).start();
    store = EsdbEventStore.connect({ url: responder.url });
    const stream = uniqueName('probe');
    const first = newEvent('Probed', { n: 1 });
    expect(await rejectionOf(store.append(stream, [first], { expectedRevision: 'no_stream' }))).toBeInstanceOf(StoreUnavailableError);
    // Reads never needed the probe: they worked all along.
    expect(await store.readStream(stream)).toEqual([]);
    const result = await store.append(stream, [first], { expectedRevision: 'no_stream' });
    expect(result).toMatchObject({ nextExpectedRevision: 0n, idempotent: false });
    expect((await store.readStream(stream)).map((e) => e.metadata.eventId)).toEqual([first.metadata.eventId]);
    expect(responder.probes).toBe(2);
  });

  it('takes a claim that exists but cannot be read yet as unsettled: the retry is recognised, not refused as a duplicate', async () => {
    const unreadable = new Map<string, number>();
    responder = await new GrpcResponder({ unreadable }).start();
    store = EsdbEventStore.connect({ url: responder.url });
    const stream = uniqueName('race');
    const event = newEvent('Raced', { n: 1 });
    const first = await store.append(stream, [event], { expectedRevision: 'no_stream' });
    // As the loser of two racing identical appends sees it: the claim write is refused (it exists) while a read of
    // the claim stream still says not found, twice.
    unreadable.set(claimStreamName(event.metadata.eventId), 2);
    const again = await store.append(stream, [event], { expectedRevision: 'no_stream' });
    expect(again).toEqual({ ...first, idempotent: true });
    expect(unreadable.get(claimStreamName(event.metadata.eventId))).toBe(0);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('refuses throwOnAppendFailure=false, under which a conflict would come back as a success-shaped answer', () => {
    expect(() => EsdbEventStore.connect({ url: 'esdb://127.0.0.1:2113?tls=false&throwOnAppendFailure=false' })).toThrow(/throwOnAppendFailure/);
    store = null;
    responder = new GrpcResponder();
  });
});
