import { assertNever } from '@robo/domain';
import type { NewEvent } from '../envelope';
import type { ExpectedRevision } from '../event-store.port';
import { AppendTooLargeError, InvalidAppendError } from '../errors';

/** An event checked and serialised once, before it waits in the group-commit queue. */
export interface PreparedEvent {
  /** As the caller wrote it (for error messages). */
  readonly eventId: string;
  /** Lower-cased, so that the same UUID written in another case is still recognised as a duplicate. */
  readonly eventIdKey: string;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
}

/**
 * Largest append (the UTF-8 bytes of every event's type, data and metadata JSON) the EventStoreDB adapter takes in
 * one call: the server's default max append size (1 MiB) less room for the request's own framing.
 */
export const ESDB_MAX_APPEND_BYTES = 1024 * 1024 - 64 * 1024;
/** The SQLite store's: EventStoreDB's largest event (16 MiB), so that one event it takes can move there. */
export const SQLITE_MAX_APPEND_BYTES = 16 * 1024 * 1024;

/** The bytes an event counts against MAX_APPEND_BYTES. */
export function eventAppendBytes(event: { type: string; dataJson: string; metadataJson: string }): number {
  return Buffer.byteLength(event.type) + Buffer.byteLength(event.dataJson) + Buffer.byteLength(event.metadataJson);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Rejects, with InvalidAppendError (code INVALID_APPEND), anything that would not read back exactly as written:
 * the log is append-only, so a bad event can never be corrected afterwards.
 */
export function prepareAppend(streamName: unknown, events: unknown, maxAppendBytes: number = SQLITE_MAX_APPEND_BYTES): PreparedEvent[] {
  if (typeof streamName !== 'string' || streamName.length === 0) {
    throw new InvalidAppendError('stream name must be a non-empty string', { streamName });
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppendError(`append to ${streamName}: events must be a non-empty array`, { streamName });
  }
  const prepared: PreparedEvent[] = new Array<PreparedEvent>(events.length);
  let bytes = 0;
  for (let index = 0; index < events.length; index += 1) {
    prepared[index] = prepareEvent(events[index], index, streamName);
    bytes += eventAppendBytes(prepared[index]);
  }
  if (bytes > maxAppendBytes) {
    throw new AppendTooLargeError(
      `append to ${streamName}: ${bytes} bytes of events is more than the ${maxAppendBytes} one append to this store may carry; split it`,
      bytes,
      maxAppendBytes,
      { streamName },
    );
  }
  // Most appends carry one event: no set is needed to find a repeat among them.
  if (prepared.length > 1) {
    const seen = new Set<string>();
    prepared.forEach((event, index) => {
      if (seen.has(event.eventIdKey)) {
        throw new InvalidAppendError(`append to ${streamName}: event id repeated within one append`, { streamName, index });
      }
      seen.add(event.eventIdKey);
    });
  }
  return prepared;
}

/** A JSON number (0 rather than 0n) is the likely mistake here, so it gets its own message. */
export function checkExpectedRevision(streamName: string, value: unknown): ExpectedRevision {
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return value;
  if (typeof value === 'bigint' && value >= 0n) return value;
  const hint = typeof value === 'number' ? ' (a revision is a bigint: write 0n, not 0)' : '';
  throw new InvalidAppendError(
    `append to ${streamName}: expectedRevision must be 'any', 'no_stream', 'stream_exists' or a bigint >= 0${hint}`,
    { streamName, expectedRevision: String(value) },
  );
}

// Paths in messages are built only once something is wrong: an append of valid events builds no strings but its JSON.
function prepareEvent(event: unknown, index: number, streamName: string): PreparedEvent {
  const path = () => `events[${index}]`;
  const fail = (problem: string): never => {
    throw new InvalidAppendError(`append to ${streamName}: ${problem}`, { streamName, path: path() });
  };
  if (!isRecord(event)) return fail(`${path()} is not an object`);
  const { type, data, metadata } = event as Partial<NewEvent>;
  if (typeof type !== 'string' || type.length === 0) return fail(`${path()}.type must be a non-empty string`);
  // EventStoreDB keeps types beginning with '$' for its own events and hides them from every read.
  if (type.startsWith('$')) return fail(`${path()}.type ${JSON.stringify(type)} begins with '$', which is reserved for system events`);
  if (!isRecord(metadata)) return fail(`${path()}.metadata is not an object`);
  const metadataProblem = checkMetadata(metadata) ?? findJsonProblem(metadata, []);
  if (metadataProblem !== null) return fail(describe(metadataProblem, `${path()}.metadata`));
  const dataProblem = findJsonProblem(data, []);
  if (dataProblem !== null) return fail(describe(dataProblem, `${path()}.data`));
  const eventId = String(metadata.eventId);
  return {
    eventId,
    eventIdKey: eventId.toLowerCase(),
    type,
    dataJson: JSON.stringify(data),
    metadataJson: JSON.stringify(metadata),
  };
}

/** What is wrong and where: `steps` lead from the checked value to the culprit, innermost first. */
interface JsonProblem {
  readonly steps: (string | number)[];
  readonly problem: string;
}

function describe(found: JsonProblem, path: string): string {
  let at = path;
  for (let i = found.steps.length - 1; i >= 0; i -= 1) {
    const step = found.steps[i];
    at += typeof step === 'number' ? `[${step}]` : `.${step}`;
  }
  return `${at} ${found.problem}`;
}

function bad(field: string, problem: string): JsonProblem {
  return { steps: [field], problem };
}

function checkMetadata(metadata: Record<string, unknown>): JsonProblem | null {
  const { eventId, correlationId, causationId, actor, occurredAt, schemaVersion } = metadata;
  if (typeof eventId !== 'string' || !UUID.test(eventId)) return bad('eventId', 'must be a UUID string');
  if (!isNonEmptyString(correlationId)) return bad('correlationId', 'must be a non-empty string');
  if (causationId !== null && !isNonEmptyString(causationId)) return bad('causationId', 'must be null or a non-empty string');
  if (!isNonEmptyString(actor)) return bad('actor', 'must be a non-empty string');
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) return bad('occurredAt', 'must be an ISO-8601 string');
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    return bad('schemaVersion', 'must be an integer >= 1');
  }
  return null;
}

