import { parentPort } from 'node:worker_threads';
import type { BacktestSpec } from './backtest-spec';
import { runBacktest } from './run-backtest';

export interface SweepJob {
  index: number;
  spec: BacktestSpec;
  dir: string;
  env: Record<string, string | undefined>;
  strategiesDir: string;
}

export type SweepReply =
  | { index: number; ok: true; hash: string; events: number; steps: number; report: Awaited<ReturnType<typeof runBacktest>>['report'] }
  | { index: number; ok: false; code: string | null; message: string };

/** One backtest at a time, as the parent hands them out. */
parentPort?.on('message', (job: SweepJob) => {
  runBacktest(job.spec, job.dir, { env: job.env, strategiesDir: job.strategiesDir }).then(
    (outcome) => parentPort!.postMessage({ index: job.index, ok: true, ...outcome } satisfies SweepReply),
    (error: unknown) => parentPort!.postMessage({ index: job.index, ok: false, code: (error as { code?: string }).code ?? null, message: (error as Error).message } satisfies SweepReply),
  );
});
