import type { EventStore } from '@robo/event-store';
import { DeadLetterNotFoundError } from '../errors';
import { canonicalJson } from '../support/canonical-json';
import type { Doc } from '../projection';
import type { DeadLetter, DeadLetterStore, DocRef, DocumentReader } from '../read-model-store.port';
import { blockedKeysOf, changesOf, docKey, errorMessage, loadDocs, type ProjectionTarget } from './batch';

export interface RetryResult {
  projection: string;
  /** Dead letters applied and removed from the list, in position order. */
  resolved: string[];
  /** Those still parked after the retry (failed again, or still behind one that did). */
  stillParked: DeadLetter[];
}

/**
 * Re-applies parked events in log order: one dead letter and the ones blocked behind it, or all of a projection.
 * A letter whose documents are still blocked by one not retried (or one that failed again) stays parked; the
 * others are applied on top of the documents as they are, which hold every earlier event for those keys
 * (the later ones were parked too), and removed, with their documents, in one commit. The checkpoint does not move.
 */
export async function retryDeadLetters(
  target: ProjectionTarget,
  eventStore: EventStore,
  readStore: DocumentReader & DeadLetterStore,
  which: { id: string } | { all: true },
  /** The stamp of letters parked again (ISO-8601, wall time). */
  now: string,
): Promise<RetryResult> {
  const letters = await readStore.listDeadLetters({ projection: target.storeName });
  let selected: DeadLetter[];
  if ('id' in which) {
    const root = letters.find((letter) => letter.id === which.id);
    if (!root) throw new DeadLetterNotFoundError(which.id);
    selected = letters.filter((letter) => letter.id === root.id || letter.blockedBy === root.id);
  } else {
    selected = letters;
  }
  const selectedIds = new Set(selected.map((letter) => letter.id));
  const blocked = blockedKeysOf(letters.filter((letter) => !selectedIds.has(letter.id)));
  const refsOf = (letter: DeadLetter): DocRef[] =>
    letter.docKeys.map((key) => {
      const slash = key.indexOf('/');
      return { collection: key.slice(0, slash), id: key.slice(slash + 1) };
    });
  const docs = await loadDocs(target, selected.flatMap(refsOf), readStore);
  const dirty = new Map<string, Map<string, DocRef>>();
  const resolved: string[] = [];
  const updated: DeadLetter[] = [];
  for (const letter of selected) {
    const blocker = letter.docKeys.map((key) => blocked.get(key)).find((id) => id !== undefined);
    if (blocker !== undefined) {
      if (letter.blockedBy !== blocker) updated.push({ ...letter, blockedBy: blocker });
      for (const key of letter.docKeys) if (!blocked.has(key)) blocked.set(key, blocker);
      continue;
    }
    const staged = new Map<string, { ref: DocRef; doc: Doc | null }>();
    try {
      const [event] = await eventStore.readStream(letter.stream, { fromRevision: letter.streamRevision, maxCount: 1 });
      if (!event || event.metadata.eventId !== letter.eventId) throw new Error(`event ${letter.eventId} is no longer at ${letter.stream}@${letter.streamRevision}`);
      const refs = target.projection.keys(event);
      const extra = refs.filter((ref) => !docs.get(ref.collection)?.has(ref.id));
      if (extra.length > 0) {
        for (const [collection, byId] of await loadDocs(target, extra, readStore)) {
          const into = docs.get(collection) ?? new Map<string, Doc | null>();
          for (const [id, doc] of byId) into.set(id, doc);
          docs.set(collection, into);
        }
      }
      for (const ref of refs) {
        const key = docKey(ref);
        const before = staged.has(key) ? staged.get(key)!.doc : (docs.get(ref.collection)!.get(ref.id) ?? null);
        const after = target.projection.apply(ref, before, event);
        if (after === before) continue;
        // A document with no JSON form (NaN, a bigint) would fail the whole commit: park its event here instead.
        if (after !== null) canonicalJson(after);
        staged.set(key, { ref, doc: after });
      }
    } catch (error) {
      updated.push({ ...letter, error: errorMessage(error), blockedBy: null, attempts: letter.attempts + 1, parkedAt: now });
      for (const key of letter.docKeys) blocked.set(key, letter.id);
      continue;
    }
    for (const { ref, doc } of staged.values()) {
      docs.get(ref.collection)!.set(ref.id, doc);
      const touched = dirty.get(ref.collection) ?? new Map<string, DocRef>();
      touched.set(ref.id, ref);
      dirty.set(ref.collection, touched);
    }
    resolved.push(letter.id);
  }
  await readStore.commitRetry(target.storeName, changesOf(target, dirty, docs), { remove: resolved, park: updated });
  const resolvedIds = new Set(resolved);
  const updatedById = new Map(updated.map((letter) => [letter.id, letter]));
  return {
    projection: target.storeName,
    resolved,
    stillParked: selected.filter((letter) => !resolvedIds.has(letter.id)).map((letter) => updatedById.get(letter.id) ?? letter),
  };
}
