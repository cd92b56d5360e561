import {
  AccessDeniedError,
  DeadlineExceededError,
  InvalidArgumentError,
  jsonEvent,
  MaxAppendSizeExceededError,
  NotLeaderError,
  streamNameFilter,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
} from '@eventstore/db-client';
import type { EventMetadata } from '../envelope';
import type { ExpectedRevision } from '../event-store.port';
import { AppendTooLargeError, InvalidAppendError, StoreRequestFailedError, StoreUnavailableError, WrongExpectedVersionError } from '../errors';
import { isTransientEsdbError, mapEsdbError } from './esdb-errors';
import {
  CLAIM_STREAM_PREFIX,
  escapeRegex,
  type EsdbRecord,
  fromEsdbExpectedRevision,
  fromEsdbMetadata,
  isApplicationEvent,
  matchesFilter,
  reservedMetadataKey,
  serverFilterFor,
  toEnvelope,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toGlobalPosition,
  toPortConflict,
  toReadPosition,
  UnsupportedServerError,
} from './esdb-mapping';
import { classifyClaim, judgeRetry } from './esdb-retry';

const metadata: EventMetadata = {
  eventId: '0b6f5b8e-3c1a-4c1e-9a53-1f0f8a7e2d11',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: 'user:alice',
  occurredAt: '2026-11-20T04:30:00.000Z',
  schemaVersion: 2,
};

function record(overrides: Partial<EsdbRecord> = {}): EsdbRecord {
  return {
    streamId: 'order-1',
    id: metadata.eventId,
    revision: 3n,
    type: 'OrderPlaced',
    created: new Date('2026-11-20T04:30:00.123Z'),
    isJson: true,
    data: { orderId: 'o-1', quantity: 10 },
    metadata: toEsdbMetadata(metadata),
    position: { commit: 4242n, prepare: 4242n },
    ...overrides,
  };
}

describe('expected revision mapping', () => {
  it.each<ExpectedRevision>(['any', 'no_stream', 'stream_exists', 0n, 7n, 2n ** 62n])('maps %p both ways unchanged', (expected) => {
    expect(toEsdbExpectedRevision(expected)).toBe(expected);
    expect(fromEsdbExpectedRevision(toEsdbExpectedRevision(expected))).toBe(expected);
  });

  it("turns the server's conflict into the port's, with the caller's expectation and the actual revision", () => {
    const esdb = new EsdbWrongExpectedVersionError(undefined, { streamName: 'account-1', expected: 4n, current: 6n });
    const mapped = toPortConflict('account-1', 4n, esdb);
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ code: 'VERSION_CONFLICT', streamName: 'account-1', expected: 4n, actual: 6n });

    const missing = new EsdbWrongExpectedVersionError(undefined, { streamName: 's', expected: 'stream_exists', current: 'no_stream' });
    expect(toPortConflict('s', 'stream_exists', missing)).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
  });
});

