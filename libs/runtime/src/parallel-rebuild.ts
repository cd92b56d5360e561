import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { combineRebuilds, type RebuildElsewhere, type RebuildResult } from '@robo/read-models';
import { READ_STORE_PARTITIONS, type StoreConfig } from './open-stores';

/** What the main thread sends a rebuild worker, and what it answers. */
export interface RebuildWorkerRequest {
  stores: StoreConfig;
  partition: string;
  names: string[];
}
export type RebuildWorkerReply = { ok: true; events: number; checkpoint: string } | { ok: false; name: string; code: string | null; message: string };

/**
 * Rebuilds the projections of the read-store partitions (READ_STORE_PARTITIONS) in worker threads, one per
 * partition, each with its own connections, while the calling runner rebuilds the rest: on two cores a full rebuild
 * takes about as long as its bigger half. Pass it to ProjectionRunner.rebuildMany as `elsewhere`.
 */
export function rebuildInWorkers(config: StoreConfig): RebuildElsewhere {
  const names = READ_STORE_PARTITIONS.flatMap((partition) => partition.projections.map((p) => p.name));
  return {
    names,
    async rebuild(wanted, signal) {
      const strays = wanted.filter((name) => !names.includes(name));
      if (strays.length > 0) throw new TypeError(`${strays.join(', ')}: not kept in a read-store partition, so not rebuilt in a worker thread`);
      const runs = READ_STORE_PARTITIONS.map((partition) => ({ partition: partition.name, names: partition.projections.map((p) => p.name).filter((n) => wanted.includes(n)) }))
        .filter((run) => run.names.length > 0)
        .map((run) => runWorker({ stores: storeConfigOf(config), ...run }, signal));
      const settled = await Promise.allSettled(runs);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return combineRebuilds(settled.map((s) => (s as PromiseFulfilledResult<RebuildResult>).value));
    },
  };
}

/** Only the plain values a worker needs (the whole configuration is not copied over). */
function storeConfigOf(config: StoreConfig): StoreConfig {
  return { eventStore: config.eventStore, readStore: config.readStore, dataDir: config.dataDir, eventStoreUrl: config.eventStoreUrl, mongoUrl: config.mongoUrl };
}

/** Aborted, the worker is terminated: its file keeps what it committed, and gets its indexes when next opened. */
function runWorker(request: RebuildWorkerRequest, signal?: AbortSignal): Promise<RebuildResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('the rebuild was stopped before it started'));
    const worker = new Worker(workerScript(), { workerData: request });
    const stop = () => void worker.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    let reply: RebuildWorkerReply | null = null;
    worker.once('message', (message: RebuildWorkerReply) => {
      reply = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', stop);
      if (reply === null && signal?.aborted) return reject(new Error(`the rebuild worker for ${request.names.join(', ')} was stopped`));
      if (reply === null) return reject(new Error(`the rebuild worker for ${request.names.join(', ')} exited with code ${code} before answering`));
      if (reply.ok) return resolve({ events: reply.events, checkpoint: BigInt(reply.checkpoint) });
      reject(Object.assign(new Error(reply.message), { name: reply.name, code: reply.code }));
    });
  });
}

/** The compiled worker next to this file; run from TypeScript sources (the tests), the build of it (npm test builds first). */
function workerScript(): string {
  const beside = path.join(__dirname, 'rebuild-worker.js');
  if (fs.existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../../dist/libs/runtime/src/rebuild-worker.js');
  if (fs.existsSync(built)) return built;
  throw new Error(`the rebuild worker is not built (looked for ${beside} and ${built}): run npm run build`);
}
