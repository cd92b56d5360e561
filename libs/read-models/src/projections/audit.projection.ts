import { recordedTime, toUtcIso } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { summarize } from './audit-summary';
import { positionOf } from './events';

export const AUDIT_COLLECTION = new Collection<AuditDoc>('audit', [
  ['position'],
  ['streamName', 'position'],
  ['correlationId', 'position'],
  ['actor', 'position'],
  ['type', 'position'],
  ['accountId', 'position'],
  ['orderId', 'position'],
  ['recordedAt'],
  // Business-time ranges use occurredAtUtc; occurredAt (with its offset) is for display and has no index.
  ['occurredAtUtc'],
]);

/** Zero-padded so that ids sort as positions do (and the checksum order follows the log). */
export const auditId = (globalPosition: bigint): string => globalPosition.toString().padStart(20, '0');

export type AuditDoc = {
  position: number;
  streamName: string;
  streamRevision: number;
  eventId: string;
  type: string;
  correlationId: string;
  causationId: string | null;
  actor: string;
  /** Business time as recorded, with its offset (often +05:30): for display, not for range filters. */
  occurredAt: string;
  /**
   * occurredAt normalised to UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`, so that business-time ranges can be compared as
   * text like recordedAt (raw strings with different offsets do not sort as time does). Null only if occurredAt
   * is not an ISO instant with an offset, which the event store's writers do not produce.
   */
  occurredAtUtc: string | null;
  /** Always UTC (`...Z`), written by the store. */
  recordedAt: string;
  /**
   * From data.accountId. Every domain event carries it, order events included; null only for events without it
   * (order events other than OrderPlaced recorded before they carried the account, or foreign event types).
   */
  accountId: string | null;
  orderId: string | null;
  summary: string;
  /** Same as position; present so that every read-model document says which event it reflects. */
  lastEventPosition: number;
};

function stringField(data: unknown, field: string): string | null {
  if (data === null || typeof data !== 'object') return null;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/** Every event of the log, searchable by stream, correlation, actor, type, account and time. */
export const auditProjection: Projection = defineProjection({
  name: 'audit',
  // 2: occurredAtUtc added (documents of version 1 lack it, so business-time filters would miss them).
  // 3: recordedAt is the original recorded time of an imported event (metadata.originalRecordedAt), and summaries
  //    speak rupees (Rs 2,500.00); documents of version 2 keep the old text and time until the audit trail is rebuilt.
  version: 3,
  eventTypes: '*',

  keys(event: EventEnvelope): DocRef[] {
    return [AUDIT_COLLECTION.ref(auditId(event.globalPosition))];
  },

  appliers: [
    // The document depends on the event alone, so applying it again writes the same bytes.
    applyTo(AUDIT_COLLECTION, (_id, _current, event) => {
      const m = event.metadata;
      const doc: AuditDoc = {
        position: positionOf(event),
        streamName: event.streamName,
        streamRevision: Number(event.streamRevision),
        eventId: m.eventId,
        type: event.type,
        correlationId: m.correlationId,
        causationId: m.causationId,
        actor: m.actor,
        occurredAt: m.occurredAt,
        occurredAtUtc: toUtcIso(m.occurredAt),
        recordedAt: recordedTime(event),
        accountId: stringField(event.data, 'accountId'),
        orderId: stringField(event.data, 'orderId'),
        summary: summarize(event),
        lastEventPosition: positionOf(event),
      };
      return doc;
    }),
  ],
});
