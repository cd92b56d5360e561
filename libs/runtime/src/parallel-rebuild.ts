import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from '@robo/event-store';
import { combineRebuilds, type WorkerRebuilds, type RebuildResult, type WorkerSteps, type StepReport } from '@robo/read-models';
import { READ_STORE_PARTITIONS, type StoreConfig } from './open-stores';

/** What the main thread sends a rebuild worker, and what it answers. */
export interface RebuildWorkerRequest {
  stores: StoreConfig;
  partition: string;
  names: string[];
}
export type RebuildWorkerReply = { ok: true; events: number; checkpoint: string } | WorkerFailure;
export type WorkerFailure = { ok: false; name: string; code: string | null; message: string };

/** The worker's error as an Error again, with its name and code (READ_STORE_UNAVAILABLE maps to 503 and exit 69). */
function errorOf(failure: WorkerFailure): Error {
  return Object.assign(new Error(failure.message), { name: failure.name, code: failure.code });
}
/** A live step asked of a steps worker, and its answer (bigints as strings). */
export interface StepWorkerCall {
  id: number;
  names: string[];
  batchSize: number;
}
export type StepWorkerReply =
  | { id: number; ok: true; read: number; projections: Record<string, { checkpoint: string; parkedError: { message: string; at: string } | null }> }
  | ({ id: number } & WorkerFailure);

/**
 * Rebuilds the projections of the read-store partitions (READ_STORE_PARTITIONS) in worker threads, one per
 * partition, each with its own connections, while the calling runner rebuilds the rest: on two cores a full rebuild
 * takes about as long as its bigger half. Pass it to ProjectionRunner.rebuildMany as `workers`.
 */
export function rebuildInWorkers(config: StoreConfig): WorkerRebuilds {
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

/**
 * The live loop's steps of the partitions' projections (READ_STORE_PARTITIONS), each partition in a worker thread of
 * its own that keeps its connections open between steps, while the calling runner projects the rest. Pass it to the
 * ProjectionRunner as `workerSteps`. A worker that dies fails the steps in flight and is started again by the next.
 */
export function stepInWorkers(config: StoreConfig): WorkerSteps {
  const partitionOf = new Map(READ_STORE_PARTITIONS.flatMap((partition) => partition.projections.map((p) => [p.name, partition.name] as const)));
  const workers = new Map<string, StepWorker>();
  const workerFor = (partition: string) => {
    let worker = workers.get(partition);
    if (!worker || worker.dead) {
      const names = READ_STORE_PARTITIONS.find((p) => p.name === partition)!.projections.map((p) => p.name);
      worker = new StepWorker({ stores: storeConfigOf(config), partition, names });
      workers.set(partition, worker);
    }
    return worker;
  };
  return {
    names: [...partitionOf.keys()],
    async step(wanted, batchSize) {
      const byPartition = new Map<string, string[]>();
      for (const name of wanted) {
        const partition = partitionOf.get(name);
        if (partition === undefined) throw new TypeError(`${name}: not kept in a read-store partition, so not stepped in a worker thread`);
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), name]);
      }
      const reports = await Promise.all([...byPartition].map(([partition, names]) => workerFor(partition).step(names, batchSize)));
      return { read: Math.max(0, ...reports.map((r) => r.read)), projections: Object.assign({}, ...reports.map((r) => r.projections)) as StepReport['projections'] };
    },
    async close() {
      const closing = [...workers.values()].map((worker) => worker.terminate());
      workers.clear();
      await Promise.all(closing);
    },
  };
}

/** One steps worker: calls answered by id. It does not keep the process alive. */
class StepWorker {
  dead = false;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (report: StepReport) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(request: RebuildWorkerRequest) {
    this.worker = new Worker(compiledWorkerScript(__dirname, 'rebuild-worker.js'), { workerData: { ...request, mode: 'steps' } });
    this.worker.unref();
    this.worker.on('message', (reply: StepWorkerReply) => {
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      if (!reply.ok) return call.reject(errorOf(reply));
      const projections: StepReport['projections'] = {};
      for (const [name, done] of Object.entries(reply.projections)) projections[name] = { checkpoint: BigInt(done.checkpoint), parkedError: done.parkedError };
      call.resolve({ read: reply.read, projections });
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the projection worker for ${request.names.join(', ')} exited with code ${code}`)));
  }

  step(names: string[], batchSize: number): Promise<StepReport> {
    if (this.dead) return Promise.reject(new Error('the projection worker has stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, names, batchSize } satisfies StepWorkerCall);
    });
  }

  async terminate(): Promise<void> {
    if (this.dead) return;
    this.dead = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.dead = true;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}

/** Only the plain values a worker needs (the whole configuration is not copied over). */
function storeConfigOf(config: StoreConfig): StoreConfig {
  return { eventStore: config.eventStore, readStore: config.readStore, dataDir: config.dataDir, eventStoreUrl: config.eventStoreUrl, mongoUrl: config.mongoUrl };
}

/** Aborted, the worker is terminated: its file keeps what it committed, and gets its indexes when next opened. */
function runWorker(request: RebuildWorkerRequest, signal?: AbortSignal): Promise<RebuildResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('the rebuild was stopped before it started'));
    const worker = new Worker(compiledWorkerScript(__dirname, 'rebuild-worker.js'), { workerData: request });
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
      reject(errorOf(reply));
    });
  });
}

