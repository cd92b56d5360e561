import type { EventEnvelope } from '@robo/event-store';
import { canonicalJson, encodable } from '../support/canonical-json';
import type { Doc, Projection } from '../projection';
import type { DeadLetter, DocChange, DocRef, DocumentReader } from '../read-model-store.port';
import { deadLetterId } from '../support/dead-letters';

/**
 * Where a projection writes: the live collections under its own name, or a shadow copy (rebuilds) under another
 * checkpoint name with every collection mapped to `<collection>__shadow`.
 */
export interface ProjectionTarget {
  projection: Projection;
  handles: (type: string) => boolean;
  /** The checkpoint and dead-letter name. */
  storeName: string;
  /** Physical collection of a logical one. */
  physical: (collection: string) => string;
}

export interface PageResult {
  changes: DocChange[];
  park: DeadLetter[];
  /** The error of the last event parked because apply() or keys() threw, for status output. */
  lastError: { message: string; at: string } | null;
}

/** Doc key -> the id of the dead letter that blocks it (the first one parked for that document). */
export type BlockedKeys = Map<string, string>;

export function docKey(ref: DocRef): string {
  return `${ref.collection}/${ref.id}`;
}

export function blockedKeysOf(letters: readonly DeadLetter[]): BlockedKeys {
  const blocked: BlockedKeys = new Map();
  for (const letter of letters) {
    for (const key of letter.docKeys) if (!blocked.has(key)) blocked.set(key, letter.blockedBy ?? letter.id);
  }
  return blocked;
}

/**
 * Applies one page of events to a projection's documents and returns the writes.
 * Every document the page touches is read once, up front; later events in the page see the earlier
 * events' results, so several events on one document compose within the batch.
 * An event whose keys() or apply() throws is parked (none of its document changes are kept) and blocks its
 * documents: later events touching them are parked behind it, events on other documents go on.
 * A document with no JSON form parks the event that made it so, as if apply() had thrown. Each document is
 * encoded once per page, at the end; the states earlier events left are only checked (encodable()). Should one of
 * them, or a final one, have no JSON form, the page is applied again encoding after every event, so the same events
 * are parked as when each event is encoded on its own.
 */
export async function projectPage(
  target: ProjectionTarget,
  events: readonly EventEnvelope[],
  readStore: DocumentReader,
  blocked: BlockedKeys,
  /** When events of this page that get parked are stamped as parked (ISO-8601, wall time). */
  parkedAt: string,
): Promise<PageResult> {
  const { projection } = target;
  const keyed: Keyed = { work: [], park: [], lastError: null };
  for (const event of events) {
    if (!target.handles(event.type)) continue;
    try {
      keyed.work.push({ event, refs: projection.keys(event) });
    } catch (error) {
      const letter = deadLetter(target.storeName, event, [], errorMessage(error), null, parkedAt);
      keyed.park.push(letter);
      keyed.lastError = { message: letter.error!, at: letter.parkedAt };
    }
  }
  const docs = await loadDocs(target, keyed.work.flatMap((w) => w.refs), readStore);
  const loaded = new Map([...docs].map(([collection, byId]) => [collection, new Map(byId)]));
  const trial = new Map(blocked);
  const fast = applyEvents(target, keyed, docs, trial, parkedAt, 'page');
  if (fast !== null) {
    for (const [key, blocker] of trial) blocked.set(key, blocker);
    return fast;
  }
  return applyEvents(target, keyed, loaded, blocked, parkedAt, 'event')!;
}

interface Keyed {
  work: { event: EventEnvelope; refs: DocRef[] }[];
  /** Events parked because keys() threw. */
  park: DeadLetter[];
  lastError: PageResult['lastError'];
}

/**
 * The events of a page, in order, on `docs` (changed in place). encode 'event': every new state is encoded as it is
 * made, and one with no JSON form parks its event. 'page': only the final states are encoded; null when a state has
 * no JSON form (the caller then applies the page again with 'event' on the documents as loaded).
 */
