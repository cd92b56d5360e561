import type { EventEnvelope } from '@robo/event-store';
import type { CollectionSpec, DocRef } from './read-model-store.port';

export type Doc = Record<string, unknown>;

/**
 * A projection is pure and deterministic: which documents an event touches, and each document's next value.
 * Replaying the same log gives byte-identical read models.
 */
export interface Projection {
  readonly name: string;
  /** Bump to force a rebuild when the shape of its documents changes. */
  readonly version: number;
  readonly collections: readonly CollectionSpec[];
  /** Event types it reacts to; others only advance its checkpoint. */
  readonly eventTypes: readonly string[] | '*';
  keys(event: EventEnvelope): DocRef[];
  apply(ref: DocRef, doc: Doc | null, event: EventEnvelope): Doc | null;
}
