import {
  type AllStreamResolvedEvent,
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  type JSONType,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
} from '@eventstore/db-client';
import type { EventEnvelope, EventMetadata, NewEvent } from '../envelope';
import type { AllFilter, AppendOptions, AppendResult, EventStore, ReadAllBackwardsOptions, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../event-store.port';
import { DuplicateEventIdError, InvalidAppendError, StoreUnavailableError } from '../errors';
import { checkExpectedRevision, ESDB_MAX_APPEND_BYTES, prepareAppend, type PreparedEvent } from '../sqlite/append-validation';
import { settleWithin } from '../settle-within';
import { claimEventIds } from './esdb-claims';
import { isTransientEsdbError, mapEsdbError } from './esdb-errors';
import { EsdbHeadWatcher } from './esdb-head-watcher';
import { ALL_PAGE, checkMaxCount, readAllForwards, readEventAt, readStreamEvents, scanBackwards } from './esdb-log-reads';
import { readUntil } from './esdb-reads';
import {
  CLAIM_STREAM_PREFIX,
  matchesFilter,
  reservedMetadataKey,
  serverFilterFor,
  toEnvelope,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toPortConflict,
  toReadPosition,
} from './esdb-mapping';
import { WrongExpectedVersionError } from '../errors';
import { judgeRetry, type LocatedEvent } from './esdb-retry';
import { resumableSubscription } from './esdb-subscription';

export interface EsdbEventStoreOptions {
  /** esdb://host:2113?tls=false, esdb+discover://... (credentials, TLS and node preference go in the string). */
  url: string;
  /** How long ping() waits before reporting the store unavailable. Default 3000 ms. */
  pingTimeoutMs?: number;
  /** Reconnection waits of a subscription after a dropped connection. Default 100 ms doubling to 5000 ms. */
  resubscribe?: { initialMs?: number; maxMs?: number };
  /** Told about each reconnection of a subscription (for logs); never throws into the subscription. */
  onReconnect?: (info: { error: unknown; delayMs: number }) => void;
  /** Most bytes of events in one append (default 1 MiB less framing: the server's default max append size). */
  maxAppendBytes?: number;
}

const DEFAULT_READ_ALL_MAX = 1000;
/** Records read per request when looking back for the last application event. */
const HEAD_PAGE = 64;
/** Records read per request when looking for retried ids in a stream. */
const LOCATE_PAGE = 256;

/**
 * The EventStore port on EventStoreDB / KurrentDB (gRPC client @eventstore/db-client 6.x; server 22.10 or later).
 * The client connects lazily and reconnects by itself, so opening never fails on an unreachable server: calls
 * fail with StoreUnavailableError (503) until it answers, and subscriptions ride out drops.
 *
 * How each promise of the port is kept:
 * - expected revisions map one-to-one; the server's WrongExpectedVersionError becomes the port's with the actual
 *   revision;
 * - event ids are the ESDB event ids, unique across the log thanks to claims (esdb-claims.ts); a retry is
 *   recognised by finding its ids at consecutive revisions of the target stream, whatever expected revision it
 *   carries, and answered with the first append's result and idempotent: true;
 * - globalPosition is the commit position (esdb-mapping.ts explains why that is exact), recordedAt the server's
 *   `created`;
 * - reads of $all and subscriptions skip system events, claim events and events not written by this adapter.
 * One limit: two identical appends racing each other (same ids, same instant) are stored once, but both may
 * report idempotent: false, because EventStoreDB answers the loser's write as a success without saying so.
 *
 * The reads themselves are in esdb-log-reads.ts. Every read that stops before its end (a page cut at maxCount, the
 * head, ping, a claim) cancels its gRPC call (esdb-reads.ts). A client whose first capability probe failed (the
 * client caches the failure, so every later append would fail) is replaced by a fresh one (see ensureCapabilities).
 */
export class EsdbEventStore implements EventStore {
  readonly positionUnit = 'bytes';
  readonly maxAppendBytes: number;
  private closed = false;
  /** Clients replaced after a failed capability probe: their open calls finish on them; disposed at close(). */
  private readonly retired: EventStoreDBClient[] = [];
  private readonly watcher: EsdbHeadWatcher;
  private readonly pingTimeoutMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };

  private constructor(
    private client: EventStoreDBClient,
    private readonly options: EsdbEventStoreOptions,
  ) {
    this.pingTimeoutMs = options.pingTimeoutMs ?? 3000;
    this.maxAppendBytes = options.maxAppendBytes ?? ESDB_MAX_APPEND_BYTES;
    this.backoff = { initialMs: options.resubscribe?.initialMs ?? 100, maxMs: options.resubscribe?.maxMs ?? 5000 };
    this.watcher = new EsdbHeadWatcher({
      readHead: () => this.headPosition(),
      follow: (after, signal) => this.followPositions(after, signal),
    });
  }

  /**
   * Parses the connection string (throws on a malformed one) but does not connect yet. Refuses
   * throwOnAppendFailure=false: the adapter relies on a conflict arriving as an error.
   */
  static connect(options: EsdbEventStoreOptions): EsdbEventStore {
    if (/[?&]throwOnAppendFailure=false(?:&|$)/i.test(options.url)) {
      throw new Error('EVENTSTORE_URL: throwOnAppendFailure=false is not supported (a failed append must fail); remove it');
    }
    return new EsdbEventStore(EventStoreDBClient.connectionString(options.url), options);
  }

  async append(streamName: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = prepareAppend(streamName, events, this.maxAppendBytes);
    const expectedRevision = checkExpectedRevision(streamName, options?.expectedRevision);
    if (streamName.startsWith('$') || streamName.startsWith(CLAIM_STREAM_PREFIX)) {
      throw new InvalidAppendError(`stream names starting with '$' or '${CLAIM_STREAM_PREFIX}' are reserved on EventStoreDB`, { streamName });
    }
    const proposed = prepared.map((event) => toProposedEvent(event, streamName));
    this.assertOpen();
    await this.ensureCapabilities();

    const claims = await claimEventIds(this.client, streamName, prepared.map((e) => e.eventIdKey));
    const foreign = claims.findIndex((claim) => claim.kind === 'foreign');
    if (foreign !== -1) throw new DuplicateEventIdError(prepared[foreign].eventId, streamName);
    if (claims.some((claim) => claim.kind === 'ours')) {
      const verdict = judgeRetry(await this.locate(streamName, prepared.map((e) => e.eventIdKey)));
      if (verdict.kind === 'retry') return verdict.result;
      if (verdict.kind === 'duplicate') throw new DuplicateEventIdError(prepared[verdict.index].eventId, streamName);
    }

    let written: { success: boolean; nextExpectedRevision: bigint; position?: { commit: bigint; prepare: bigint } };
    try {
      written = await this.client.appendToStream(streamName, proposed, { expectedRevision: toEsdbExpectedRevision(expectedRevision) });
    } catch (error) {
      if (error instanceof EsdbWrongExpectedVersionError) throw toPortConflict(streamName, expectedRevision, error);
      throw mapEsdbError(error, `appending to ${streamName}`);
    }
    // Only a client built with throwOnAppendFailure=false answers a conflict this way (connect() refuses that).
    if (!written.success) {
      throw new WrongExpectedVersionError(streamName, expectedRevision, written.nextExpectedRevision < 0n ? 'no_stream' : written.nextExpectedRevision);
    }
    const lastGlobalPosition = await this.positionOfWrite(streamName, prepared.length, written);
    this.watcher.notify(lastGlobalPosition);
    return { nextExpectedRevision: written.nextExpectedRevision, lastGlobalPosition, idempotent: false };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<EventEnvelope[]> {
    const maxCount = options.maxCount === undefined ? undefined : checkMaxCount(options.maxCount);
    if (maxCount === 0) return [];
    this.assertOpen();
    return readStreamEvents(this.client, streamName, { direction: options.direction, fromRevision: options.fromRevision, maxCount });
  }

  async readAll(options: ReadAllOptions = {}): Promise<EventEnvelope[]> {
    const maxCount = checkMaxCount(options.maxCount ?? DEFAULT_READ_ALL_MAX);
    if (maxCount === 0) return [];
    this.assertOpen();
    return readAllForwards(this.client, options.after ?? 0n, maxCount, options.filter);
  }

  /** $all read backwards from the end (or from `before`), skipping system and claim records. */
  async readAllBackwards(options: ReadAllBackwardsOptions = {}): Promise<EventEnvelope[]> {
    const maxCount = checkMaxCount(options.maxCount ?? DEFAULT_READ_ALL_MAX);
    if (maxCount === 0) return [];
    this.assertOpen();
    try {
      return await scanBackwards(this.client, options.before, maxCount, ALL_PAGE);
    } catch (error) {
      throw mapEsdbError(error, 'reading $all backwards');
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<EventEnvelope> {
    return this.subscribe(options.after ?? 0n, options.filter, options.signal);
  }

  async waitForEventsAfter(position: bigint, options: { timeoutMs: number; signal?: AbortSignal }): Promise<boolean> {
    if (this.closed) return false;
    return this.watcher.wait(position, options.timeoutMs, options.signal);
  }

  /**
   * Position of the last application event: $all read backwards, skipping system and claim records (a claim is
   * written just before its event, so the scan is short). 0n when there is none.
   */
  async headPosition(): Promise<bigint> {
    this.assertOpen();
    try {
      const [last] = await scanBackwards(this.client, undefined, 1, HEAD_PAGE);
      return last?.globalPosition ?? 0n;
    } catch (error) {
      throw mapEsdbError(error, 'reading the head of $all');
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    const probe = readUntil(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }), () => 'stop');
    try {
      await settleWithin(probe, this.pingTimeoutMs, () => new StoreUnavailableError(`EventStoreDB did not answer within ${this.pingTimeoutMs} ms`));
    } catch (error) {
      throw mapEsdbError(error, 'pinging');
    }
  }

  /** The event at exactly this position (esdb-log-reads.ts: readEventAt), or null. */
  async readEvent(globalPosition: bigint): Promise<EventEnvelope | null> {
    if (typeof globalPosition !== 'bigint' || globalPosition < 1n) return null;
    this.assertOpen();
    return readEventAt(this.client, globalPosition);
  }

  /** Idempotent; ends subscriptions and waits, then releases the gRPC channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    await Promise.all([this.client, ...this.retired].map((client) => client.dispose()));
  }

  /**
   * The client asks the server which calls it supports once, on its first append, and keeps the answer, a failure
   * included: a probe that failed with anything but unavailable or not-leader (a deadline on a silent network) makes
   * every later append of that client fail, while reads still work. So the answer is awaited here first; a failed
   * one retires the client for a fresh one (which probes again on the next append) and answers unavailable.
   */
  private async ensureCapabilities(): Promise<void> {
    const client = this.client;
    try {
      await (client as unknown as { capabilities: Promise<unknown> }).capabilities;
    } catch (error) {
      if (this.client === client && !this.closed) {
        this.retired.push(client);
        this.client = EventStoreDBClient.connectionString(this.options.url);
      }
      throw new StoreUnavailableError(`EventStoreDB did not say which calls it supports (${error instanceof Error ? error.message : String(error)}); a new connection will ask again`, error);
    }
  }

  private subscribe(after: bigint, filter: AllFilter | undefined, signal: AbortSignal | undefined): AsyncGenerator<EventEnvelope> {
    const serverFilter = serverFilterFor(filter);
    return resumableSubscription(
      (from) => this.client.subscribeToAll({ fromPosition: from, filter: serverFilter }),
      toReadPosition(after),
      (resolved: AllStreamResolvedEvent) => {
        const record = resolved.event;
        if (!record) return null;
        const envelope = toEnvelope(record);
        return { position: record.position, item: envelope !== null && matchesFilter(envelope, filter) ? envelope : null };
      },
      {
        signal,
        isClosed: () => this.closed,
        isTransient: isTransientEsdbError,
        backoff: this.backoff,
        onReconnect: ({ error, delayMs }) => {
          try {
            this.options.onReconnect?.({ error, delayMs });
          } catch {
            // A logging failure must not end the subscription.
          }
        },
      },
    );
  }

  private async *followPositions(after: bigint, signal: AbortSignal): AsyncGenerator<bigint> {
    for await (const event of this.subscribe(after, undefined, signal)) yield event.globalPosition;
  }

  /**
   * Where the append's events landed. A single event's write position is its own (commit === prepare); for
   * several events the write reports the transaction's positions, so the last event is read back instead.
   */
  private async positionOfWrite(
    streamName: string,
    count: number,
    written: { nextExpectedRevision: bigint; position?: { commit: bigint; prepare: bigint } },
  ): Promise<bigint> {
    const position = written.position;
    if (count === 1 && position !== undefined && position.commit === position.prepare) return position.commit;
    const [last] = await this.readStream(streamName, { fromRevision: written.nextExpectedRevision, maxCount: 1 });
    if (last === undefined) throw new StoreUnavailableError(`EventStoreDB acknowledged an append to ${streamName} that cannot be read back`);
    return last.globalPosition;
  }

  /** Finds the given ids in the stream, newest first (a retry usually concerns recent events). */
  private async locate(streamName: string, eventIdKeys: readonly string[]): Promise<(LocatedEvent | undefined)[]> {
    const wanted = new Set(eventIdKeys);
    const found = new Map<string, LocatedEvent>();
    let from: bigint | typeof END = END;
    while (found.size < wanted.size) {
      let page: EventEnvelope[];
      try {
        page = await this.readStreamPage(streamName, from);
      } catch (error) {
        throw mapEsdbError(error, `looking for retried events in ${streamName}`);
      }
      for (const event of page) {
        const key = event.metadata.eventId.toLowerCase();
        if (wanted.has(key)) found.set(key, { revision: event.streamRevision, globalPosition: event.globalPosition });
      }
      const oldest = page[page.length - 1];
      if (page.length < LOCATE_PAGE || oldest === undefined || oldest.streamRevision === 0n) break;
      from = oldest.streamRevision - 1n;
    }
    return eventIdKeys.map((key) => found.get(key));
  }

  private readStreamPage(streamName: string, from: bigint | typeof END): Promise<EventEnvelope[]> {
    return this.readStream(streamName, { direction: 'backwards', ...(from === END ? {} : { fromRevision: from }), maxCount: LOCATE_PAGE });
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the EventStoreDB store is closed');
  }
}

/** A validated event in the client's shape: the port's eventId is the ESDB event id. */
function toProposedEvent(event: PreparedEvent, streamName: string) {
  const metadata = JSON.parse(event.metadataJson) as EventMetadata;
  const reserved = reservedMetadataKey(metadata as unknown as Record<string, unknown>);
  if (reserved !== null) {
    throw new InvalidAppendError(`append to ${streamName}: metadata key ${reserved} is reserved on EventStoreDB`, { streamName });
  }
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    // Any JSON value: the client serialises it with JSON.stringify and parses it back on read, whatever its type.
    data: JSON.parse(event.dataJson) as JSONType,
    metadata: toEsdbMetadata(metadata),
  });
}
