import { correlationTree, Slicer } from '@robo/audit';
import type { CorrelationTree } from '@robo/contract';
import type { EventEnvelope, EventStore } from '@robo/event-store';
import { AUDIT_COLLECTION, type AuditDoc, type DocumentReader } from '@robo/read-models';
import { ApiError } from '../common/api-error';

/** A correlation is one request and its reactions: far fewer events than this; the cap keeps an answer bounded. */
const MAX_CORRELATION_EVENTS = 2_000;
/** Revisions of one stream closer than this are read in one range; farther apart, each run is read on its own. */
const RUN_GAP = 64;

/** 400 INVALID_ID unless 1 to 200 characters: 128 for an id the server made or the client chose, plus the `key:<kid>:` namespace of a chosen one. */
export function checkCorrelationId(correlationId: string): void {
  if (correlationId.length === 0 || correlationId.length > 200) throw new ApiError(400, 'INVALID_ID', 'correlation id must be 1 to 200 characters');
}

/**
 * The causal tree of one correlation id, from a log and its audit index (the live api's, or a backtest run's):
 * the indexed events `visible` keeps, read back in full from their streams. 400 for a malformed id, 404 when no
 * visible event has it, 422 when it has too many for one tree.
 */
export async function correlationTreeOf(reads: DocumentReader, events: EventStore, correlationId: string, visible: (doc: AuditDoc) => boolean = () => true): Promise<CorrelationTree> {
  checkCorrelationId(correlationId);
  const docs: AuditDoc[] = [];
  const slicer = new Slicer();
  let cursor: string | null = null;
  do {
    const page: { items: AuditDoc[]; nextCursor: string | null } = await AUDIT_COLLECTION.find(reads, {
      where: { correlationId },
      orderBy: { field: 'position', direction: 'asc' },
      limit: 1000,
      cursor,
    });
    docs.push(...page.items.filter(visible));
    cursor = page.nextCursor;
    if (docs.length > MAX_CORRELATION_EVENTS) {
      throw new ApiError(422, 'RESPONSE_TOO_LARGE', `correlation ${correlationId} has more than ${MAX_CORRELATION_EVENTS} events: too many for one tree`, {
        maxEvents: MAX_CORRELATION_EVENTS,
        hint: `page through its events with GET /api/audit?correlationId=${encodeURIComponent(correlationId)}&limit=200 and the nextCursor of each page`,
      });
    }
    await slicer.pause();
  } while (cursor !== null);
  if (docs.length === 0) throw new ApiError(404, 'CORRELATION_NOT_FOUND', `no events with correlation id ${correlationId}`);
  return correlationTree(correlationId, await envelopesOf(events, docs, slicer));
}

/**
 * The full envelopes of indexed events, matched by event id: per stream, one ranged read per run of nearby
 * revisions (never the whole span between a stream's first and last event of the correlation), in slices.
 */
async function envelopesOf(events: EventStore, docs: readonly AuditDoc[], slicer: Slicer): Promise<EventEnvelope[]> {
  const byStream = new Map<string, AuditDoc[]>();
  for (const doc of docs) {
    const group = byStream.get(doc.streamName);
    if (group) group.push(doc);
    else byStream.set(doc.streamName, [doc]);
  }
  const found: EventEnvelope[] = [];
  for (const [stream, group] of byStream) {
    const wanted = new Set(group.map((d) => d.eventId));
    const revisions = [...new Set(group.map((d) => d.streamRevision))].sort((a, b) => a - b);
    for (let i = 0; i < revisions.length; ) {
      let j = i;
      while (j + 1 < revisions.length && revisions[j + 1] - revisions[j] <= RUN_GAP) j++;
      const page = await events.readStream(stream, { fromRevision: BigInt(revisions[i]), maxCount: revisions[j] - revisions[i] + 1 });
      for (const event of page) if (wanted.has(event.metadata.eventId)) found.push(event);
      i = j + 1;
      await slicer.pause();
    }
  }
  return found;
}
