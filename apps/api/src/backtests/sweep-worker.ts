import { parentPort } from 'node:worker_threads';
import type { BacktestJob, BacktestReply } from '@robo/backtest';
import { runBacktest } from './run-backtest';

/**
 * The backtest worker (`runInWorkers` of @robo/backtest starts it): one backtest at a time, as the parent hands them
 * out. The command line starts it from the built api (`robo backtest run` and `sweep`), the api's processes never import it.
 */
parentPort?.on('message', (job: BacktestJob) => {
  runBacktest(job.spec, job.dir, { env: job.env, strategiesDir: job.strategiesDir }).then(
    (outcome) => parentPort!.postMessage({ index: job.index, ok: true, ...outcome } satisfies BacktestReply),
    (error: unknown) => parentPort!.postMessage({ index: job.index, ok: false, code: (error as { code?: string }).code ?? null, message: (error as Error).message } satisfies BacktestReply),
  );
});
