import type { StrategyCommand } from '@robo/domain';
import type { CommandContext } from '@robo/write-path';

/** Bus message carrying one domain command for the strategy aggregate (`now` is filled in by the handler). */
export class ExecuteStrategyCommand {
  constructor(
    public readonly command: StrategyCommand,
    public readonly ctx: CommandContext,
    /** Seed for deterministic event ids (idempotency); null for random ids. */
    public readonly idSeed: string | null,
  ) {}
}

export interface StrategyCommandResult {
  strategyId: string;
  status: string;
  streamRevision: number;
  globalPosition: number;
}
