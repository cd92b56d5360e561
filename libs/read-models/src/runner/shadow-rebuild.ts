import type { WallClock } from '@robo/clock';
import type { EventStore } from '@robo/event-store';
import type { DeadLetterStore, DocumentReader, ProjectionCommitStore, ShadowStore } from '../read-model-store.port';
import { blockedKeysOf, projectPage, type ProjectionTarget } from './batch';

export const SHADOW_SUFFIX = '__shadow';

export interface CollectionComparison {
  name: string;
  liveCount: number;
  shadowCount: number;
  liveChecksum: string;
  shadowChecksum: string;
  /** Up to 10 document ids that differ (missing on one side, or a different document), in id order. */
  firstDifferences: string[];
}

export interface VerificationResult {
  projection: string;
  /** The log position both copies were compared at. */
  position: bigint;
  matched: boolean;
  swapped: boolean;
  collections: CollectionComparison[];
}

const MAX_DIFFERENCES = 10;
const DIGEST_PAGE = 500;

/** The shadow copy of a live target: its own checkpoint name and `<collection>__shadow` collections. */
export function shadowTarget(live: ProjectionTarget): ProjectionTarget {
  return { ...live, storeName: `${live.storeName}${SHADOW_SUFFIX}`, physical: (collection) => `${collection}${SHADOW_SUFFIX}` };
}

/**
 * Projects the log into the target from its checkpoint up to `bound` (inclusive), never beyond: the shadow must
 * stop exactly where the live copy is to be comparable. Dead letters are parked as in the live loop.
 */
export async function drainTo(target: ProjectionTarget, bound: bigint, eventStore: EventStore, readStore: DocumentReader & ProjectionCommitStore & DeadLetterStore, batchSize: number, clock: WallClock): Promise<bigint> {
  let checkpoint = await readStore.getCheckpoint(target.storeName);
  while (checkpoint < bound) {
    const page = (await eventStore.readAll({ after: checkpoint, maxCount: batchSize })).filter((event) => event.globalPosition <= bound);
    const last = page[page.length - 1];
    if (!last) break;
    const blocked = blockedKeysOf(await readStore.listDeadLetters({ projection: target.storeName }));
    const { changes, park } = await projectPage(target, page, readStore, blocked, clock.now());
    await readStore.commit(target.storeName, changes, last.globalPosition, { park });
    checkpoint = last.globalPosition;
  }
  return checkpoint;
}

/** Compares each live collection with its shadow: counts and checksums, and the first differing ids when they differ. */
export async function compareWithShadow(live: ProjectionTarget, shadow: ProjectionTarget, readStore: ShadowStore): Promise<CollectionComparison[]> {
  const result: CollectionComparison[] = [];
  for (const spec of live.projection.collections) {
    const liveName = live.physical(spec.name);
    const shadowName = shadow.physical(spec.name);
    const [a, b] = await Promise.all([readStore.checksum(liveName), readStore.checksum(shadowName)]);
    const same = a.count === b.count && a.sha256 === b.sha256;
    result.push({
      name: spec.name,
      liveCount: a.count,
      shadowCount: b.count,
      liveChecksum: a.sha256,
      shadowChecksum: b.sha256,
      firstDifferences: same ? [] : await firstDifferences(liveName, shadowName, readStore),
    });
  }
  return result;
}

/** Merges the two id-ordered digest streams (ids compare by UTF-8 bytes, as both stores order them). */
async function firstDifferences(liveName: string, shadowName: string, readStore: ShadowStore): Promise<string[]> {
  const live = digestStream(liveName, readStore);
  const shadow = digestStream(shadowName, readStore);
  const found: string[] = [];
  let a = await live.next();
  let b = await shadow.next();
  while (found.length < MAX_DIFFERENCES && (a || b)) {
    const order = !a ? 1 : !b ? -1 : Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));
    if (order === 0) {
      if (a!.sha256 !== b!.sha256) found.push(a!.id);
      a = await live.next();
      b = await shadow.next();
    } else if (order < 0) {
      found.push(a!.id);
      a = await live.next();
    } else {
      found.push(b!.id);
      b = await shadow.next();
    }
  }
  return found;
}

function digestStream(collection: string, readStore: ShadowStore): { next(): Promise<{ id: string; sha256: string } | null> } {
  let buffer: { id: string; sha256: string }[] = [];
  let after: string | null = null;
  let done = false;
  return {
    async next() {
      if (buffer.length === 0 && !done) {
        buffer = await readStore.digests(collection, { after, limit: DIGEST_PAGE });
        if (buffer.length < DIGEST_PAGE) done = true;
        if (buffer.length > 0) after = buffer[buffer.length - 1]!.id;
      }
      return buffer.shift() ?? null;
    },
  };
}
