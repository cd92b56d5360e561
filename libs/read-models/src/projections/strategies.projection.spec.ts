import type { EventEnvelope } from '@robo/event-store';
import { STRATEGIES_COLLECTION, strategiesProjection, type StrategyDoc } from './strategies.projection';

const env = (revision: number, type: string, data: Record<string, unknown>): EventEnvelope => ({
  type,
  data,
  metadata: { eventId: `e${revision}`, correlationId: 'c', causationId: null, actor: 'test', occurredAt: '2026-11-20T04:00:00.000Z', schemaVersion: 1 },
  streamName: 'strategy-s1',
  streamRevision: BigInt(revision),
  globalPosition: BigInt(100 + revision),
  recordedAt: '2026-11-20T04:00:00.000Z',
});

const registered = env(0, 'StrategyRegistered', {
  strategyId: 's1',
  accountId: 'a1',
  kind: 'ma-crossover',
  name: 'MA',
  parameters: { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 },
  instruments: ['INFY'],
  capitalAllocationPaise: 1000,
  registeredAt: '2026-11-20T04:00:00.000Z',
});

describe('strategies projection', () => {
  const fold = (events: EventEnvelope[]) =>
    events.reduce<Record<string, unknown> | null>((doc, e) => {
      const [ref] = strategiesProjection.keys(e);
      return strategiesProjection.apply(ref, doc, e);
    }, null) as unknown as StrategyDoc;

  it('keys each strategy event by its strategy id', () => {
    expect(strategiesProjection.keys(registered)).toEqual([{ collection: STRATEGIES_COLLECTION.name, id: 's1' }]);
  });

  it('folds the lifecycle and the kill switch with the domain evolve', () => {
    const doc = fold([
      registered,
      env(1, 'StrategyActivated', { strategyId: 's1', accountId: 'a1', at: '2026-11-20T04:01:00.000Z' }),
      env(2, 'StrategyHalted', { strategyId: 's1', accountId: 'a1', reason: 'kill', at: '2026-11-20T04:02:00.000Z' }),
      env(3, 'StrategyParametersChanged', { strategyId: 's1', accountId: 'a1', parameters: { fastPeriod: 3 }, previous: {}, at: '2026-11-20T04:03:00.000Z' }),
    ]);
    expect(doc).toMatchObject({ strategyId: 's1', accountId: 'a1', status: 'ACTIVE', halted: true, haltReason: 'kill', parametersVersion: 2, parameters: { fastPeriod: 3 }, lastRevision: 3, lastEventPosition: 103 });
  });

  it('a replayed event changes nothing', () => {
    const activated = env(1, 'StrategyActivated', { strategyId: 's1', accountId: 'a1', at: '2026-11-20T04:01:00.000Z' });
    const once = fold([registered, activated]);
    expect(fold([registered, activated, registered, activated])).toEqual(once);
  });
});
