import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { accountStream, decideAccount, evolveAccount, initialAccountState } from '@robo/domain';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { CLOCK, Clock } from '@robo/runtime';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { assertSameRetry, CommandResult, replayFirstEvent, toCommandResult } from '../write/append-decision';
import { ExecuteAccountCommand } from './account-command';
import { KeyedMutex } from '../write/keyed-mutex';

/** Load the account, decide, append with the expected revision; retried on a concurrent write. */
@CommandHandler(ExecuteAccountCommand)
export class AccountCommandHandler implements ICommandHandler<ExecuteAccountCommand, CommandResult> {
  constructor(
    private readonly repository: AggregateRepository,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly locks: KeyedMutex,
  ) {}

  execute({ command: given, ctx, idSeed }: ExecuteAccountCommand): Promise<CommandResult> {
    // Time comes from the clock here, never from the domain.
    const command = given.type === 'OpenAccount' ? { ...given, data: { ...given.data, now: this.clock.now() } } : given;
    const stream = accountStream(command.data.accountId);
    return this.locks.run(stream, () => withConflictRetry(async () => {
      const { state, revision } = await this.repository.load(stream, evolveAccount, initialAccountState);
      if (command.type === 'OpenAccount' && state.status !== 'NONE' && idSeed !== null) {
        // A retried open with the same Idempotency-Key: answer with the first result.
        return replayFirstEvent(this.store, stream, idSeed, command.data);
      }
      const events = decideAccount(command, state);
      if (events.length === 0) {
        const head = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        return { streamRevision: Number(revision ?? -1n), globalPosition: Number(head[0]?.globalPosition ?? 0n) };
      }
      const result = await this.repository.append(stream, events, revision, ctx, { occurredAt: this.clock.now(), idSeed });
      await assertSameRetry(this.store, stream, result, events);
      return toCommandResult(result);
    }));
  }
}