function applyEvents(
  target: ProjectionTarget,
  keyed: Keyed,
  docs: Map<string, Map<string, Doc | null>>,
  blocked: BlockedKeys,
  parkedAt: string,
  encode: 'event' | 'page',
): PageResult | null {
  const { projection } = target;
  const park = [...keyed.park];
  let lastError = keyed.lastError;
  const dirty = new Map<string, Map<string, DocRef>>();
  const encoded = new Map<string, string>();
  for (const { event, refs } of keyed.work) {
    const keys = refs.map(docKey);
    const blocker = keys.map((key) => blocked.get(key)).find((id) => id !== undefined);
    if (blocker !== undefined) {
      park.push(deadLetter(target.storeName, event, keys, null, blocker, parkedAt));
      for (const key of keys) if (!blocked.has(key)) blocked.set(key, blocker);
      continue;
    }
    const staged = new Map<string, { ref: DocRef; doc: Doc | null; json: string | null }>();
    try {
      for (const ref of refs) {
        const key = docKey(ref);
        const prior = staged.get(key);
        const before = prior ? prior.doc : (docs.get(ref.collection)!.get(ref.id) ?? null);
        const after = projection.apply(ref, before, event);
        // Projections return the same object when nothing changed (a replayed event): no write needed.
        if (after === before) continue;
        // A state this event made and replaces was never encoded.
        if (encode === 'page' && prior && prior.doc !== null && !encodable(prior.doc)) return null;
        // A document with no JSON form would fail the whole commit: park its event here instead.
        staged.set(key, { ref, doc: after, json: after === null || encode === 'page' ? null : canonicalJson(after) });
      }
    } catch (error) {
      const letter = deadLetter(target.storeName, event, keys, errorMessage(error), null, parkedAt);
      park.push(letter);
      lastError = { message: letter.error!, at: letter.parkedAt };
      for (const key of keys) blocked.set(key, letter.id);
      continue;
    }
    for (const [key, { ref, doc, json }] of staged) {
      const byId = docs.get(ref.collection)!;
      const touched = dirty.get(ref.collection) ?? new Map<string, DocRef>();
      if (encode === 'page') {
        // The state an earlier event of this page left is replaced unencoded: check it has a JSON form.
        const replaced = byId.get(ref.id) ?? null;
        if (replaced !== null && touched.has(ref.id) && !encodable(replaced)) return null;
      } else if (json === null) encoded.delete(key);
      else encoded.set(key, json);
      byId.set(ref.id, doc);
      touched.set(ref.id, ref);
      dirty.set(ref.collection, touched);
    }
  }
  if (encode === 'page') {
    for (const [collection, touched] of dirty) {
      for (const id of touched.keys()) {
        const doc = docs.get(collection)!.get(id) ?? null;
        if (doc === null) continue;
        let json: string;
        try {
          json = canonicalJson(doc);
        } catch {
          return null;
        }
        encoded.set(`${collection}/${id}`, json);
      }
    }
  }
  return { changes: changesOf(target, dirty, docs, encoded), park, lastError };
}

/** encoded: the canonical JSON of documents already encoded (by `collection/id`), handed on so the store need not encode them again. */
export function changesOf(
  target: ProjectionTarget,
  dirty: Map<string, Map<string, DocRef>>,
  docs: Map<string, Map<string, Doc | null>>,
  encoded?: ReadonlyMap<string, string>,
): DocChange[] {
  const changes: DocChange[] = [];
  for (const [collection, touched] of dirty) {
    for (const id of touched.keys()) {
      const doc = docs.get(collection)!.get(id) ?? null;
      const json = doc === null ? undefined : encoded?.get(`${collection}/${id}`);
      changes.push(json === undefined ? { collection: target.physical(collection), id, doc } : { collection: target.physical(collection), id, doc, json });
    }
  }
  return changes;
}

export function deadLetter(storeName: string, event: EventEnvelope, docKeys: string[], error: string | null, blockedBy: string | null, parkedAt: string): DeadLetter {
  return {
    id: deadLetterId(storeName, event.globalPosition),
    projection: storeName,
    position: event.globalPosition,
    eventId: event.metadata.eventId,
    eventType: event.type,
    stream: event.streamName,
    streamRevision: event.streamRevision,
    docKeys,
    error,
    blockedBy,
    parkedAt,
    attempts: error === null ? 0 : 1,
  };
}

export function errorMessage(error: unknown): string {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  return typeof message === 'string' ? `${typeof name === 'string' ? name : 'Error'}: ${message}` : String(error);
}

/** Documents by logical collection and id (null when absent), read from the target's physical collections. */
export async function loadDocs(target: ProjectionTarget, refs: readonly DocRef[], readStore: DocumentReader): Promise<Map<string, Map<string, Doc | null>>> {
  const wanted = new Map<string, Set<string>>();
  for (const ref of refs) {
    const ids = wanted.get(ref.collection) ?? new Set<string>();
    ids.add(ref.id);
    wanted.set(ref.collection, ids);
  }
  const docs = new Map<string, Map<string, Doc | null>>();
  for (const [collection, ids] of wanted) {
    const found = await readStore.getMany<Doc>(target.physical(collection), [...ids]);
    const byId = new Map<string, Doc | null>();
    for (const id of ids) byId.set(id, found.get(id) ?? null);
    docs.set(collection, byId);
  }
  return docs;
}
