import { systemWallClock } from '@robo/clock';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { assertNever } from '@robo/domain';
import type { EventEnvelope, NewEvent } from '../envelope';
import type { AllFilter, AppendOptions, AppendResult, EventStore, ReadAllBackwardsOptions, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../event-store.port';
import { StoreUnavailableError } from '../errors';
import { checkExpectedRevision, prepareAppend, SQLITE_MAX_APPEND_BYTES } from './append-validation';
import { GroupCommitQueue, type Settlement } from './group-commit';
import { HeadWatcher } from './head-watcher';
import { SqliteConnection, type SqliteDurability } from './sqlite-connection';
import { asStoreError } from './sqlite-errors';
import { type AppendOutcome, type AppendRequest, writeGroup } from './sqlite-writer';
import { AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER, WalCheckpointer, type WalCheckpointerStats } from './wal-checkpointer';
import { WriterThread } from './writer-thread';
import { type ScanResult, subscribeAll } from './subscription';

export interface SqliteEventStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  file: string;
  /** How often a caught-up subscriber looks for appends made by another process. Default 50. */
  pollIntervalMs?: number;
  /** How long a write waits for another process's write lock before failing as unavailable. Default 5000. */
  busyTimeoutMs?: number;
  /** A group commit stops growing at this many events. Default 2000. */
  maxEventsPerCommit?: number;
  /**
   * Write in a worker thread (see WriterThread), so that INSERTs, COMMIT and fsync leave this event loop free.
   * Default false: appends are written on this thread.
   */
  writerThread?: boolean;
  /**
   * Checkpoint the WAL from a worker thread (see WalCheckpointer), so that commits seldom copy pages back into the
   * database file inline; they still do once the WAL passes AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER pages.
   * Default false: SQLite's own inline checkpoints every 1,000 pages.
   */
  checkpointThread?: boolean;
  /**
   * The clock that stamps recordedAt. Default the wall clock (when the log accepted the events). A backtest passes
   * its business-time clock, so that its log is the same, byte for byte, every time it is run.
   */
  recordedAt?: () => string;
  /** Read-only (see ConnectionOptions.readOnly): the file must exist; appends fail as unavailable. */
  readOnly?: boolean;
  /**
   * 'full' (default): an acknowledged append survives a power cut. 'none': nothing is fsynced (synchronous=OFF), for
   * a log that is rebuilt from its inputs instead of recovered: a backtest's run file, rerun after a crash and hashed
   * at its end. Only a new, empty log opens so (a file that holds events is refused, so a live data directory cannot
   * be opened without durability), and without the writer or checkpoint thread.
   */
  durability?: SqliteDurability;
}

export type { SqliteDurability };

/** Counters since open(): committed write transactions, successful append() calls (idempotent ones too), events written. */
export interface SqliteEventStoreStats {
  transactions: number;
  appends: number;
  events: number;
}

const DEFAULT_READ_ALL_MAX = 1000;
/** Largest value SQLite's INTEGER holds: "before" past every position. */
const MAX_POSITION = 9223372036854775807n;
const SUBSCRIPTION_PAGE = 500;
/** A filtered read looks at no more than this many positions per query, so a rare filter never scans the whole log at once. */
const SCAN_WINDOW = 10_000n;

/**
 * The embedded EventStore: one SQLite file in WAL mode, shareable by several processes.
 * Appends issued in the same event-loop turn share one transaction (see GroupCommitQueue).
 * After an unavailability error the handle is dropped and the next call re-opens the file (never re-creating it).
 * Errors: InvalidAppendError (INVALID_APPEND) for malformed input, WrongExpectedVersionError, DuplicateEventIdError,
 * StoreUnavailableError (also after close()), RangeError for a bad maxCount.
 */
export class SqliteEventStore implements EventStore {
  /** Positions are consecutive event numbers (1, 2, 3...). */
  readonly positionUnit = 'events';
  readonly maxAppendBytes = SQLITE_MAX_APPEND_BYTES;
  private conn: SqliteConnection | null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly counters: SqliteEventStoreStats = { transactions: 0, appends: 0, events: 0 };
  private readonly appends: GroupCommitQueue<AppendRequest, AppendResult>;
  private readonly watcher: HeadWatcher;
  private readonly writer: WriterThread | null;
  private readonly checkpointer: WalCheckpointer | null;
  private readonly autocheckpointPages: number | undefined;
  private durability: SqliteDurability = 'full';
  private recordedAtClock: () => string = systemWallClock.now;

