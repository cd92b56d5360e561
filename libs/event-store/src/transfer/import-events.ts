import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { EventMetadata, NewEvent } from '../envelope';
import type { AppendResult, EventStore, ExpectedRevision } from '../event-store.port';
import { AppendTooLargeError, DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import { type ExportedEvent, MalformedExportLineError, parseLine } from './ndjson-format';

export interface ImportOptions {
  /**
   * Keep where each event came from in its metadata: `originalRecordedAt` and `originalGlobalPosition` (the
   * source store's). Default true. An event that already carries them (imported before) keeps the first ones.
   */
  provenance?: boolean;
  /**
   * Most events appended in one call (consecutive events of one stream go together). Default 500. A batch also
   * stops short of the target's maxAppendBytes, and one the target still refuses as too large is split in halves.
   */
  batchSize?: number;
  /** Stops between appends; what was appended stays (a second run continues, appending nothing twice). */
  signal?: AbortSignal;
  onProgress?: (report: ImportReport) => void;
}

export interface ImportReport {
  /** Lines read, blank ones included. */
  lines: number;
  events: number;
  /** Events written by this run. */
  appended: number;
  /** Events the target already held with the same id at the same revision (an earlier run). */
  alreadyPresent: number;
  streams: number;
  /** Source global position of the last event read. */
  lastSourcePosition: bigint | null;
}

/** The target holds something else where an imported event should go. */
export class ImportConflictError extends Error {
  readonly code = 'IMPORT_CONFLICT';
  constructor(
    public readonly lineNumber: number,
    public readonly streamName: string,
    public readonly streamRevision: bigint,
    public override readonly cause: unknown,
  ) {
    super(
      `line ${lineNumber}: ${streamName} revision ${streamRevision} cannot be imported: the target already holds different events there ` +
        `(${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'ImportConflictError';
  }
}

/** One event of the export is larger than the target takes in one append: it cannot be imported as it is. */
export class ImportEventTooLargeError extends Error {
  readonly code = 'IMPORT_EVENT_TOO_LARGE';
  constructor(
    public readonly lineNumber: number,
    public readonly streamName: string,
    public readonly streamRevision: bigint,
    public readonly sizeBytes: number | null,
    public readonly limitBytes: number,
  ) {
    super(
      `line ${lineNumber}: ${streamName} revision ${streamRevision} is ${sizeBytes === null ? 'larger than' : `${sizeBytes} bytes, more than`} ` +
        `the ${limitBytes} bytes the target store takes in one append; nothing of it was written (everything before it was)`,
    );
    this.name = 'ImportEventTooLargeError';
  }
}

interface Pending {
  lineNumber: number;
  event: ExportedEvent;
  /** What the event counts against the target's maxAppendBytes. */
  bytes: number;
}

/**
 * Appends an export (exportEvents) to another store: each stream keeps its revisions (an append expects the
 * revision before its first event, or no_stream at 0) and each event its id, type, data and metadata. The target
 * assigns its own global positions and recorded times, in the source's order (appends are issued one after
 * another in file order). Idempotent: running it again appends nothing, because the target recognises the ids it
 * already holds. Stops at the first malformed line (MalformedExportLineError, with its line number) or conflict
 * (ImportConflictError); everything before it stays appended.
 */
export async function importEvents(store: EventStore, input: Readable, options: ImportOptions = {}): Promise<ImportReport> {
  const provenance = options.provenance ?? true;
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const report: ImportReport = { lines: 0, events: 0, appended: 0, alreadyPresent: 0, streams: 0, lastSourcePosition: null };
  const nextRevision = new Map<string, bigint>();
  let batch: Pending[] = [];
  let batchBytes = 0;
  const limit = store.maxAppendBytes;

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    batchBytes = 0;
    await appendBatch(store, pending, provenance, report);
    options.onProgress?.({ ...report });
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      report.lines += 1;
      if (line.trim() === '') continue;
      const lineNumber = report.lines;
      let event: ExportedEvent;
      try {
        event = checkedEvent(line, lineNumber, report.lastSourcePosition, nextRevision);
      } catch (error) {
        // Everything before the bad line goes in, so a corrected file continues where this one stopped.
        await flush();
        throw error;
      }
      if (!nextRevision.has(event.streamName)) report.streams += 1;
      nextRevision.set(event.streamName, event.streamRevision + 1n);
      report.events += 1;
      report.lastSourcePosition = event.globalPosition;

      const bytes = importedBytes(event, provenance);
      const previous = batch[batch.length - 1];
      if (previous !== undefined && (previous.event.streamName !== event.streamName || batch.length >= batchSize || batchBytes + bytes > limit)) await flush();
      if (options.signal?.aborted) break;
      if (bytes > limit) throw new ImportEventTooLargeError(lineNumber, event.streamName, event.streamRevision, bytes, limit);
      batch.push({ lineNumber, event, bytes });
      batchBytes += bytes;
    }
    if (!options.signal?.aborted) await flush();
  } finally {
    lines.close();
  }
  return report;
}

/** Parses a line and checks it continues the file: global order, and each stream's revisions without gaps. */
function checkedEvent(line: string, lineNumber: number, lastPosition: bigint | null, nextRevision: ReadonlyMap<string, bigint>): ExportedEvent {
  const event = parseLine(line, lineNumber);
  if (lastPosition !== null && event.globalPosition <= lastPosition) {
    throw new MalformedExportLineError(lineNumber, `not in global order (position ${event.globalPosition} after ${lastPosition})`);
  }
  const expected = nextRevision.get(event.streamName);
  if (expected !== undefined && event.streamRevision !== expected) {
    throw new MalformedExportLineError(lineNumber, `${event.streamName} jumps from revision ${expected - 1n} to ${event.streamRevision}`);
  }
  return event;
}

async function appendBatch(store: EventStore, pending: readonly Pending[], provenance: boolean, report: ImportReport): Promise<void> {
  try {
    const result = await appendRun(store, pending, provenance);
    count(result, pending.length, report);
  } catch (error) {
    // The target's own limit is lower than it says (a server configured smaller): halves, down to one event.
    if (error instanceof AppendTooLargeError) {
      if (pending.length === 1) {
        const [one] = pending;
        throw new ImportEventTooLargeError(one.lineNumber, one.event.streamName, one.event.streamRevision, error.sizeBytes, error.limitBytes);
      }
      const half = Math.ceil(pending.length / 2);
      await appendBatch(store, pending.slice(0, half), provenance, report);
      await appendBatch(store, pending.slice(half), provenance, report);
      return;
    }
    // Part of the run is already there (an earlier import of a shorter export): go event by event.
    if (!(error instanceof DuplicateEventIdError) || pending.length === 1) throw asConflict(error, pending[0]);
    for (const one of pending) {
      try {
        count(await appendRun(store, [one], provenance), 1, report);
      } catch (inner) {
        throw asConflict(inner, one);
      }
    }
  }
}

function appendRun(store: EventStore, pending: readonly Pending[], provenance: boolean): Promise<AppendResult> {
  const first = pending[0].event;
  const expectedRevision: ExpectedRevision = first.streamRevision === 0n ? 'no_stream' : first.streamRevision - 1n;
  const events: NewEvent[] = pending.map(({ event }) => ({ type: event.type, data: event.data, metadata: importedMetadata(event, provenance) }));
  return store.append(first.streamName, events, { expectedRevision });
}

function count(result: AppendResult, events: number, report: ImportReport): void {
  if (result.idempotent) report.alreadyPresent += events;
  else report.appended += events;
}

function asConflict(error: unknown, at: Pending): unknown {
  if (error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError) {
    return new ImportConflictError(at.lineNumber, at.event.streamName, at.event.streamRevision, error);
  }
  return error;
}

/** The bytes an imported event counts against the target's maxAppendBytes (as the stores count them). */
function importedBytes(event: ExportedEvent, provenance: boolean): number {
  return Buffer.byteLength(event.type) + Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(importedMetadata(event, provenance)));
}

/** The source's recorded time and position are history an auditor needs: kept next to the metadata's own fields. */
export function importedMetadata(event: ExportedEvent, provenance: boolean): EventMetadata {
  if (!provenance) return event.metadata;
  const metadata = event.metadata as EventMetadata & { originalRecordedAt?: unknown; originalGlobalPosition?: unknown };
  if (metadata.originalRecordedAt !== undefined) return metadata;
  return { ...metadata, originalRecordedAt: event.recordedAt, originalGlobalPosition: event.globalPosition.toString() } as EventMetadata;
}
