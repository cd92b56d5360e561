import { assertStrategyOnAccount, strategyStream } from '@robo/domain';
import type { EventStore } from '@robo/event-store';

const CACHE_LIMIT = 50_000;
/** A registered strategy's account never changes: remembered once read (an unknown id is read again next time). */
const registered = new WeakMap<EventStore, Map<string, readonly string[]>>();

/** The accounts a strategy is registered on, from its stream's first event (empty when no strategy has this id). */
export async function registeredAccountsOf(store: EventStore, strategyId: string): Promise<readonly string[]> {
  let known = registered.get(store);
  if (!known) registered.set(store, (known = new Map()));
  const cached = known.get(strategyId);
  if (cached) return cached;
  const [first] = await store.readStream(strategyStream(strategyId), { maxCount: 1 });
  const accountId = first?.type === 'StrategyRegistered' ? (first.data as { accountId?: unknown }).accountId : undefined;
  if (typeof accountId !== 'string') return [];
  if (known.size >= CACHE_LIMIT) known.clear();
  const accounts = [accountId];
  known.set(strategyId, accounts);
  return accounts;
}

/** Refuses (before anything is written) an order carrying a strategy id that is not registered on its account. */
export async function assertStrategyBinding(store: EventStore, order: { accountId: string; strategyId: string | null }): Promise<void> {
  if (order.strategyId === null) return;
  assertStrategyOnAccount(order, await registeredAccountsOf(store, order.strategyId));
}
