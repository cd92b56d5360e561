import { createHash } from 'node:crypto';
import type { EventEnvelope, EventStore } from '@robo/event-store';

/**
 * One event as a canonical line: its position, stream, revision, type, recorded time and the data and metadata as
 * stored (JSON with the keys in the order they were written). The log's hash covers every byte a reader can see.
 */
export function canonicalEvent(e: EventEnvelope): string {
  return JSON.stringify([String(e.globalPosition), e.streamName, String(e.streamRevision), e.type, e.recordedAt, e.data, e.metadata]);
}

/** sha256 (hex) over the canonical lines of the whole log, in global order, each followed by a newline. */
export async function logHash(store: EventStore): Promise<{ hash: string; events: number }> {
  const hash = createHash('sha256');
  let after = 0n;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 5000 });
    for (const e of page) hash.update(`${canonicalEvent(e)}\n`);
    events += page.length;
    if (page.length < 5000) break;
    after = page[page.length - 1].globalPosition;
  }
  return { hash: hash.digest('hex'), events };
}
