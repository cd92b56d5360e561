import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from '@robo/event-store';
import type { BacktestOutcome } from './run-backtest';
import type { SweepJob, SweepReply } from './sweep-worker';

export type SweepResult = { ok: true; outcome: BacktestOutcome } | { ok: false; code: string | null; message: string };

/**
 * Runs backtests in worker threads (one per core by default, never more than there are jobs), each job into its own
 * folder; resolves with the results in the jobs' order. `onDone` is called after each job with the count done.
 */
export async function runInWorkers(jobs: readonly Omit<SweepJob, 'index'>[], options: { workers?: number; onDone?: (done: number) => void } = {}): Promise<SweepResult[]> {
  const results: SweepResult[] = new Array(jobs.length);
  const count = Math.max(1, Math.min(options.workers ?? os.availableParallelism(), jobs.length));
  const script = compiledWorkerScript(__dirname, 'sweep-worker.js');
  let next = 0;
  let done = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(script);
      const give = () => {
        if (next >= jobs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const index = next++;
        worker.postMessage({ ...jobs[index], index } satisfies SweepJob);
      };
      worker.on('message', (reply: SweepReply) => {
        results[reply.index] = reply.ok ? { ok: true, outcome: { hash: reply.hash, events: reply.events, steps: reply.steps, report: reply.report } } : { ok: false, code: reply.code, message: reply.message };
        done += 1;
        options.onDone?.(done);
        give();
      });
      worker.on('error', reject);
      give();
    });
  await Promise.all(Array.from({ length: count }, one));
  return results;
}
