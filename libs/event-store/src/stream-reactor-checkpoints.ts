import { randomUUID } from 'node:crypto';
import type { EventStore } from './event-store.port';
import type { ReactorCheckpointStore } from './reactor-checkpoints.port';

export const REACTOR_CHECKPOINT_SAVED = 'ReactorCheckpointSaved';

/** The stream holding one reactor's checkpoints. */
export function reactorCheckpointStream(reactor: string): string {
  return `reactor_checkpoint-${reactor}`;
}

/**
 * Reactor checkpoints as events in each reactor's own stream, for a server event store (EventStoreDB) with no table
 * to keep them in: the last event of the stream is the checkpoint. Each save is one small event; the audit trail
 * lists them like any other event of the log.
 */
export class StreamReactorCheckpoints implements ReactorCheckpointStore {
  constructor(private readonly events: EventStore) {}

  async load(reactor: string): Promise<bigint | null> {
    const [last] = await this.events.readStream(reactorCheckpointStream(reactor), { direction: 'backwards', maxCount: 1 });
    if (!last) return null;
    return BigInt((last.data as { position: string }).position);
  }

  async save(reactor: string, position: bigint, savedAt: string): Promise<void> {
    await this.events.append(
      reactorCheckpointStream(reactor),
      [
        {
          type: REACTOR_CHECKPOINT_SAVED,
          data: { reactor, position: String(position) },
          metadata: { eventId: randomUUID(), correlationId: `reactor:${reactor}`, causationId: null, actor: `system:reactor-${reactor}`, occurredAt: savedAt, schemaVersion: 1 },
        },
      ],
      { expectedRevision: 'any' },
    );
  }

  /** The event store is closed by whoever opened it. */
  async close(): Promise<void> {}
}