  private constructor(
    private readonly file: string,
    private readonly busyTimeoutMs: number,
    pollIntervalMs: number,
    maxEventsPerCommit: number,
    threads: { writerThread: boolean; checkpointThread: boolean; autocheckpointPages: number | undefined },
    conn: SqliteConnection,
    private readonly readOnly = false,
  ) {
    this.conn = conn;
    this.autocheckpointPages = threads.autocheckpointPages;
    this.checkpointer = threads.checkpointThread ? WalCheckpointer.start(file) : null;
    this.writer = threads.writerThread ? new WriterThread({ file, busyTimeoutMs, autocheckpointPages: this.autocheckpointPages }) : null;
    this.appends = new GroupCommitQueue((requests) => this.commitGroup(requests), maxEventsPerCommit);
    this.watcher = new HeadWatcher(() => this.use('polling the head', (c) => c.head()), pollIntervalMs);
  }

  /** Creates the directory, the file and the schema as needed. Throws StoreUnavailableError if the file cannot be used. */
  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const checkpointThread = options.checkpointThread ?? false;
    const durability = options.durability ?? 'full';
    if (durability === 'none' && (checkpointThread || options.writerThread)) throw new TypeError(`${options.file}: durability 'none' runs without the writer and checkpoint threads`);
    const autocheckpointPages = checkpointThread ? AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER : undefined;
    const readOnly = options.readOnly ?? false;
    if (durability === 'none' && readOnly) throw new TypeError(`${options.file}: durability 'none' is for writing a new log, not for reading one`);
    const conn = SqliteConnection.open({ file: options.file, busyTimeoutMs, create: !readOnly, autocheckpointPages, readOnly, durability });
    if (durability === 'none') refuseNonEmpty(conn, options.file);
    const threads = { writerThread: options.writerThread ?? false, checkpointThread, autocheckpointPages };
    const store = new SqliteEventStore(options.file, busyTimeoutMs, options.pollIntervalMs ?? 50, options.maxEventsPerCommit ?? 2000, threads, conn, readOnly);
    store.durability = durability;
    if (options.recordedAt) store.recordedAtClock = options.recordedAt;
    return store;
  }

  async append(streamName: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = prepareAppend(streamName, events, this.maxAppendBytes);
    const expectedRevision = checkExpectedRevision(streamName, options?.expectedRevision);
    this.assertOpen();
    return this.appends.submit({ streamName, events: prepared, expectedRevision }, prepared.length);
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<EventEnvelope[]> {
    const limit = options.maxCount === undefined ? -1 : checkMaxCount(options.maxCount);
    if (limit === 0) return [];
    const backwards = options.direction === 'backwards';
    return this.use('reading a stream', (c) => c.readStream(streamName, backwards, options.fromRevision, limit));
  }

  async readAll(options: ReadAllOptions = {}): Promise<EventEnvelope[]> {
    const maxCount = checkMaxCount(options.maxCount ?? DEFAULT_READ_ALL_MAX);
    const events: EventEnvelope[] = [];
    let after = options.after ?? 0n;
    while (events.length < maxCount) {
      const page = this.scan(after, maxCount - events.length, options.filter);
      events.push(...page.events);
      if (page.scannedTo >= page.head) break;
      after = page.scannedTo;
      await nextTurn();
    }
    return events;
  }

  async readEvent(globalPosition: bigint): Promise<EventEnvelope | null> {
    if (typeof globalPosition !== 'bigint' || globalPosition < 1n || globalPosition > MAX_POSITION) return null;
    const [event] = await this.readAll({ after: globalPosition - 1n, maxCount: 1 });
    return event !== undefined && event.globalPosition === globalPosition ? event : null;
  }

  async readAllBackwards(options: ReadAllBackwardsOptions = {}): Promise<EventEnvelope[]> {
    const maxCount = checkMaxCount(options.maxCount ?? DEFAULT_READ_ALL_MAX);
    if (maxCount === 0) return [];
    const before = options.before === undefined || options.before > MAX_POSITION ? MAX_POSITION : options.before;
    return this.use('reading the log backwards', (c) => c.readBackwards(before, maxCount));
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<EventEnvelope> {
    const source = {
      scan: (after: bigint, maxCount: number, filter: AllFilter | undefined) => this.scan(after, maxCount, filter),
      waitForEventsAfter: (position: bigint, opts: { timeoutMs: number; signal?: AbortSignal }) => this.waitForEventsAfter(position, opts),
      isClosed: () => this.closed,
    };
    return subscribeAll(source, options, SUBSCRIPTION_PAGE);
  }

  async waitForEventsAfter(position: bigint, options: { timeoutMs: number; signal?: AbortSignal }): Promise<boolean> {
    return this.watcher.wait(position, options.timeoutMs, options.signal);
  }

  async headPosition(): Promise<bigint> {
    return this.use('reading the head', (c) => c.head());
  }

  async ping(): Promise<void> {
    this.use('pinging', (c) => c.db.prepare('SELECT 1').get());
  }

  /** Idempotent. Appends already queued are committed (or rejected) first; waiting subscribers end. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await this.appends.drain();
    this.closed = true;
    this.watcher.close();
    this.conn?.close();
    this.conn = null;
    await Promise.all([this.writer?.close(), this.checkpointer?.stop()]);
  }

  /** True when appends are written by a writer thread (option writerThread). */
  get writesInThread(): boolean {
    return this.writer !== null;
  }

  /** The WAL checkpointer thread's work so far, or null without one (option checkpointThread). */
  checkpointerStats(): Promise<WalCheckpointerStats> | null {
    return this.checkpointer?.stats() ?? null;
  }

  /** The connection's durability settings (what open() asked for), for tests and health output. */
  settings(): { journalMode: string; synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' } {
    return this.use('reading the settings', (c) => ({
      journalMode: String(c.db.pragma('journal_mode', { simple: true })),
      synchronous: (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[Number(c.db.pragma('synchronous', { simple: true }))] ?? 'OFF',
    }));
  }

  stats(): SqliteEventStoreStats {
    return { ...this.counters };
  }

  /** Bounded read used by readAll and subscriptions: at most SCAN_WINDOW positions past `after`. */
  private scan(after: bigint, maxCount: number, filter: AllFilter | undefined): ScanResult {
    return this.use('reading the log', (c) => {
      const head = c.head();
      const from = after < 0n ? 0n : after;
      if (from >= head || maxCount === 0) return { events: [], scannedTo: from, head };
      const upTo = from + SCAN_WINDOW < head ? from + SCAN_WINDOW : head;
      const events = c.readRange(from, upTo, maxCount, filter);
      const last = events[events.length - 1];
      const scannedTo = events.length === maxCount && last !== undefined ? last.globalPosition : upTo;
      return { events, scannedTo, head };
    });
  }

  private commitGroup(requests: AppendRequest[]): Settlement<AppendResult>[] | Promise<Settlement<AppendResult>[]> {
    // The store's clock, not the caller's: recordedAt is when the log accepted the events.
    const recordedAt = this.recordedAtClock();
    if (this.writer === null) return this.committed(this.use('appending', (c) => writeGroup(c, requests, recordedAt)));
    this.assertOpen();
    return this.writer.write(requests, recordedAt).then(
      (outcomes) => this.committed(outcomes),
      (error: unknown) => {
        // The file failed the writer: this thread's handle is dropped too, so that both re-open it (or fail alike).
        if (error instanceof StoreUnavailableError) this.dropConnection();
        throw error;
      },
    );
  }

  private committed(outcomes: readonly AppendOutcome[]): Settlement<AppendResult>[] {
    this.counters.transactions += 1;
    let head = 0n;
    const settlements = outcomes.map((outcome) => this.settle(outcome));
    for (const outcome of outcomes) {
      if (outcome.kind === 'written' && outcome.result.lastGlobalPosition > head) head = outcome.result.lastGlobalPosition;
    }
    if (head > 0n) this.watcher.notify(head);
    return settlements;
  }

  private settle(outcome: AppendOutcome): Settlement<AppendResult> {
    switch (outcome.kind) {
      case 'written':
        this.counters.appends += 1;
        this.counters.events += outcome.eventCount;
        return { ok: true, value: outcome.result };
      case 'idempotent':
        this.counters.appends += 1;
        return { ok: true, value: outcome.result };
      case 'rejected':
        return { ok: false, error: outcome.error };
      default:
        return assertNever(outcome);
    }
  }

  /** Runs `work` on a live connection; an unavailability error drops the handle so that the next call re-opens. */
  private use<T>(action: string, work: (conn: SqliteConnection) => T): T {
    this.assertOpen();
    try {
      this.conn ??= SqliteConnection.open({ file: this.file, busyTimeoutMs: this.busyTimeoutMs, create: false, autocheckpointPages: this.autocheckpointPages, readOnly: this.readOnly, durability: this.durability });
      return work(this.conn);
    } catch (error) {
      const mapped = asStoreError(error, action);
      if (mapped instanceof StoreUnavailableError) this.dropConnection();
      throw mapped;
    }
  }

  private dropConnection(): void {
    this.conn?.close();
    this.conn = null;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`event store ${this.file} is closed`);
  }
}

/** A log that already holds events is someone's data: it is never opened without durability. */
function refuseNonEmpty(conn: SqliteConnection, file: string): void {
  const head = conn.head();
  if (head === 0n) return;
  conn.close();
  throw new TypeError(`${file} already holds ${head} events: durability 'none' opens only a new, empty log (a file rebuilt from its inputs, such as a backtest's run)`);
}

function checkMaxCount(maxCount: number): number {
  if (!Number.isSafeInteger(maxCount) || maxCount < 0) throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
  return maxCount;
}
