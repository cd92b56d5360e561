import { parentPort, workerData } from 'node:worker_threads';
import { ALL_PROJECTIONS, ProjectionRunner } from '@robo/read-models';
import { openEventStore, openReadPartition } from './open-stores';
import type { RebuildWorkerReply, RebuildWorkerRequest } from './parallel-rebuild';

/** Worker thread entry (see rebuildInWorkers): rebuilds the named projections of one partition and answers once. */
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

if (parentPort) {
  const port = parentPort;
  rebuild(workerData as RebuildWorkerRequest).then(
    (reply) => port.postMessage(reply),
    (error: unknown) => {
      const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
      port.postMessage({ ok: false, name: typeof name === 'string' ? name : 'Error', code: typeof code === 'string' ? code : null, message: typeof message === 'string' ? message : String(error) } satisfies RebuildWorkerReply);
    },
  );
}
