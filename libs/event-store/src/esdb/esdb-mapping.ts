import type { AppendExpectedRevision, CurrentRevision, Position, ReadPosition } from '@eventstore/db-client';
import type { EventEnvelope, EventMetadata } from '../envelope';
import type { AllFilter, ExpectedRevision } from '../event-store.port';
import { WrongExpectedVersionError } from '../errors';

/*
 * Pure translations between the EventStore port and EventStoreDB (gRPC client 6.x). No I/O here, so every rule
 * is unit-tested without a server (esdb-mapping.spec.ts).
 *
 * Positions. EventStoreDB addresses a record in its transaction log by {commit, prepare}, both byte offsets.
 * Events appended through the gRPC API (ESDB 20+; there are no explicit transactions in it) are read from $all
 * with commit === prepare, each event at its own offset, strictly increasing in commit order. So the port's
 * globalPosition IS the commit position, and a bigint checkpoint maps back to {commit: p, prepare: p} exactly.
 * Subscriptions keep the full {commit, prepare} of the last handled record to resume, so they never rely on
 * that equality after the first page. Positions are offsets, not counts: "lag in events" computed as
 * head - checkpoint is a lag in bytes on this store.
 */

/** Streams holding one event-id claim each (see esdb-claims.ts); hidden from every read of $all. */
export const CLAIM_STREAM_PREFIX = 'robo-event-id-';
export const CLAIM_EVENT_TYPE = 'EventIdClaimed';

/** The port's expected revisions are EventStoreDB's own four forms, so the mapping is one-to-one. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  return expected;
}

export function fromEsdbExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  return expected;
}

/** EventStoreDB reports the stream's current revision, or that it has none. */
export function fromEsdbCurrentRevision(current: CurrentRevision): bigint | 'no_stream' {
  return current;
}

/**
 * The client's WrongExpectedVersionError becomes the port's (409, retried by command handlers). The expected
 * revision reported is the caller's, not the server's echo of it, so messages name what the caller asked for.
 */
export function toPortConflict(
  streamName: string,
  requested: ExpectedRevision,
  esdbError: { actualVersion: CurrentRevision },
): WrongExpectedVersionError {
  return new WrongExpectedVersionError(streamName, requested, fromEsdbCurrentRevision(esdbError.actualVersion));
}

/** Exclusive checkpoint -> where EventStoreDB starts (0n is "before the first event"). */
export function toReadPosition(after: bigint): ReadPosition {
  return after <= 0n ? 'start' : { commit: after, prepare: after };
}

export function toGlobalPosition(position: Position): bigint {
  return position.commit;
}

// Keys of the ESDB metadata document that carry the port's fields. `$correlationId` and `$causationId` are
// EventStoreDB's own names, read by its system projections ($by_correlation_id) and its UI.
const CORRELATION = '$correlationId';
const CAUSATION = '$causationId';
const MAPPED_KEYS = new Set(['eventId', 'correlationId', 'causationId', 'actor', 'occurredAt', 'schemaVersion']);

/**
 * Port metadata -> the JSON metadata stored with the event. The event id travels as the ESDB event id (which is
 * what makes a retried append recognisable); EventStoreDB hands ids back lower-cased, so an id written in
 * another case is also kept here to read back exactly. A null causation is omitted (ESDB tools expect a string).
 * Keys the port does not know are kept as they are, after the mapped ones.
 */
export function toEsdbMetadata(metadata: EventMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = { [CORRELATION]: metadata.correlationId };
  if (metadata.causationId !== null) out[CAUSATION] = metadata.causationId;
  out.actor = metadata.actor;
  out.occurredAt = metadata.occurredAt;
  out.schemaVersion = metadata.schemaVersion;
  if (metadata.eventId !== metadata.eventId.toLowerCase()) out.eventId = metadata.eventId;
  for (const [key, value] of Object.entries(metadata as unknown as Record<string, unknown>)) {
    if (!MAPPED_KEYS.has(key)) out[key] = value;
  }
  return out;
}

/** A metadata key the ESDB form cannot carry next to the mapped ones (it would be read back as something else). */
export function reservedMetadataKey(metadata: Record<string, unknown>): string | null {
  return Object.keys(metadata).find((key) => !MAPPED_KEYS.has(key) && key.startsWith('$')) ?? null;
}

/**
 * The stored JSON metadata -> port metadata, or null when the event was not written through this adapter
 * (another tool's event, an EventStoreDB system event): such events are not part of this application's log.
 */
