import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  accountStream,
  decideStrategy,
  evolveAccount,
  evolveStrategy,
  initialAccountState,
  initialStrategyState,
  InvalidCommand,
  NotFound,
  strategyStream,
  type InstrumentCatalog,
  type StrategyEvent,
  type StrategyState,
} from '@robo/domain';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { validateStrategyParameters, type StrategyRegistry } from '@robo/paper';
import { STRATEGY_REGISTRY } from '../paper/strategy-registry.module';
import { CLOCK, Clock, INSTRUMENTS } from '@robo/runtime';
import { type CommandOutcome, rejectionOf, appendEvents, nothingToDo, WriteStep } from '@robo/write-path';
import { ExecuteStrategyCommand, StrategyCommandResult } from './strategy-command';

/** One write step on the strategy stream; answers an outcome (a retried registration with the same key: already done). */
@CommandHandler(ExecuteStrategyCommand)
export class StrategyCommandHandler implements ICommandHandler<ExecuteStrategyCommand, CommandOutcome<StrategyCommandResult>> {
  constructor(
    private readonly step: WriteStep,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INSTRUMENTS) private readonly catalog: InstrumentCatalog,
    @Inject(STRATEGY_REGISTRY) private readonly registry: StrategyRegistry,
  ) {}

  async execute({ command: given, ctx, idSeed }: ExecuteStrategyCommand): Promise<CommandOutcome<StrategyCommandResult>> {
    // Time comes from the clock here, never from the domain.
    const command = { ...given, data: { ...given.data, now: this.clock.now() } } as typeof given;
    const { strategyId } = command.data;
    const stream = strategyStream(strategyId);
    try {
      if (command.type === 'RegisterStrategy') await this.checkRegistration(command.data);
      if (command.type === 'ChangeParameters') {
        const current = await this.step.load(stream, evolveStrategy, initialStrategyState);
        if (current.state.status !== 'NONE') validateStrategyParameters(this.registry, current.state.kind, command.data.parameters);
      }
    } catch (error) {
      const refused = rejectionOf(error);
      if (refused === null) throw error;
      return refused;
    }
    const outcome = await this.step.run<StrategyState, StrategyEvent, 'decided' | 'registered'>({
      stream,
      evolve: evolveStrategy,
      initial: initialStrategyState,
      ctx,
      decide: ({ state }) =>
        command.type === 'RegisterStrategy' && state.status !== 'NONE' && idSeed !== null
          ? nothingToDo('registered')
          : appendEvents(decideStrategy(command, state), command.data.now, idSeed, 'decided'),
    });
    if (outcome.outcome === 'rejected') return outcome;
    let globalPosition = outcome.globalPosition;
    if (outcome.value === 'registered') {
      // A retried registration answers with the position of the registration itself.
      const [first] = await this.store.readStream(stream, { maxCount: 1 });
      globalPosition = first?.globalPosition ?? 0n;
    }
    return {
      outcome: outcome.outcome,
      result: { strategyId, status: outcome.state.status, streamRevision: Number(outcome.revision ?? -1n), globalPosition: Number(globalPosition) },
    };
  }

  private async checkRegistration(data: Extract<ExecuteStrategyCommand['command'], { type: 'RegisterStrategy' }>['data']): Promise<void> {
    const account = await this.step.load(accountStream(data.accountId), evolveAccount, initialAccountState);
    if (account.state.status === 'NONE') throw new NotFound('ACCOUNT_NOT_FOUND', `account ${data.accountId} does not exist`);
    const unknown = (Array.isArray(data.instruments) ? data.instruments : []).filter((s) => this.catalog.get(s) === null && !this.catalog.indices().some((i) => i.symbol === s));
    if (unknown.length > 0) throw new InvalidCommand('UNKNOWN_INSTRUMENT', `unknown instruments: ${unknown.join(', ')}`, { instruments: unknown });
    if (data.parameters !== null && typeof data.parameters === 'object' && !Array.isArray(data.parameters)) validateStrategyParameters(this.registry, data.kind, data.parameters);
  }
}
