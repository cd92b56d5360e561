import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { accountStream, type JsonObject, type StrategyCommand } from '@robo/domain';
import { EVENT_STORE, type EventStore, type SqliteDurability } from '@robo/event-store';
import { logHash } from '@robo/backtest';
import type { StrategyRegistry } from '@robo/paper';
import { accountPerformance, ALL_PROJECTIONS, ProjectionRunner, READ_MODEL_STORE, readAccountPerformanceDocs, type ReadModelStore } from '@robo/read-models';
import { loadConfig } from '@robo/runtime';
import { ExecuteAccountCommand } from '../accounts/account-command';
import { MarketDataService } from '../market/market-data.service';
import { PaperEngineService } from '../paper/paper-engine.service';
import { STRATEGY_REGISTRY } from '../paper/strategy-registry.module';
import { ExecuteStrategyCommand } from '../strategies/strategy-command';
import { type CommandContext, derivedId, type CommandOutcome } from '@robo/write-path';
import { BacktestSimulatedMarket, PricesCatchUp } from './backtest-market';
import { BacktestModule } from './backtest.module';
import type { BacktestOutcome, BacktestSpec } from '@robo/backtest';

export type { BacktestOutcome };

/** The run's account and strategy: fixed ids, since each run has a log of its own and its bytes must not vary. */
export const BACKTEST_ACCOUNT_ID = derivedId('backtest', 'account');
export const BACKTEST_STRATEGY_ID = derivedId('backtest', 'strategy');
const ACTOR = 'system:backtest';

/** Reference-data variables a run takes from its caller's environment (the rest is the run's own). */
const PASSED_THROUGH = ['HOLIDAYS_FILE', 'CHARGES_FILE', 'LOT_SIZES_FILE', 'EXPIRY_RULES_FILE'] as const;


/** A refusal at set-up (bad parameters, an unknown kind) is the caller's mistake: it carries the command's code. */
export class BacktestRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BacktestRefused';
  }
}

/** The instruments a registration of this kind names: the one it takes bars of, else its `underlying` or `instrument` parameter. */
export function strategyInstruments(registry: StrategyRegistry, kind: string, parameters: JsonObject): string[] {
  const definition = registry.get(kind);
  if (definition === null) return [];
  const params = registry.parse(kind, parameters);
  const bars = definition.bars?.(params) ?? null;
  if (bars) return [bars.instrument];
  // With the schema's defaults filled in: the straddle's underlying is NIFTY unless the parameters say otherwise.
  const { underlying, instrument } = (params ?? {}) as { underlying?: unknown; instrument?: unknown };
  return typeof underlying === 'string' ? [underlying] : typeof instrument === 'string' ? [instrument] : [];
}

function done(outcome: CommandOutcome<unknown>): void {
  if (outcome.outcome === 'rejected') throw new BacktestRefused(outcome.code, outcome.message);
}

/**
 * Runs one backtest into `dir` (which must hold no log yet): opens the account with the capital, registers and
 * activates the strategy at `from`, steps the market up to `to` through the paper engine, then projects the log and
 * computes the account's performance with the same query the API answers with. The run's files are written without
 * fsync unless `durability: 'full'` (BacktestModule); the log is the same either way.
 */
export async function runBacktest(
  spec: BacktestSpec,
  dir: string,
  options: { env?: Record<string, string | undefined>; strategiesDir?: string; durability?: SqliteDurability } = {},
): Promise<BacktestOutcome> {
  const env = options.env ?? {};
  if (fs.existsSync(path.join(dir, 'events.db'))) throw new Error(`${dir} already holds a log`);
  const passed = Object.fromEntries(PASSED_THROUGH.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k] as string]));
  const config = loadConfig({
    ...passed,
    DATA_DIR: dir,
    // The caller's strategy modules (a run's folder holds none).
    STRATEGIES_DIR: options.strategiesDir ?? path.join(dir, 'no-strategy-modules'),
    CLOCK_START: spec.from,
    CLOCK_MODE: 'market',
    PAPER_TRADING: 'false',
    DEMO: 'false',
    RUN_REACTORS: 'false',
    EMBEDDED_PROJECTOR: 'false',
    EVENT_STORE_CHECKPOINT_THREAD: 'false',
    LOG_LEVEL: 'silent',
    MARKET_SEED: spec.data.source === 'simulator' ? spec.data.seed : 'bars',
    MARKET_STEP_SECONDS: String(spec.data.source === 'simulator' ? spec.data.stepSeconds : 60),
    PAPER_SLIPPAGE_BPS: String(spec.slippageBps),
    PAPER_FILL_FRACTION: String(spec.fillFractionPct),
  });
  const app = await NestFactory.createApplicationContext(BacktestModule.forRoot(config, spec, options.durability), { logger: false, abortOnError: false });
  try {
    await app.init();
    const events = app.get<EventStore>(EVENT_STORE);
    const reads = app.get<ReadModelStore>(READ_MODEL_STORE);
    const market = app.get(MarketDataService);
    if (market instanceof BacktestSimulatedMarket) market.attach(app.get(PricesCatchUp));
    const registry = app.get<StrategyRegistry>(STRATEGY_REGISTRY);
    const definition = registry.get(spec.kind);
    if (definition === null) throw new BacktestRefused('UNKNOWN_STRATEGY_KIND', `no strategy module of kind ${spec.kind} is registered (built-in: ma-crossover, short-straddle; others from STRATEGIES_DIR)`);
    const instruments = strategyInstruments(registry, spec.kind, spec.parameters);

    const bus = app.get(CommandBus);
    const ctx: CommandContext = { correlationId: derivedId('backtest', 'setup'), causationId: null, actor: ACTOR };
    done(
      await bus.execute(
        new ExecuteAccountCommand({ type: 'OpenAccount', data: { accountId: BACKTEST_ACCOUNT_ID, name: `Backtest ${spec.kind}`, initialCashPaise: spec.capitalPaise, now: '' } }, ctx, `${accountStream(BACKTEST_ACCOUNT_ID)}|open`),
      ),
    );
    const commands: StrategyCommand[] = [
      {
        type: 'RegisterStrategy',
        data: { strategyId: BACKTEST_STRATEGY_ID, accountId: BACKTEST_ACCOUNT_ID, kind: spec.kind, name: `Backtest ${spec.kind}`, parameters: spec.parameters as JsonObject, instruments, capitalAllocationPaise: spec.allocationPaise ?? spec.capitalPaise, now: '' },
      },
      { type: 'ActivateStrategy', data: { strategyId: BACKTEST_STRATEGY_ID, now: '' } },
    ];
    for (const command of commands) done(await bus.execute(new ExecuteStrategyCommand(command, ctx, `backtest|${command.type}`)));

    const steps = await app.get(PaperEngineService).runUntil(spec.to);

    const projector = new ProjectionRunner({ eventStore: events, readStore: reads, projections: ALL_PROJECTIONS });
    for (const name of projector.projectionNames) await projector.runOnce(name);
    const report = accountPerformance({ ...(await readAccountPerformanceDocs(reads, BACKTEST_ACCOUNT_ID)) });
    const { hash, events: count } = await logHash(events);
    return { hash, events: count, steps, report };
  } finally {
    await app.close();
  }
}
