import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { accountStream, decideStrategy, evolveAccount, evolveStrategy, initialAccountState, initialStrategyState, InvalidCommand, NotFound, strategyStream, type InstrumentCatalog } from '@robo/domain';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { validateStrategyParameters } from '@robo/paper';
import { CLOCK, Clock, INSTRUMENTS } from '@robo/runtime';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { ExecuteStrategyCommand, StrategyCommandResult } from './strategy-command';

/** Load the strategy, decide, append with the expected revision; retried on a concurrent write. */
@CommandHandler(ExecuteStrategyCommand)
export class StrategyCommandHandler implements ICommandHandler<ExecuteStrategyCommand, StrategyCommandResult> {
  constructor(
    private readonly repository: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INSTRUMENTS) private readonly catalog: InstrumentCatalog,
  ) {}

  async execute({ command: given, ctx, idSeed }: ExecuteStrategyCommand): Promise<StrategyCommandResult> {
    // Time comes from the clock here, never from the domain.
    const command = { ...given, data: { ...given.data, now: this.clock.now() } } as typeof given;
    const { strategyId } = command.data;
    if (command.type === 'RegisterStrategy') await this.checkRegistration(command.data);
    if (command.type === 'ChangeParameters') {
      const current = await this.repository.load(strategyStream(strategyId), evolveStrategy, initialStrategyState);
      if (current.state.status !== 'NONE') validateStrategyParameters(current.state.kind, command.data.parameters);
    }
    const stream = strategyStream(strategyId);
    return withConflictRetry(async () => {
      const { state, revision } = await this.repository.load(stream, evolveStrategy, initialStrategyState);
      if (command.type === 'RegisterStrategy' && state.status !== 'NONE' && idSeed !== null) {
        const [first] = await this.store.readStream(stream, { maxCount: 1 });
        return { strategyId, status: state.status, streamRevision: Number(revision ?? -1n), globalPosition: Number(first?.globalPosition ?? 0n) };
      }
      const events = decideStrategy(command, state);
      const next = events.reduce(evolveStrategy, state);
      if (events.length === 0) {
        const [head] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        return { strategyId, status: next.status, streamRevision: Number(revision ?? -1n), globalPosition: Number(head?.globalPosition ?? 0n) };
      }
      const result = await this.repository.append(stream, events, revision, ctx, { occurredAt: command.data.now, idSeed });
      return { strategyId, status: next.status, streamRevision: Number(result.nextExpectedRevision), globalPosition: Number(result.lastGlobalPosition) };
    });
  }

  private async checkRegistration(data: Extract<ExecuteStrategyCommand['command'], { type: 'RegisterStrategy' }>['data']): Promise<void> {
    const account = await this.repository.load(accountStream(data.accountId), evolveAccount, initialAccountState);
    if (account.state.status === 'NONE') throw new NotFound('ACCOUNT_NOT_FOUND', `account ${data.accountId} does not exist`);
    const unknown = (Array.isArray(data.instruments) ? data.instruments : []).filter((s) => this.catalog.get(s) === null && !this.catalog.indices().some((i) => i.symbol === s));
    if (unknown.length > 0) throw new InvalidCommand('UNKNOWN_INSTRUMENT', `unknown instruments: ${unknown.join(', ')}`, { instruments: unknown });
    if (data.parameters !== null && typeof data.parameters === 'object' && !Array.isArray(data.parameters)) validateStrategyParameters(data.kind, data.parameters);
  }
}
