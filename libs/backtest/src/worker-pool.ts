import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestOutcome, BacktestSpec } from './backtest-spec';

/** One backtest handed to a worker: the spec, the folder its log goes to, the caller's environment and strategies. */
export interface BacktestJob {
  index: number;
  spec: BacktestSpec;
  dir: string;
  env: Record<string, string | undefined>;
  strategiesDir: string;
}

/** A worker's answer to one job: the outcome, or the refusal's code (null: not a refusal) and message. */
export type BacktestReply =
  | ({ index: number; ok: true } & BacktestOutcome)
  | { index: number; ok: false; code: string | null; message: string };

export type BacktestResult = { ok: true; outcome: BacktestOutcome } | { ok: false; code: string | null; message: string };

/**
 * Runs backtests in worker threads of `script` (the api's backtest worker, which boots its paper-trading modules:
 * `dist/apps/api/src/backtests/sweep-worker.js`), one per core by default, never more than there are jobs, each job
 * into its own folder; resolves with the results in the jobs' order. `onDone` is called after each job with the count done.
 */
export async function runInWorkers(
  script: string,
  jobs: readonly Omit<BacktestJob, 'index'>[],
  options: { workers?: number; onDone?: (done: number) => void } = {},
): Promise<BacktestResult[]> {
  const results: BacktestResult[] = new Array(jobs.length);
  const count = Math.max(1, Math.min(options.workers ?? os.availableParallelism(), jobs.length));
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
        worker.postMessage({ ...jobs[index], index } satisfies BacktestJob);
      };
      worker.on('message', (reply: BacktestReply) => {
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
