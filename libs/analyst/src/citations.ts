import type { AnswerCitation } from '@robo/domain';
import type { EventStore } from '@robo/event-store';

/**
 * The one machine-readable citation form the prompt asks for: `[event:<global position>]` or
 * `[stream:<stream name>@<revision>]`. Stream names may hold spaces (`position-a1-NIFTY 2026-12-31 24000 CE`).
 */
const EVENT_REF = /\[event:(\d{1,15})\]/g;
const STREAM_REF = /\[stream:([^\][@\n]{1,200})@(\d{1,15})\]/g;
/** An answer citing more than this is not reading evidence any more; the rest are ignored. */
export const MAX_CITATIONS = 50;

export type ParsedCitation = { ref: string; kind: 'event'; globalPosition: number } | { ref: string; kind: 'stream'; streamName: string; streamRevision: number };

export const eventRef = (globalPosition: number): string => `event:${globalPosition}`;
export const streamRef = (streamName: string, revision: number): string => `stream:${streamName}@${revision}`;

export function referenceOf(citation: ParsedCitation): string {
  return citation.kind === 'event' ? eventRef(citation.globalPosition) : streamRef(citation.streamName, citation.streamRevision);
}

/** Citations in order of first appearance, each once. */
export function parseCitations(text: string): ParsedCitation[] {
  const found: { index: number; citation: ParsedCitation }[] = [];
  for (const m of text.matchAll(EVENT_REF)) {
    const globalPosition = Number(m[1]);
    if (globalPosition > 0) found.push({ index: m.index ?? 0, citation: { ref: m[0], kind: 'event', globalPosition } });
  }
  for (const m of text.matchAll(STREAM_REF)) {
    const streamName = m[1].trim();
    if (streamName !== '') found.push({ index: m.index ?? 0, citation: { ref: m[0], kind: 'stream', streamName, streamRevision: Number(m[2]) } });
  }
  const seen = new Set<string>();
  const result: ParsedCitation[] = [];
  for (const { citation } of found.sort((a, b) => a.index - b.index)) {
    const key = referenceOf(citation);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(citation);
    if (result.length === MAX_CITATIONS) break;
  }
  return result;
}

/** Fields that hold the global position of an event, whatever the document. */
const POSITION_FIELDS = new Set(['lastEventPosition', 'position', 'globalPosition', 'lastPosition', 'pricePosition', 'seq']);
const STREAM_FIELDS = ['streamName', 'stream'];
const REVISION_FIELDS = ['streamRevision', 'revision', 'lastStreamRevision'];
const MAX_NODES = 20_000;

function asPosition(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value === 'bigint') return value > 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return asPosition(Number(value));
  return null;
}

function asRevision(value: unknown): number | null {
  if (value === 0 || value === 0n || value === '0') return 0;
  return asPosition(value);
}

/**
 * Every citable reference in a tool result (`event:12`, `stream:order-o1@3`), in the order met. What the model
 * cites is checked against these: a citation the tools never showed it is flagged as unseen.
 */
export function collectReferences(value: unknown): string[] {
  const refs = new Set<string>();
  let nodes = 0;
  const visit = (node: unknown, depth: number): void => {
    if (++nodes > MAX_NODES || depth > 12 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    const streamField = STREAM_FIELDS.find((f) => typeof record[f] === 'string' && record[f] !== '');
    const revisionField = REVISION_FIELDS.find((f) => asRevision(record[f]) !== null);
    if (streamField !== undefined && revisionField !== undefined) refs.add(streamRef(record[streamField] as string, asRevision(record[revisionField]) as number));
    for (const [key, child] of Object.entries(record)) {
      const position = POSITION_FIELDS.has(key) ? asPosition(child) : null;
      if (position !== null) refs.add(eventRef(position));
      else visit(child, depth + 1);
    }
  };
  visit(value, 0);
  return [...refs];
}

/**
 * Checks each citation against the references the tools returned (`seen`) and against the log (`exists`, with the
 * event's type), so a reader can follow every one to its event and spot an invented one.
 */
export async function resolveCitations(store: EventStore, citations: readonly ParsedCitation[], seen: ReadonlySet<string>): Promise<AnswerCitation[]> {
  const resolved: AnswerCitation[] = [];
  for (const c of citations) {
    const base = { ref: c.ref, kind: c.kind, seen: seen.has(referenceOf(c)) };
    if (c.kind === 'event') {
      // The position itself, never p - 1: positions are not consecutive on every store (byte offsets on EventStoreDB).
      const event = await store.readEvent(BigInt(c.globalPosition));
      const exists = event !== null && event.globalPosition === BigInt(c.globalPosition);
      resolved.push({
        ...base,
        globalPosition: c.globalPosition,
        streamName: exists ? event.streamName : null,
        streamRevision: exists ? Number(event.streamRevision) : null,
        exists,
        eventType: exists ? event.type : null,
      });
    } else {
      const [event] = await store.readStream(c.streamName, { fromRevision: BigInt(c.streamRevision), maxCount: 1 });
      const exists = event !== undefined && event.streamRevision === BigInt(c.streamRevision);
      resolved.push({
        ...base,
        globalPosition: exists ? Number(event.globalPosition) : null,
        streamName: c.streamName,
        streamRevision: c.streamRevision,
        exists,
        eventType: exists ? event.type : null,
      });
    }
  }
  return resolved;
}