/**
 * Returns why `value` would not survive JSON.stringify + JSON.parse unchanged, or null if it would.
 * An undefined object property is allowed: JSON drops it, which is how optional fields are meant to read back.
 */
export function jsonProblem(value: unknown, path: string, ancestors: object[]): string | null {
  const found = findJsonProblem(value, ancestors);
  return found === null ? null : describe(found, path);
}

function findJsonProblem(value: unknown, ancestors: object[]): JsonProblem | null {
  const kind = typeof value;
  switch (kind) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : { steps: [], problem: `is ${value}, which JSON cannot represent` };
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return { steps: [], problem: `is a ${kind}, which JSON cannot store` };
    case 'object':
      // Re-tested because TypeScript does not narrow `value` through the `kind` alias.
      return typeof value === 'object' && value !== null ? containerProblem(value, ancestors) : null;
    default:
      return assertNever(kind);
  }
}

function containerProblem(value: object, ancestors: object[]): JsonProblem | null {
  if (ancestors.includes(value)) return { steps: [], problem: 'is a circular reference' };
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) {
        // An undefined array slot would silently read back as null.
        const found = findJsonProblem(value[i], ancestors);
        if (found !== null) return within(found, i);
      }
      return null;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return { steps: [], problem: `is a ${value.constructor?.name ?? 'class instance'}, not a plain object (it would not read back as such)` };
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item === undefined) continue;
      const found = findJsonProblem(item, ancestors);
      if (found !== null) return within(found, key);
    }
    return null;
  } finally {
    ancestors.pop();
  }
}

function within(found: JsonProblem, step: string | number): JsonProblem {
  found.steps.push(step);
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
