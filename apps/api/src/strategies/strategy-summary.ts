import type { StrategySummary } from '@robo/contract';
import { readStrategyPerformanceDocs, strategyPerformance, type DocumentReader } from '@robo/read-models';

/**
 * The headline figures of a strategy for its list: over all its history, against its own capital, computed by the
 * same library function as GET /api/strategies/:id/performance (so the two always agree), with its notes when a
 * figure is not defined.
 */
export async function strategySummary(reads: DocumentReader, strategyId: string): Promise<StrategySummary> {
  const report = strategyPerformance({ ...(await readStrategyPerformanceDocs(reads, strategyId)), options: {} });
  const s = report.statistics;
  return {
    netPnlPaise: s.netPnlPaise,
    tradeCount: s.tradeCount,
    winRate: s.winRate,
    maxDrawdownPaise: s.maxDrawdownPaise,
    maxDrawdown: s.maxDrawdown,
    sharpe: s.sharpe,
    notes: report.notes,
  };
}
