import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointerData, WalCheckpointerStats } from './wal-checkpointer';

/**
 * The WalCheckpointer's thread: one connection, one PASSIVE checkpoint per interval. While the WAL does not change
 * the interval doubles, up to IDLE_MAX_MS, so that an idle store costs next to nothing; any change resets it.
 */
const IDLE_MAX_MS = 1000;
const { file, intervalMs } = workerData as CheckpointerData;
const stats: WalCheckpointerStats = { runs: 0, failures: 0, last: null };
let db: Database.Database | null = null;

/** Runs one checkpoint; true when the WAL had changed since the last run. */
function checkpoint(): boolean {
  const before = stats.last;
  try {
    // busy_timeout 0: a checkpoint already running elsewhere (an inline one) makes this run give up at once.
    db ??= new Database(file, { fileMustExist: true, timeout: 0 });
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    stats.runs += 1;
    if (result) stats.last = { walFrames: result.log, checkpointedFrames: result.checkpointed };
    return stats.last !== null && (before === null || stats.last.walFrames !== before.walFrames || stats.last.checkpointedFrames !== before.checkpointedFrames);
  } catch (error) {
    stats.failures += 1;
    // Busy (another checkpoint is running) is tried again with the same connection; anything else opens the file anew.
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return true;
    try {
      db?.close();
    } catch {
      // dropped either way
    }
    db = null;
    return false;
  }
}

let delayMs = intervalMs;
function next(): void {
  setTimeout(() => {
    delayMs = checkpoint() ? intervalMs : Math.min(delayMs * 2, Math.max(intervalMs, IDLE_MAX_MS));
    next();
  }, delayMs);
}
next();
parentPort?.on('message', () => parentPort?.postMessage(stats));
