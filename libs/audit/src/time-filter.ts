import { type EventEnvelope, recordedTime } from '@robo/event-store';

/** Business time: when it happened in the market. Recorded time: when it was first recorded (recordedTime: the source's after an import). */
export type TimeAxis = 'business' | 'recorded';

export function eventTime(event: EventEnvelope, axis: TimeAxis): number {
  return Date.parse(axis === 'business' ? event.metadata.occurredAt : recordedTime(event));
}

/** Events known at `asOf` on the chosen axis, in log order. */
export function asOfFilter(events: readonly EventEnvelope[], asOf: string, axis: TimeAxis): EventEnvelope[] {
  const limit = Date.parse(asOf);
  return events.filter((event) => eventTime(event, axis) <= limit);
}
