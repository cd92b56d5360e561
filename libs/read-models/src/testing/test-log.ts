import type { AccountEvent, MarketEvent, OrderEvent, PositionEvent } from '@robo/domain';
import type { EventEnvelope, EventMetadata } from '@robo/event-store';
import type { Doc, Projection } from '../projection';

export type DomainEvent = OrderEvent | AccountEvent | PositionEvent | MarketEvent;

export interface EnvelopeOptions extends Partial<EventMetadata> {
  recordedAt?: string;
}

/**
 * Builds envelopes as the store would hand them out: global positions 1, 2, 3..., revisions per stream,
 * deterministic UUIDs. Business time defaults to one second per event from 2026-01-05 10:00 IST.
 */
export class TestLog {
  readonly events: EventEnvelope[] = [];
  private readonly revisions = new Map<string, bigint>();

  constructor(private readonly startPosition = 1n) {}

  append<E extends DomainEvent | { type: string; data: unknown }>(streamName: string, event: E, options: EnvelopeOptions = {}): EventEnvelope<E['type'], E['data']> {
    const globalPosition = this.startPosition + BigInt(this.events.length);
    const streamRevision = this.revisions.has(streamName) ? this.revisions.get(streamName)! + 1n : 0n;
    this.revisions.set(streamName, streamRevision);
    const instant = new Date(Date.UTC(2026, 0, 5, 4, 30, 0) + Number(globalPosition) * 1000).toISOString();
    const { recordedAt, ...metadata } = options;
    const envelope: EventEnvelope<E['type'], E['data']> = {
      type: event.type,
      data: event.data,
      metadata: {
        eventId: `00000000-0000-4000-8000-${globalPosition.toString().padStart(12, '0')}`,
        correlationId: `corr-${globalPosition}`,
        causationId: null,
        actor: 'user:test',
        occurredAt: instant,
        schemaVersion: 1,
        ...metadata,
      },
      streamName,
      streamRevision,
      globalPosition,
      recordedAt: recordedAt ?? instant,
    };
    this.events.push(envelope as EventEnvelope);
    return envelope;
  }
}

/** Folds events through a projection the way the runner does (keys, then apply in order), in memory. */
export function projectAll(projection: Projection, events: readonly EventEnvelope[], initial?: Map<string, Map<string, Doc>>): Map<string, Map<string, Doc>> {
  const docs = new Map<string, Map<string, Doc>>();
  for (const [collection, byId] of initial ?? []) docs.set(collection, new Map(byId));
  for (const event of events) {
    if (projection.eventTypes !== '*' && !projection.eventTypes.includes(event.type)) continue;
    for (const ref of projection.keys(event)) {
      const byId = docs.get(ref.collection) ?? new Map<string, Doc>();
      docs.set(ref.collection, byId);
      const next = projection.apply(ref, byId.get(ref.id) ?? null, event);
      if (next === null) byId.delete(ref.id);
      else byId.set(ref.id, next);
    }
  }
  return docs;
}
