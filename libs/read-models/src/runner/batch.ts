import type { EventEnvelope } from '@robo/event-store';
import type { Doc, Projection } from '../projection';
import type { DocChange, DocRef, ReadModelStore } from '../read-model-store.port';

/**
 * Applies one page of events to a projection's documents and returns the writes.
 * Every document the page touches is read once, up front; later events in the page see the earlier
 * events' results, so several events on one document compose within the batch.
 */
export async function projectPage(
  projection: Projection,
  handles: (type: string) => boolean,
  events: readonly EventEnvelope[],
  readStore: ReadModelStore,
): Promise<DocChange[]> {
  const work = events.filter((event) => handles(event.type)).map((event) => ({ event, refs: projection.keys(event) }));
  const docs = await loadDocs(
    work.flatMap((w) => w.refs),
    readStore,
  );
  const dirty = new Map<string, Map<string, DocRef>>();
  for (const { event, refs } of work) {
    for (const ref of refs) {
      const byId = docs.get(ref.collection)!;
      const before = byId.get(ref.id) ?? null;
      const after = projection.apply(ref, before, event);
      // Projections return the same object when nothing changed (a replayed event): no write needed.
      if (after === before) continue;
      byId.set(ref.id, after);
      const touched = dirty.get(ref.collection) ?? new Map<string, DocRef>();
      touched.set(ref.id, ref);
      dirty.set(ref.collection, touched);
    }
  }
  const changes: DocChange[] = [];
  for (const [collection, touched] of dirty) {
    for (const id of touched.keys()) changes.push({ collection, id, doc: docs.get(collection)!.get(id) ?? null });
  }
  return changes;
}

async function loadDocs(refs: readonly DocRef[], readStore: ReadModelStore): Promise<Map<string, Map<string, Doc | null>>> {
  const wanted = new Map<string, Set<string>>();
  for (const ref of refs) {
    const ids = wanted.get(ref.collection) ?? new Set<string>();
    ids.add(ref.id);
    wanted.set(ref.collection, ids);
  }
  const docs = new Map<string, Map<string, Doc | null>>();
  for (const [collection, ids] of wanted) {
    const found = await readStore.getMany<Doc>(collection, [...ids]);
    const byId = new Map<string, Doc | null>();
    for (const id of ids) byId.set(id, found.get(id) ?? null);
    docs.set(collection, byId);
  }
  return docs;
}