describe('metadata mapping', () => {
  it("uses EventStoreDB's $correlationId / $causationId and keeps actor, business time and schema version", () => {
    expect(toEsdbMetadata(metadata)).toEqual({
      $correlationId: 'corr-1',
      $causationId: 'cause-1',
      actor: 'user:alice',
      occurredAt: '2026-11-20T04:30:00.000Z',
      schemaVersion: 2,
    });
  });

  it('round-trips exactly, the event id coming from the ESDB event id', () => {
    expect(fromEsdbMetadata(toEsdbMetadata(metadata), metadata.eventId)).toEqual(metadata);
  });

  it('omits a null causation and reads its absence back as null', () => {
    const root = { ...metadata, causationId: null };
    expect(toEsdbMetadata(root)).not.toHaveProperty('$causationId');
    expect(fromEsdbMetadata(toEsdbMetadata(root), root.eventId)).toEqual(root);
  });

  it('keeps an upper-case event id exactly, although EventStoreDB returns ids lower-cased', () => {
    const upper = { ...metadata, eventId: metadata.eventId.toUpperCase() };
    const stored = toEsdbMetadata(upper);
    expect(stored.eventId).toBe(upper.eventId);
    expect(fromEsdbMetadata(stored, upper.eventId.toLowerCase())).toEqual(upper);
    // An id in the metadata that is not the event's own id is ignored.
    expect(fromEsdbMetadata({ ...stored, eventId: 'something-else' }, metadata.eventId)?.eventId).toBe(metadata.eventId);
  });

  it('carries keys the port does not know after the mapped ones', () => {
    const withExtra = { ...metadata, originalRecordedAt: '2025-01-01T00:00:00.000Z' } as EventMetadata;
    expect(Object.keys(toEsdbMetadata(withExtra))).toEqual(['$correlationId', '$causationId', 'actor', 'occurredAt', 'schemaVersion', 'originalRecordedAt']);
    expect(fromEsdbMetadata(toEsdbMetadata(withExtra), metadata.eventId)).toEqual(withExtra);
    expect(reservedMetadataKey({ ...metadata, $foo: 1 })).toBe('$foo');
    expect(reservedMetadataKey({ ...metadata })).toBeNull();
  });

  it('does not recognise metadata written by other tools', () => {
    expect(fromEsdbMetadata(undefined, metadata.eventId)).toBeNull();
    expect(fromEsdbMetadata(new Uint8Array([1, 2]), metadata.eventId)).toBeNull();
    expect(fromEsdbMetadata({ $correlationId: 'c' }, metadata.eventId)).toBeNull();
    expect(fromEsdbMetadata({ ...toEsdbMetadata(metadata), schemaVersion: '1' }, metadata.eventId)).toBeNull();
    expect(fromEsdbMetadata({ ...toEsdbMetadata(metadata), $causationId: 5 }, metadata.eventId)).toBeNull();
  });

  it('is what the client sends: jsonEvent keeps the id, type, data and metadata object', () => {
    const event = jsonEvent({ id: metadata.eventId, type: 'OrderPlaced', data: { a: 1 }, metadata: toEsdbMetadata(metadata) });
    expect(event).toEqual({ id: metadata.eventId, contentType: 'application/json', type: 'OrderPlaced', data: { a: 1 }, metadata: toEsdbMetadata(metadata) });
  });
});

describe('positions', () => {
  it('uses the commit position as the global position and maps a checkpoint back exactly', () => {
    expect(toGlobalPosition({ commit: 1_234_567n, prepare: 1_234_567n })).toBe(1_234_567n);
    expect(toReadPosition(1_234_567n)).toEqual({ commit: 1_234_567n, prepare: 1_234_567n });
    expect(toReadPosition(2n ** 62n)).toEqual({ commit: 2n ** 62n, prepare: 2n ** 62n });
  });

  it('starts from the beginning for checkpoint 0 (nothing handled yet)', () => {
    expect(toReadPosition(0n)).toBe('start');
  });
});

describe('recorded event -> envelope', () => {
  it('maps stream, revision, type, data, metadata, commit position and created time', () => {
    expect(toEnvelope(record())).toEqual({
      type: 'OrderPlaced',
      data: { orderId: 'o-1', quantity: 10 },
      metadata,
      streamName: 'order-1',
      streamRevision: 3n,
      globalPosition: 4242n,
      recordedAt: '2026-11-20T04:30:00.123Z',
    });
  });

  it('hides system events, claims, binary events and events without this application metadata', () => {
    expect(toEnvelope(record({ streamId: '$stats-127.0.0.1:2113' }))).toBeNull();
    expect(toEnvelope(record({ type: '$metadata' }))).toBeNull();
    expect(toEnvelope(record({ streamId: `${CLAIM_STREAM_PREFIX}${metadata.eventId}` }))).toBeNull();
    expect(toEnvelope(record({ isJson: false, data: new Uint8Array([1]) }))).toBeNull();
    expect(toEnvelope(record({ metadata: { some: 'other tool' } }))).toBeNull();
    expect(isApplicationEvent('order-1', 'OrderPlaced')).toBe(true);
  });

  it('refuses to invent a position when the server sends none (EventStoreDB before 22.6)', () => {
    expect(() => toEnvelope(record({ position: undefined }))).toThrow(UnsupportedServerError);
  });

  it('takes the 0/0 position the client makes of an unset one for an old server, not for the first event', () => {
    // @eventstore/db-client reads an unset commit/prepare as "0" (protobuf's default), so undefined never arrives.
    expect(() => toEnvelope(record({ position: { commit: 0n, prepare: 0n } }))).toThrow(UnsupportedServerError);
    expect(toEnvelope(record({ position: { commit: 0n, prepare: 0n }, streamId: '$stats-1' }))).toBeNull();
  });
});

