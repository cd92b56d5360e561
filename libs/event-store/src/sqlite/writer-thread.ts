import { Worker } from 'node:worker_threads';
import { DuplicateEventIdError, StoreUnavailableError, WrongExpectedVersionError } from '../errors';
import type { ExpectedRevision } from '../event-store.port';
import type { AppendOutcome, AppendRequest } from './sqlite-writer';
import { compiledWorkerScript } from './worker-script';

/** What the writer thread opens: the file the store created already (it never creates one). */
export interface WriterThreadData {
  file: string;
  busyTimeoutMs: number;
  autocheckpointPages?: number;
}

export interface WriteCall {
  id: number;
  requests: readonly AppendRequest[];
  recordedAt: string;
}

/** An error as it crosses the thread boundary: structured cloning keeps neither classes nor `code`. */
export type WireError =
  | { kind: 'version'; streamName: string; expected: ExpectedRevision; actual: bigint | 'no_stream' }
  | { kind: 'duplicate'; eventId: string; streamName: string }
  | { kind: 'unavailable'; message: string; cause: PlainError | null }
  | ({ kind: 'other' } & PlainError);

interface PlainError {
  name: string;
  code: string | null;
  message: string;
}

export type WireOutcome = Exclude<AppendOutcome, { kind: 'rejected' }> | { kind: 'rejected'; error: WireError };

export type WriteReply = { id: number; ok: true; outcomes: WireOutcome[] } | { id: number; ok: false; error: WireError };

export function toWire(error: unknown): WireError {
  if (error instanceof WrongExpectedVersionError) return { kind: 'version', streamName: error.streamName, expected: error.expected, actual: error.actual };
  if (error instanceof DuplicateEventIdError) return { kind: 'duplicate', eventId: error.eventId, streamName: error.streamName };
  if (error instanceof StoreUnavailableError) {
    return { kind: 'unavailable', message: error.message, cause: error.cause === undefined ? null : plain(error.cause) };
  }
  return { kind: 'other', ...plain(error) };
}

function plain(error: unknown): PlainError {
  const { name, message, code } = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof name === 'string' ? name : 'Error',
    code: typeof code === 'string' ? code : null,
    message: typeof message === 'string' ? message : String(error),
  };
}

function unplain({ name, code, message }: PlainError): Error {
  const error = new Error(message) as Error & { code?: string };
  error.name = name;
  if (code !== null) error.code = code;
  return error;
}

export function fromWire(wire: WireError): Error {
  switch (wire.kind) {
    case 'version':
      return new WrongExpectedVersionError(wire.streamName, wire.expected, wire.actual);
    case 'duplicate':
      return new DuplicateEventIdError(wire.eventId, wire.streamName);
    case 'unavailable':
      return new StoreUnavailableError(wire.message, wire.cause === null ? undefined : unplain(wire.cause));
    case 'other':
      return unplain(wire);
  }
}

export function outcomeToWire(outcome: AppendOutcome): WireOutcome {
  return outcome.kind === 'rejected' ? { kind: 'rejected', error: toWire(outcome.error) } : outcome;
}

function outcomeFromWire(outcome: WireOutcome): AppendOutcome {
  return outcome.kind === 'rejected' ? { kind: 'rejected', error: fromWire(outcome.error) } : outcome;
}

/**
 * Writes group commits in a worker thread with its own connection, so that the INSERTs, the COMMIT and its fsync
 * do not hold the caller's event loop. One call at a time is in flight (the group-commit queue sees to that).
 * The thread is started on the first write and again after it died; a call in flight when it dies fails as
 * unavailable, and may or may not have been committed (a retry with the same event ids is answered idempotently).
 * The thread does not keep the process alive while no call is in flight.
 */
export class WriterThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (outcomes: AppendOutcome[]) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(private readonly data: WriterThreadData) {}

  write(requests: readonly AppendRequest[], recordedAt: string): Promise<AppendOutcome[]> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, requests, recordedAt } satisfies WriteCall);
    });
  }

  /** Ends the thread; the store drains its queue first, so nothing is in flight then. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(writerScript(), { workerData: this.data satisfies WriterThreadData });
    worker.on('message', (reply: WriteReply) => {
      const call = this.pending.get(reply.id);
      if (call === undefined) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) call.resolve(reply.outcomes.map(outcomeFromWire));
      else call.reject(fromWire(reply.error));
    });
    const stopped = (reason: string) => {
      if (this.worker === worker) this.worker = null;
      const calls = [...this.pending.values()];
      this.pending.clear();
      const error = new StoreUnavailableError(`event store unavailable while appending: the writer thread stopped (${reason}); the append may or may not be stored`);
      for (const call of calls) call.reject(error);
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    return worker;
  }
}

function writerScript(): string {
  try {
    return compiledWorkerScript(__dirname, 'writer-worker.js');
  } catch (error) {
    throw new StoreUnavailableError(`event store unavailable: ${(error as Error).message}`);
  }
}
