import { type EventStore, ExpectedRevision, AppendResult, NewEvent, WrongExpectedVersionError } from '@robo/event-store';
import { CommandContext, SCHEMA_VERSION } from './command-context';

export interface Loaded<S> {
  state: S;
  /** Revision of the last event folded, null when the stream does not exist. */
  revision: bigint | null;
}

interface DomainEventLike {
  type: string;
  data: unknown;
}

const CACHE_LIMIT = 20_000;

/**
 * Loads aggregates by folding their stream and appends decided records with an expected revision: the storage
 * half of the write step (`write-step.ts`), which is what handlers and reactors use.
 * Folded states are cached by stream and revision, so a long stream is read only from where the cache stops.
 */
export class AggregateRepository {
  private readonly cache = new Map<string, Loaded<unknown>>();

  constructor(private readonly store: EventStore) {}

  async load<S, E extends DomainEventLike>(stream: string, evolve: (s: S, e: E) => S, initial: S): Promise<Loaded<S>> {
    const cached = this.cache.get(stream) as Loaded<S> | undefined;
    let state = cached ? cached.state : initial;
    let revision = cached ? cached.revision : null;
    let next = revision === null ? 0n : revision + 1n;
    for (;;) {
      const page = await this.store.readStream(stream, { fromRevision: next, maxCount: 1000 });
      for (const event of page) {
        state = evolve(state, { type: event.type, data: event.data } as E);
        revision = event.streamRevision;
      }
      if (page.length < 1000 || revision === null) break;
      next = revision + 1n;
    }
    const loaded = { state, revision };
    this.remember(stream, loaded);
    return loaded;
  }

  /** Events that already carry their metadata, e.g. decisions of several commands written in one append. */
  async appendRecords(stream: string, events: NewEvent[], expected: bigint | null | ExpectedRevision): Promise<AppendResult> {
    const expectedRevision: ExpectedRevision = expected === null ? 'no_stream' : expected;
    try {
      // eslint-disable-next-line no-restricted-syntax -- the write path's one append: every writer comes through here.
      return await this.store.append(stream, events, { expectedRevision });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) this.cache.delete(stream);
      throw error;
    }
  }

  /** Caches a state the caller folded itself, e.g. right after appending the events it was folded from. */
  remember(stream: string, loaded: Loaded<unknown>): void {
    if (this.cache.size >= CACHE_LIMIT && !this.cache.has(stream)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(stream);
    this.cache.set(stream, loaded);
  }
}

/** One decided event with the metadata of the command that produced it. */
export function recordOf(event: DomainEventLike, eventId: string, ctx: CommandContext, occurredAt: string): NewEvent {
  return {
    type: event.type,
    data: event.data,
    metadata: {
      eventId,
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      actor: ctx.actor,
      occurredAt,
      schemaVersion: SCHEMA_VERSION,
    },
  };
}