describe('filters', () => {
  it('matches type and stream-prefix filters client-side; empty lists restrict nothing', () => {
    const event = { type: 'OrderFilled', streamName: 'order-7' };
    expect(matchesFilter(event, undefined)).toBe(true);
    expect(matchesFilter(event, { eventTypes: [], streamPrefixes: [] })).toBe(true);
    expect(matchesFilter(event, { eventTypes: ['OrderFilled'] })).toBe(true);
    expect(matchesFilter(event, { eventTypes: ['orderfilled'] })).toBe(false);
    expect(matchesFilter(event, { streamPrefixes: ['account-', 'order-'] })).toBe(true);
    expect(matchesFilter(event, { eventTypes: ['OrderFilled'], streamPrefixes: ['account-'] })).toBe(false);
  });

  it('filters server-side on exact event types when given, as a regex that matches nothing else', () => {
    const filter = serverFilterFor({ eventTypes: ['OrderFilled', 'Order.Partially(Filled)'] });
    expect(filter).toEqual({ filterOn: 'eventType', regex: '^(?:OrderFilled|Order\\.Partially\\(Filled\\))$', checkpointInterval: 1 });
    if (!('regex' in filter)) throw new Error('expected a regex filter');
    const regex = new RegExp(filter.regex);
    expect(regex.test('OrderFilled')).toBe(true);
    expect(regex.test('Order.Partially(Filled)')).toBe(true);
    expect(regex.test('OrderFilledX')).toBe(false);
    expect(regex.test('OrderXPartially(Filled)')).toBe(false);
    expect(regex.test('$metadata')).toBe(false);
  });

  it('filters server-side on stream prefixes when only those are given, in the shape the client builds', () => {
    expect(serverFilterFor({ streamPrefixes: ['order-'] })).toEqual(streamNameFilter({ prefixes: ['order-'] }));
  });

  it('otherwise drops system and claim streams server-side', () => {
    const filter = serverFilterFor(undefined);
    if (!('regex' in filter)) throw new Error('expected a regex filter');
    expect(filter.filterOn).toBe('streamName');
    const regex = new RegExp(filter.regex);
    expect(regex.test('order-1')).toBe(true);
    expect(regex.test('robo-event-idx')).toBe(true);
    expect(regex.test('$stats-node')).toBe(false);
    expect(regex.test(`${CLAIM_STREAM_PREFIX}0b6f5b8e`)).toBe(false);
    expect(serverFilterFor({ eventTypes: [], streamPrefixes: [] })).toEqual(filter);
  });

  it('escapes every regex metacharacter', () => {
    const nasty = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o/p#q r-s';
    expect(new RegExp(`^${escapeRegex(nasty)}$`).test(nasty)).toBe(true);
    expect(new RegExp(`^${escapeRegex('a.b')}$`).test('axb')).toBe(false);
  });
});

