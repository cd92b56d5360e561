import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountEvent, AccountState, accountStream, decideAccount, evolveAccount, initialAccountState } from '@robo/domain';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { CLOCK, Clock } from '@robo/runtime';
import { CommandResult, replayFirstEvent, CommandOutcome, appendEvents, nothingToDo, WriteStep } from '@robo/write-path';
import { ExecuteAccountCommand } from './account-command';

/** One write step on the account stream; answers an outcome (a retried open with the same key: already done). */
@CommandHandler(ExecuteAccountCommand)
export class AccountCommandHandler implements ICommandHandler<ExecuteAccountCommand, CommandOutcome<CommandResult>> {
  constructor(
    private readonly step: WriteStep,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ command: given, ctx, idSeed }: ExecuteAccountCommand): Promise<CommandOutcome<CommandResult>> {
    // Time comes from the clock here, never from the domain.
    const command = given.type === 'OpenAccount' ? { ...given, data: { ...given.data, now: this.clock.now() } } : given;
    const stream = accountStream(command.data.accountId);
    const outcome = await this.step.run<AccountState, AccountEvent, 'decided' | 'reopened'>({
      stream,
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx,
      lock: true,
      // A key reused for another request of the same kind is refused, not answered with the first result.
      verifyRetry: true,
      decide: (loaded) =>
        // A retried open with the same Idempotency-Key: answered with the first result below.
        command.type === 'OpenAccount' && loaded.state.status !== 'NONE' && idSeed !== null
          ? nothingToDo('reopened')
          : appendEvents(decideAccount(command, loaded.state), this.clock.now(), idSeed, 'decided'),
    });
    if (outcome.outcome === 'rejected') return outcome;
    if (outcome.value === 'reopened' && command.type === 'OpenAccount') {
      const first = await replayFirstEvent(this.store, stream, idSeed!, command.data);
      return 'outcome' in first ? first : { outcome: 'already-done', result: first };
    }
    return { outcome: outcome.outcome, result: { streamRevision: Number(outcome.revision ?? -1n), globalPosition: Number(outcome.globalPosition) } };
  }
}
