import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { accountStream, type JsonObject, type StrategyCommand } from '@robo/domain';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { APP_CONFIG, AppConfig } from '@robo/runtime';
import { SHORT_STRADDLE_DEFAULTS } from '@robo/paper';
import { ExecuteAccountCommand } from '../accounts/account-command';
import { ExecuteStrategyCommand } from '../strategies/strategy-command';
import { type CommandContext, derivedId, type CommandOutcome } from '@robo/write-path';

export const DEMO_ACTOR = 'system:demo';
export const DEMO_CASH_PAISE = 1_000_000_000; // 1 crore rupees

export interface DemoIds {
  accountId: string;
  maStrategyId: string;
  straddleStrategyId: string;
}

/** Ids derived from the market seed: the same demo is found again after a restart and never created twice. */
export function demoIds(seed: string): DemoIds {
  return {
    accountId: derivedId('demo', seed, 'account'),
    maStrategyId: derivedId('demo', seed, 'strategy', 'ma-crossover'),
    straddleStrategyId: derivedId('demo', seed, 'strategy', 'short-straddle'),
  };
}

/**
 * With DEMO on, creates once a paper account with cash and the two sample strategies (a moving-average crossover
 * on INFY, a short straddle on NIFTY weekly options) and activates them, all through the ordinary command path
 * with actor `system:demo`, so replay and audit see ordinary events.
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Demo');

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.paper.demo) return;
    try {
      await this.ensureDemo();
    } catch (error) {
      this.logger.error({ err: error }, 'could not create the demo');
    }
  }

  async ensureDemo(): Promise<DemoIds> {
    const ids = demoIds(this.config.paper.marketSeed);
    const ctx: CommandContext = { correlationId: derivedId('demo', this.config.paper.marketSeed), causationId: null, actor: DEMO_ACTOR };
    const [opened] = await this.events.readStream(accountStream(ids.accountId), { maxCount: 1 });
    if (opened) return ids;
    done(await this.commandBus.execute<ExecuteAccountCommand, CommandOutcome<unknown>>(
      new ExecuteAccountCommand({ type: 'OpenAccount', data: { accountId: ids.accountId, name: 'Demo paper account', initialCashPaise: DEMO_CASH_PAISE, now: '' } }, ctx, `demo|${ids.accountId}|open`),
    ));
    const register = (strategyId: string, kind: string, name: string, parameters: JsonObject, instruments: string[], capital: number): StrategyCommand => ({
      type: 'RegisterStrategy',
      data: { strategyId, accountId: ids.accountId, kind, name, parameters, instruments, capitalAllocationPaise: capital, now: '' },
    });
    const commands: StrategyCommand[] = [
      register(ids.maStrategyId, 'ma-crossover', 'INFY SMA 5/20 crossover', { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20, barSeconds: 60, product: 'MIS', allowShort: true }, ['INFY'], 30_000_000),
      register(ids.straddleStrategyId, 'short-straddle', 'NIFTY weekly short straddle', { underlying: 'NIFTY', ...SHORT_STRADDLE_DEFAULTS }, ['NIFTY'], 300_000_000),
      { type: 'ActivateStrategy', data: { strategyId: ids.maStrategyId, now: '' } },
      { type: 'ActivateStrategy', data: { strategyId: ids.straddleStrategyId, now: '' } },
    ];
    for (const command of commands) {
      done(await this.commandBus.execute<ExecuteStrategyCommand, CommandOutcome<unknown>>(new ExecuteStrategyCommand(command, ctx, `demo|${command.data.strategyId}|${command.type}`)));
    }
    this.logger.log({ accountId: ids.accountId }, 'demo paper account and strategies created');
    return ids;
  }
}

/** A refused demo command stops the demo's creation with its code (logged by the caller). */
function done(outcome: CommandOutcome<unknown>): void {
  if (outcome.outcome === 'rejected') throw new Error(`demo command refused: ${outcome.code}: ${outcome.message}`);
}
