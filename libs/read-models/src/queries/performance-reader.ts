import type { Collection } from '../collection';
import type { DocumentReader, FieldCondition } from '../read-model-store.port';
import { MAX_IN_VALUES, MAX_LIMIT } from '../support/find-query';
import { ACCOUNT_DAYS_COLLECTION } from '../projections/account-performance.projection';
import { DAILY_CLOSES_COLLECTION, type DailyCloseDoc } from '../projections/daily-closes.projection';
import { POSITION_CYCLES_COLLECTION } from '../projections/positions.projection';
import { STRATEGY_DAYS_COLLECTION } from '../projections/strategy-performance.projection';
import { STRATEGIES_COLLECTION } from '../projections/strategies.projection';
import type { AccountPerformanceInput, StrategyPerformanceInput } from './performance';

/** Every page of a find, in order: these collections hold one document per active day, cycle, close or order. */
export async function readAll<T extends object>(store: DocumentReader, collection: Collection<T>, where: Record<string, FieldCondition>, orderBy: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; nextCursor: string | null } = await collection.find(store, { where, orderBy: { field: orderBy, direction: 'asc' }, limit: MAX_LIMIT, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

async function closesOf(store: DocumentReader, instruments: readonly string[]): Promise<DailyCloseDoc[]> {
  const sorted = [...new Set(instruments)].sort();
  const closes: DailyCloseDoc[] = [];
  for (let i = 0; i < sorted.length; i += MAX_IN_VALUES) {
    closes.push(...(await readAll(store, DAILY_CLOSES_COLLECTION, { instrument: { in: sorted.slice(i, i + MAX_IN_VALUES) } }, 'date')));
  }
  // A close without a recorded market time was made from a fill by an older version of the projection: not a market close.
  return closes.filter((c) => typeof c.at === 'string');
}

/** The documents accountPerformance needs, read through the port (any adapter). */
export async function readAccountPerformanceDocs(store: DocumentReader, accountId: string): Promise<Omit<AccountPerformanceInput, 'options'>> {
  const days = await readAll(store, ACCOUNT_DAYS_COLLECTION, { accountId }, 'date');
  const cycles = await readAll(store, POSITION_CYCLES_COLLECTION, { accountId }, 'openedAt');
  const closes = await closesOf(store, days.flatMap((d) => d.positions.map((p) => p.instrument)));
  return { accountId, days, cycles, closes };
}

/** The documents strategyPerformance needs, read through the port (any adapter). */
export async function readStrategyPerformanceDocs(store: DocumentReader, strategyId: string): Promise<Omit<StrategyPerformanceInput, 'options'>> {
  const days = await readAll(store, STRATEGY_DAYS_COLLECTION, { strategyId }, 'date');
  const closes = await closesOf(store, days.flatMap((d) => d.positions.map((p) => p.instrument)));
  // A registered strategy's capital allocation is the default base of its returns.
  const registered = await STRATEGIES_COLLECTION.get(store, strategyId);
  const allocation = registered?.capitalAllocationPaise;
  return { strategyId, days, closes, capitalAllocationPaise: typeof allocation === 'number' ? allocation : null };
}