export function fromEsdbMetadata(raw: unknown, esdbEventId: string): EventMetadata | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { [CORRELATION]: correlationId, [CAUSATION]: causationId, actor, occurredAt, schemaVersion, eventId, ...extra } = raw as Record<string, unknown>;
  if (typeof correlationId !== 'string' || typeof actor !== 'string' || typeof occurredAt !== 'string') return null;
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion)) return null;
  if (causationId !== undefined && typeof causationId !== 'string') return null;
  const id = typeof eventId === 'string' && eventId.toLowerCase() === esdbEventId.toLowerCase() ? eventId : esdbEventId;
  return {
    eventId: id,
    correlationId,
    causationId: causationId ?? null,
    actor,
    occurredAt,
    schemaVersion,
    ...extra,
  };
}

/** What the adapter needs of a recorded event (the client's RecordedEvent and AllStreamRecordedEvent both fit). */
export interface EsdbRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/** System streams and types start with '$'; claim streams are this adapter's bookkeeping. */
export function isApplicationEvent(streamName: string, type: string): boolean {
  return !streamName.startsWith('$') && !type.startsWith('$') && !streamName.startsWith(CLAIM_STREAM_PREFIX);
}

/** Thrown when a server does not return event positions on stream reads (EventStoreDB before 22.6). */
export class UnsupportedServerError extends Error {
  readonly code = 'ESDB_SERVER_TOO_OLD';
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedServerError';
  }
}

/**
 * A recorded event -> the port's envelope; null for events that are not this application's (system, claims,
 * non-JSON, foreign metadata). recordedAt is the server's `created` (100 ns ticks, truncated to milliseconds).
 */
export function toEnvelope(record: EsdbRecord): EventEnvelope | null {
  if (!isApplicationEvent(record.streamId, record.type) || !record.isJson) return null;
  const metadata = fromEsdbMetadata(record.metadata, record.id);
  if (metadata === null) return null;
  // The client reads a position the server left unset as 0/0 (protobuf defaults), never as undefined. The first
  // record of every EventStoreDB log is the server's own (an epoch record, then system events), so an application
  // event at 0/0 is impossible: it is an old server that sends no positions.
  if (record.position === undefined || (record.position.commit === 0n && record.position.prepare === 0n)) {
    throw new UnsupportedServerError(`event ${record.id} in ${record.streamId} came without a log position: EventStoreDB 22.10 or later is required`);
  }
  return {
    type: record.type,
    data: record.data,
    metadata,
    streamName: record.streamId,
    streamRevision: record.revision,
    globalPosition: toGlobalPosition(record.position),
    recordedAt: record.created.toISOString(),
  };
}

function nonEmpty(list: readonly string[] | undefined): readonly string[] | null {
  return list !== undefined && list.length > 0 ? list : null;
}

/** The client-side half of a filter; it is always applied, whatever the server already filtered. */
export function matchesFilter(event: { type: string; streamName: string }, filter: AllFilter | undefined): boolean {
  const types = nonEmpty(filter?.eventTypes);
  const prefixes = nonEmpty(filter?.streamPrefixes);
  if (types !== null && !types.includes(event.type)) return false;
  if (prefixes !== null && !prefixes.some((prefix) => event.streamName.startsWith(prefix))) return false;
  return true;
}

/** .NET and JavaScript agree on these metacharacters; escaping them makes a literal. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/#\s-]/g, (c) => (/\s/.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `\\${c}`));
}

/** The server-side filter of a subscription, in the client's own shape (its filter helpers build the same). */
export type ServerFilter =
  | { filterOn: 'eventType' | 'streamName'; regex: string; checkpointInterval: number }
  | { filterOn: 'streamName'; prefixes: string[]; checkpointInterval: number };

/**
 * EventStoreDB filters on one dimension per subscription. Event types are the most selective when given (and an
 * exact-match regex also drops system and claim events); stream prefixes next; otherwise a stream-name regex
 * drops system and claim streams. Whatever it lets through is checked again client-side.
 */
export function serverFilterFor(filter: AllFilter | undefined): ServerFilter {
  const types = nonEmpty(filter?.eventTypes);
  if (types !== null) return { filterOn: 'eventType', regex: `^(?:${types.map(escapeRegex).join('|')})$`, checkpointInterval: 1 };
  const prefixes = nonEmpty(filter?.streamPrefixes);
  if (prefixes !== null) return { filterOn: 'streamName', prefixes: [...prefixes], checkpointInterval: 1 };
  return { filterOn: 'streamName', regex: `^(?!\\$)(?!${escapeRegex(CLAIM_STREAM_PREFIX)})`, checkpointInterval: 1 };
}
