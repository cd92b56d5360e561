/** Who asked, and in which causal chain: copied into every event's metadata. */
export interface CommandContext {
  correlationId: string;
  /** The command's own id (HTTP request) or the event a reactor is reacting to. */
  causationId: string | null;
  actor: string;
  /** From the Idempotency-Key header: makes event ids deterministic so a retry appends nothing. */
  idempotencyKey?: string;
}

export const SCHEMA_VERSION = 1;
