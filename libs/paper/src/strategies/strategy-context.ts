import type { Paise } from '@robo/domain';

/** Who a strategy trades for and with how much; filled in by the runner from the strategy aggregate. */
export interface StrategyContext {
  strategyId: string;
  accountId: string;
  capitalAllocationPaise: Paise;
}

/** `2026-11-20T04:30:00.000Z` -> `20261120T043000Z`: an instant as a short, id-safe token. */
export function compactInstant(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace(/[-:]/g, '').replace('.000', '');
}
