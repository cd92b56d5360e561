import type { EventEnvelope, EventMetadata } from '../envelope';

/*
 * The export format: one JSON object per line (NDJSON, UTF-8, "\n" after every line), in global order. Bigints are
 * decimal strings. Keys come in a fixed order, so the same log always exports to the same bytes:
 *
 *   {"globalPosition":"12","recordedAt":"...","streamName":"order-1","streamRevision":"3","type":"OrderFilled",
 *    "data":{...},"metadata":{...}}
 *
 * data and metadata are written as the store returns them (their key order is the store's).
 */

/** One exported event, as it travels in a line. */
export interface ExportedEvent {
  globalPosition: bigint;
  recordedAt: string;
  streamName: string;
  streamRevision: bigint;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export function formatLine(event: EventEnvelope | ExportedEvent): string {
  return (
    `{"globalPosition":${JSON.stringify(event.globalPosition.toString())}` +
    `,"recordedAt":${JSON.stringify(event.recordedAt)}` +
    `,"streamName":${JSON.stringify(event.streamName)}` +
    `,"streamRevision":${JSON.stringify(event.streamRevision.toString())}` +
    `,"type":${JSON.stringify(event.type)}` +
    `,"data":${JSON.stringify(event.data)}` +
    `,"metadata":${JSON.stringify(event.metadata)}}\n`
  );
}

/** A line that is not an exported event: the import stops there, naming the line. */
export class MalformedExportLineError extends Error {
  readonly code = 'MALFORMED_EXPORT_LINE';
  constructor(
    public readonly lineNumber: number,
    public readonly reason: string,
  ) {
    super(`line ${lineNumber}: ${reason}`);
    this.name = 'MalformedExportLineError';
  }
}

const DECIMAL = /^(0|[1-9]\d*)$/;

/** Parses and checks one line (lineNumber is 1-based, for the error). Event-level rules are the target store's. */
export function parseLine(line: string, lineNumber: number): ExportedEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new MalformedExportLineError(lineNumber, `not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedExportLineError(lineNumber, 'not a JSON object');
  const record = value as Record<string, unknown>;
  const text = (key: string): string => {
    const field = record[key];
    if (typeof field !== 'string' || field.length === 0) throw new MalformedExportLineError(lineNumber, `${key} must be a non-empty string`);
    return field;
  };
  const position = (key: string): bigint => {
    const field = text(key);
    if (!DECIMAL.test(field)) throw new MalformedExportLineError(lineNumber, `${key} must be a decimal integer in a string, got ${JSON.stringify(field)}`);
    return BigInt(field);
  };
  if (!('data' in record)) throw new MalformedExportLineError(lineNumber, 'data is missing');
  const metadata = record.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new MalformedExportLineError(lineNumber, 'metadata must be an object');
  const recordedAt = text('recordedAt');
  if (Number.isNaN(Date.parse(recordedAt))) throw new MalformedExportLineError(lineNumber, 'recordedAt must be an ISO-8601 time');
  return {
    globalPosition: position('globalPosition'),
    recordedAt,
    streamName: text('streamName'),
    streamRevision: position('streamRevision'),
    type: text('type'),
    data: record.data,
    metadata: metadata as EventMetadata,
  };
}
