import type { NewEvent } from '@robo/event-store';
import type { Doc, Projection } from '../projection';

/** A small projection for runner, rebuild and dead-letter tests: per key, the sum of `amount` over TallyAdded events. */
export const TALLY_EVENT = 'TallyAdded';

export interface TallyBehaviour {
  /** apply() throws for events whose data.poison is true while this answers true. */
  poisoned?: () => boolean;
  /** Multiplies every amount: changing it between runs models a projection code change. */
  factor?: () => number;
}

export function tallyProjection(behaviour: TallyBehaviour = {}): Projection {
  return {
    name: 'tally',
    version: 1,
    collections: [{ name: 'tallies', indexes: [['total']] }],
    eventTypes: [TALLY_EVENT],
    keys: (event) => [{ collection: 'tallies', id: (event.data as { key: string }).key }],
    apply: (_ref, doc, event): Doc => {
      const data = event.data as { key: string; amount: number; poison?: boolean };
      if (data.poison && (behaviour.poisoned?.() ?? true)) throw new Error(`cannot tally ${data.key} at ${event.globalPosition}`);
      const before = (doc ?? { key: data.key, total: 0, count: 0 }) as { key: string; total: number; count: number };
      return { key: data.key, total: before.total + data.amount * (behaviour.factor?.() ?? 1), count: before.count + 1 };
    },
  };
}

let sequence = 0;

export function tallyEvent(key: string, amount: number, poison = false): NewEvent {
  sequence += 1;
  return {
    type: TALLY_EVENT,
    data: poison ? { key, amount, poison } : { key, amount },
    metadata: {
      eventId: crypto.randomUUID(),
      correlationId: `tally-${sequence}`,
      causationId: null,
      actor: 'user:test',
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}
