import type { EventEnvelope, NewEvent } from './envelope';

export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * 'any': no check. 'no_stream': the stream must not exist. 'stream_exists': it must have at least one event.
 * bigint: the revision of the stream's last event must be exactly this.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (pass it as the next expectedRevision). */
  nextExpectedRevision: bigint;
  /** Global position of the last event written (or of the already-stored event for an idempotent retry). */
  lastGlobalPosition: bigint;
  /** True when every event id was already stored in this stream, so nothing was written. */
  idempotent: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; defaults to the first (forwards) or last (backwards) event. */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface AllFilter {
  eventTypes?: readonly string[];
  streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /**
   * Exclusive: events with globalPosition greater than this. Defaults to 0n (from the start). Pass 0n or a position
   * the store returned (a checkpoint): on EventStoreDB any other value is inside a record and is refused.
   */
  after?: bigint;
  maxCount?: number;
  filter?: AllFilter;
}

export interface ReadAllBackwardsOptions {
  /** Exclusive: events with globalPosition less than this. Defaults to past the head (the newest event first). */
  before?: bigint;
  /** Defaults to 1000. */
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: delivery starts with the first event after it. */
  after?: bigint;
  filter?: AllFilter;
  /** Aborting ends the iteration. */
  signal?: AbortSignal;
}

export interface EventStore {
  /**
   * Most bytes one append may carry (the UTF-8 JSON of its events' types, data and metadata); a larger one is
   * refused with AppendTooLargeError (INVALID_APPEND) and writes nothing. 1 MiB less framing on EventStoreDB.
   */
  readonly maxAppendBytes: number;
  /**
   * What global positions count: 'events' where they are consecutive event numbers (SQLite), 'bytes' where they
   * are offsets in the log (EventStoreDB). A difference of two positions ("lag") is in this unit.
   */
  readonly positionUnit: 'events' | 'bytes';
  append(streamName: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Events of one stream; an unknown stream reads as empty. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<EventEnvelope[]>;
  /** Events of the whole log in global order. */
  readAll(options?: ReadAllOptions): Promise<EventEnvelope[]>;
  /**
   * The event at exactly this global position, or null when none is there. Global positions increase but need not
   * be consecutive (on EventStoreDB they are byte offsets in the log): never compute a neighbour as p - 1 or p + 1
   * and read from it; ask for the position itself.
   */
  readEvent(globalPosition: bigint): Promise<EventEnvelope | null>;
  /** The newest events of the whole log first: a bounded look at the tail without reading from the start. */
  readAllBackwards(options?: ReadAllBackwardsOptions): Promise<EventEnvelope[]>;
  /**
   * Catch-up then live delivery of all events after a checkpoint, in global order.
   * The iterator only reads ahead what the consumer asks for: each event is handled before the next is fetched.
   */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<EventEnvelope>;
  /**
   * Resolves true as soon as the log's head is past `position` (at once if it already is),
   * false after timeoutMs or when the signal aborts. Works across processes sharing the store.
   */
  waitForEventsAfter(position: bigint, options: { timeoutMs: number; signal?: AbortSignal }): Promise<boolean>;
  /** Global position of the last committed event (0n when empty). */
  headPosition(): Promise<bigint>;
  /** Cheap liveness probe of the underlying storage. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
