import { strategyStream } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import { STRATEGY_DAYS_COLLECTION, type DocumentReader, type StrategyDayDoc } from '@robo/read-models';
import type { Principal } from '../auth/principal';
import { isAccountScoped } from '@robo/credentials';

/**
 * The accounts a strategy belongs to: the one it was registered on (first event of its stream) and every account
 * its fills came from (strategy_days records them). Orders may carry any strategyId, registered or not.
 */
export async function strategyAccounts(reads: DocumentReader, events: EventStore, strategyId: string): Promise<Set<string>> {
  const accounts = new Set<string>();
  const [registered] = await events.readStream(strategyStream(strategyId), { maxCount: 1 });
  const home = (registered?.data as { accountId?: unknown } | undefined)?.accountId;
  if (typeof home === 'string') accounts.add(home);
  let cursor: string | null = null;
  do {
    const page: { items: StrategyDayDoc[]; nextCursor: string | null } = await STRATEGY_DAYS_COLLECTION.find(reads, {
      where: { strategyId },
      orderBy: { field: 'date', direction: 'asc' },
      limit: 1000,
      cursor,
    });
    for (const day of page.items) for (const accountId of day.accountIds) accounts.add(accountId);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return accounts;
}

/**
 * A strategy can span accounts: an account-scoped caller (trader, viewer) must see every one of them, otherwise the
 * strategy does not exist for them. Auditors and admins see all. A strategy with no account does not exist.
 */
export function mayReadStrategy(principal: Principal, accounts: ReadonlySet<string>): boolean {
  if (accounts.size === 0 || principal.role === 'broker') return false;
  return !isAccountScoped(principal.role) || [...accounts].every((a) => principal.accountIds.has(a));
}
