import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore } from '../event-store.port';
import { formatLine } from './ndjson-format';

export interface ExportOptions {
  /** Exclusive: export the events after this global position (default: the whole log). */
  after?: bigint;
  /** Events read from the store per page. Default 1000. */
  pageSize?: number;
  /** Stops between pages; the lines written so far are complete. */
  signal?: AbortSignal;
}

export interface ExportReport {
  events: number;
  bytes: number;
  /** Global positions of the first and last exported events (null when none). */
  firstPosition: bigint | null;
  lastPosition: bigint | null;
}

/**
 * Writes the log as NDJSON (ndjson-format.ts), one envelope per line in global order, honouring the writable's
 * backpressure. The writable is left open (it may be stdout). Pass `after` = the last exported position to
 * continue an earlier export.
 */
export async function exportEvents(store: EventStore, out: Writable, options: ExportOptions = {}): Promise<ExportReport> {
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  const report: ExportReport = { events: 0, bytes: 0, firstPosition: null, lastPosition: null };
  let after = options.after ?? 0n;
  while (!options.signal?.aborted) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (page.length === 0) break;
    for (const event of page) {
      const line = formatLine(event);
      report.events += 1;
      report.bytes += Buffer.byteLength(line);
      report.firstPosition ??= event.globalPosition;
      report.lastPosition = event.globalPosition;
      if (!out.write(line)) await once(out, 'drain');
    }
    after = page[page.length - 1].globalPosition;
  }
  return report;
}