describe('retries and claims', () => {
  const at = (revision: bigint, globalPosition: bigint) => ({ revision, globalPosition });

  it('treats ids not in the stream as a new append', () => {
    expect(judgeRetry([undefined, undefined])).toEqual({ kind: 'new' });
  });

  it('answers an exact repeat (or its tail) with the first result, flagged idempotent', () => {
    expect(judgeRetry([at(0n, 100n), at(1n, 180n)])).toEqual({ kind: 'retry', result: { nextExpectedRevision: 1n, lastGlobalPosition: 180n, idempotent: true } });
    expect(judgeRetry([at(1n, 180n)])).toEqual({ kind: 'retry', result: { nextExpectedRevision: 1n, lastGlobalPosition: 180n, idempotent: true } });
  });

  it('refuses a partial repeat or a reordering, naming the first stored id', () => {
    expect(judgeRetry([undefined, at(1n, 180n)])).toEqual({ kind: 'duplicate', index: 1 });
    expect(judgeRetry([at(1n, 180n), undefined])).toEqual({ kind: 'duplicate', index: 0 });
    expect(judgeRetry([at(1n, 180n), at(0n, 100n)])).toEqual({ kind: 'duplicate', index: 0 });
    expect(judgeRetry([at(0n, 100n), at(2n, 250n)])).toEqual({ kind: 'duplicate', index: 0 });
  });

  it('classifies an existing claim by the stream it names', () => {
    expect(classifyClaim('order-1', 'order-1')).toEqual({ kind: 'ours' });
    expect(classifyClaim('order-2', 'order-1')).toEqual({ kind: 'foreign', owner: 'order-2' });
    expect(classifyClaim(null, 'order-1')).toEqual({ kind: 'foreign', owner: null });
  });
});

describe('error mapping', () => {
  it('maps unreachable, timed-out and leaderless servers to StoreUnavailableError (503), keeping the cause', () => {
    for (const error of [new UnavailableError(), new DeadlineExceededError(), Object.assign(new Error('14 UNAVAILABLE'), { code: 14 })]) {
      expect(isTransientEsdbError(error)).toBe(true);
      const mapped = mapEsdbError(error, 'appending');
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as StoreUnavailableError).cause).toBe(error);
    }
    expect(isTransientEsdbError(Object.create(NotLeaderError.prototype))).toBe(true);
  });

  it('maps refused credentials to unavailable with a hint, and an oversized append to INVALID_APPEND', () => {
    expect(mapEsdbError(new AccessDeniedError(), 'reading $all')).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('EVENTSTORE_URL') });
    expect(mapEsdbError(new MaxAppendSizeExceededError(undefined, 1024), 'appending')).toBeInstanceOf(InvalidAppendError);
  });

  it('takes what the server refuses for good (UnknownError, InvalidArgumentError) as permanent, never as unavailable', () => {
    for (const error of [new UnknownError(), new InvalidArgumentError('bad position')]) {
      expect(isTransientEsdbError(error)).toBe(false);
      const mapped = mapEsdbError(error, 'reading $all');
      expect(mapped).toBeInstanceOf(StoreRequestFailedError);
      expect(mapped).not.toBeInstanceOf(StoreUnavailableError);
      expect((mapped as StoreRequestFailedError).cause).toBe(error);
    }
  });

  it('maps an oversized append to APPEND_TOO_LARGE with the server limit', () => {
    const mapped = mapEsdbError(new MaxAppendSizeExceededError(undefined, 1024), 'appending');
    expect(mapped).toBeInstanceOf(AppendTooLargeError);
    expect(mapped).toMatchObject({ code: 'INVALID_APPEND', limitBytes: 1024, sizeBytes: null });
  });

  it('lets anything else through unchanged', () => {
    const conflict = new WrongExpectedVersionError('s', 1n, 2n);
    expect(mapEsdbError(conflict, 'appending')).toBe(conflict);
    const bug = new TypeError('bug');
    expect(isTransientEsdbError(bug)).toBe(false);
    expect(mapEsdbError(bug, 'appending')).toBe(bug);
  });
});
