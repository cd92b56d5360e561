import { evolveStrategy, initialStrategyState, type StrategyEvent, type StrategyState } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';

export const STRATEGIES_COLLECTION = new Collection<StrategyDoc>('strategies', [['accountId'], ['status']]);

export const STRATEGY_EVENT_TYPES: readonly StrategyEvent['type'][] = [
  'StrategyRegistered',
  'StrategyActivated',
  'StrategyPaused',
  'StrategyStopped',
  'StrategyParametersChanged',
  'StrategyHalted',
  'StrategyResumed',
];

/** The strategy aggregate's state as a document, with the revision guard every projection keeps. */
export type StrategyDoc = Extract<StrategyState, { strategyId: string }> & { lastRevision: number; lastEventPosition: number };

const isStrategyEvent = (event: EventEnvelope): boolean => (STRATEGY_EVENT_TYPES as readonly string[]).includes(event.type) && event.streamName.startsWith('strategy-');

/** One document per strategy, folded with the domain's evolveStrategy so the list reads what the aggregate decides on. */
export const strategiesProjection: Projection = defineProjection({
  name: 'strategies',
  version: 1,
  eventTypes: STRATEGY_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    if (!isStrategyEvent(event)) return [];
    const id = (event.data as { strategyId?: unknown }).strategyId;
    return typeof id === 'string' ? [STRATEGIES_COLLECTION.ref(id)] : [];
  },

  appliers: [
    applyTo(STRATEGIES_COLLECTION, (_id, current, event) => {
      const revision = Number(event.streamRevision);
      // A replayed event changes nothing.
      if (current !== null && current.lastRevision >= revision) return current;
      const { lastRevision: _r, lastEventPosition: _p, ...state } = current ?? { ...initialStrategyState, lastRevision: -1, lastEventPosition: 0 };
      const next = evolveStrategy(state as StrategyState, { type: event.type, data: event.data } as StrategyEvent);
      if (next.status === 'NONE') return current;
      return { ...next, lastRevision: revision, lastEventPosition: Number(event.globalPosition) };
    }),
  ],
});
