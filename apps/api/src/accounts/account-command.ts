import type { AccountCommand } from '@robo/domain';
import type { CommandContext } from '@robo/write-path';

/** Bus message carrying one domain command for the account aggregate. */
export class ExecuteAccountCommand {
  constructor(
    public readonly command: AccountCommand,
    public readonly ctx: CommandContext,
    /** Seed for deterministic event ids (idempotency); null for random ids. */
    public readonly idSeed: string | null,
  ) {}
}
