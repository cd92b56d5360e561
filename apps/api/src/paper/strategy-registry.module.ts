import { Global, Logger, Module } from '@nestjs/common';
import type { InstrumentCatalog, MarketCalendar } from '@robo/domain';
import { builtInRegistry, type StrategyRegistry } from '@robo/paper';
import { APP_CONFIG, AppConfig, INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { loadStrategyModules } from './strategy-modules';

export const STRATEGY_REGISTRY = Symbol('STRATEGY_REGISTRY');

/** The built-in strategies plus the modules of STRATEGIES_DIR, loaded once at start; a bad module is logged and left out. */
export function createStrategyRegistry(config: AppConfig, catalog: InstrumentCatalog, calendar: MarketCalendar, logger = new Logger('Strategies')): StrategyRegistry {
  const registry = builtInRegistry({ catalog, calendar, quote: () => null });
  const loaded = loadStrategyModules(config.strategiesDir, registry);
  for (const r of loaded.registered) logger.log({ kind: r.kind, file: r.file }, `strategy module ${r.kind} registered from ${r.file}`);
  for (const r of loaded.refused) logger.error({ file: r.file, problem: r.problem }, `strategy module ${r.file} not registered: ${r.problem}`);
  return registry;
}

@Global()
@Module({
  providers: [{ provide: STRATEGY_REGISTRY, inject: [APP_CONFIG, INSTRUMENTS, MARKET_CALENDAR], useFactory: (c: AppConfig, i: InstrumentCatalog, m: MarketCalendar) => createStrategyRegistry(c, i, m) }],
  exports: [STRATEGY_REGISTRY],
})
export class StrategyRegistryModule {}
