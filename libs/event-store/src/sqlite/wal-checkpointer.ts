import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from './worker-script';

/**
 * WAL pages a committing connection lets pile up before it checkpoints inline, when a WalCheckpointer runs for its
 * file (SQLite's own default is 1,000 pages, about 4 MB): the thread checkpoints long before, so commits rarely pay.
 */
export const AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER = 10_000;

export interface WalCheckpointerStats {
  /** PASSIVE checkpoints run. */
  runs: number;
  /** Runs that failed (the file could not be opened, or another checkpoint was running); the next run tries again. */
  failures: number;
  /** After the last run: frames in the WAL, and how many of them are in the database file (equal: nothing left to copy). */
  last: { walFrames: number; checkpointedFrames: number } | null;
}

export interface CheckpointerData {
  file: string;
  intervalMs: number;
}

/**
 * Copies the WAL back into the database file from a worker thread (PRAGMA wal_checkpoint(PASSIVE) every
 * `intervalMs`), so that a COMMIT on the writing thread seldom has to do it inline. A passive checkpoint never
 * waits for readers or writers and never blocks them; what it cannot copy yet waits for the next run. The thread
 * opens the existing file only (never creates one) and does not keep the process alive.
 */
export class WalCheckpointer {
  private readonly pending: { resolve: (stats: WalCheckpointerStats) => void; reject: (error: Error) => void }[] = [];
  private stopped = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (stats: WalCheckpointerStats) => this.pending.shift()?.resolve(stats));
    // A thread that failed to start leaves the inline checkpoints (the writing connection's own) to do the work.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      this.stopped = true;
      for (const call of this.pending.splice(0)) call.reject(new Error('the checkpointer thread has stopped'));
    });
    worker.unref();
  }

  static start(file: string, intervalMs = 50): WalCheckpointer {
    return new WalCheckpointer(new Worker(compiledWorkerScript(__dirname, 'wal-checkpoint-worker.js'), { workerData: { file, intervalMs } satisfies CheckpointerData }));
  }

  /** What the thread has done so far. */
  stats(): Promise<WalCheckpointerStats> {
    if (this.stopped) return Promise.reject(new Error('the checkpointer thread has stopped'));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage('stats');
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
