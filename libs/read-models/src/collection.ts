import type { EventEnvelope } from '@robo/event-store';
import type { Doc, Projection } from './projection';
import type { CollectionSpec, DocChange, DocRef, DocumentReader, FieldCondition, FindQuery, Page } from './read-model-store.port';

/**
 * A collection and the type of its documents, declared once next to the projection that owns it. Projections write
 * through it (applyTo) and queries read through it (get, find, ...), so the document type follows the name and no
 * caller casts; stores keep plain JSON and see only the name.
 */
export class Collection<T extends object> implements CollectionSpec {
  /** Never set: carries T, in and out, so a handle of one document type is not one of another. */
  declare private readonly documentType?: (doc: T) => T;

  constructor(
    readonly name: string,
    /** Each entry is an index over these top-level fields, in order. Queries should match one. */
    readonly indexes: readonly (readonly string[])[] = [],
  ) {}

  ref(id: string): DocRef {
    return { collection: this.name, id };
  }

  /** A write of one document (null deletes it). */
  change(id: string, doc: T | null): DocChange {
    return { collection: this.name, id, doc: doc as Doc | null };
  }

  get(reader: DocumentReader, id: string): Promise<T | null> {
    return reader.get<T>(this.name, id);
  }

  getMany(reader: DocumentReader, ids: readonly string[]): Promise<Map<string, T>> {
    return reader.getMany<T>(this.name, ids);
  }

  find(reader: DocumentReader, query: FindQuery): Promise<Page<T>> {
    return reader.find<T>(this.name, query);
  }

  count(reader: DocumentReader, where?: Record<string, FieldCondition>): Promise<number> {
    return reader.count(this.name, where);
  }
}

/** The document type of a collection handle. */
export type DocOf<C> = C extends Collection<infer T> ? T : never;

/** How one collection's documents follow the log: made by applyTo, which keeps the document type of its handle. */
export interface Applier {
  readonly collection: CollectionSpec;
  apply(id: string, doc: Doc | null, event: EventEnvelope): Doc | null;
}

/**
 * The next value of a document of this collection for an event. Documents reach a projection from the store, which
 * keeps what this collection's applier wrote: this is the one place their type is taken on trust.
 */
export function applyTo<T extends object>(collection: Collection<T>, apply: (id: string, doc: T | null, event: EventEnvelope) => T | null): Applier {
  return { collection, apply: (id, doc, event) => apply(id, doc as T | null, event) as Doc | null };
}

/** A projection over typed collections: keys() names the documents an event touches, each applier computes them. */
export function defineProjection(spec: {
  name: string;
  version: number;
  eventTypes: readonly string[] | '*';
  keys(event: EventEnvelope): DocRef[];
  appliers: readonly Applier[];
}): Projection {
  const byName = new Map(spec.appliers.map((a) => [a.collection.name, a]));
  return {
    name: spec.name,
    version: spec.version,
    collections: spec.appliers.map((a) => a.collection),
    eventTypes: spec.eventTypes,
    keys: spec.keys,
    apply(ref, doc, event) {
      const applier = byName.get(ref.collection);
      if (!applier) throw new Error(`projection ${spec.name} has no collection ${ref.collection}`);
      return applier.apply(ref.id, doc, event);
    },
  };
}
