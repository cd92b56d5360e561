import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ALL_PROJECTIONS, ProjectionRunner } from '@robo/read-models';
import { openEventStore, openReadPartition } from './open-stores';
import type { RebuildWorkerReply, RebuildWorkerRequest, StepWorkerCall, StepWorkerReply, WorkerFailure } from './parallel-rebuild';

/** Worker thread entry (see rebuildInWorkers and stepInWorkers): a one-off rebuild, or live steps on request. */
async function rebuild(request: RebuildWorkerRequest): Promise<RebuildWorkerReply> {
  const eventStore = openEventStore(request.stores);
  try {
    const readStore = await openReadPartition(request.stores, request.partition);
    try {
      const projections = ALL_PROJECTIONS.filter((p) => request.names.includes(p.name));
      const result = await new ProjectionRunner({ eventStore, readStore, projections }).rebuildMany();
      return { ok: true, events: result.events, checkpoint: result.checkpoint.toString() };
    } finally {
      await readStore.close();
    }
  } finally {
    await eventStore.close();
  }
}

/** Steps of the partition's projections, one per message, answered in order; the stores stay open until terminated. */
function serveSteps(port: MessagePort, request: RebuildWorkerRequest): void {
  const runner = (async () => {
    const eventStore = openEventStore(request.stores);
    const readStore = await openReadPartition(request.stores, request.partition);
    return new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS.filter((p) => request.names.includes(p.name)) });
  })();
  port.on('message', (call: StepWorkerCall) => {
    runner
      .then((r) => r.stepOnce(call.names, call.batchSize))
      .then(
        (report) => {
          const projections: Extract<StepWorkerReply, { ok: true }>['projections'] = {};
          for (const [name, done] of Object.entries(report.projections)) projections[name] = { checkpoint: done.checkpoint.toString(), parkedError: done.parkedError };
          port.postMessage({ id: call.id, ok: true, read: report.read, projections } satisfies StepWorkerReply);
        },
        (error: unknown) => port.postMessage({ id: call.id, ...failure(error) } satisfies StepWorkerReply),
      );
  });
}

function failure(error: unknown): WorkerFailure {
  const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  return { ok: false, name: typeof name === 'string' ? name : 'Error', code: typeof code === 'string' ? code : null, message: typeof message === 'string' ? message : String(error) };
}

if (parentPort) {
  const port = parentPort;
  const request = workerData as RebuildWorkerRequest & { mode?: 'rebuild' | 'steps' };
  if (request.mode === 'steps') serveSteps(port, request);
  else
    rebuild(request).then(
      (reply) => port.postMessage(reply),
      (error: unknown) => port.postMessage(failure(error) satisfies RebuildWorkerReply),
    );
}
