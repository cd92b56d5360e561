/** Metadata carried by every event (ARCHITECTURE.md, "Event envelope"). */
export interface EventMetadata {
  /** UUID; the store never stores the same id twice, which makes retries safe. */
  eventId: string;
  correlationId: string;
  /** The event or command that caused this one; null for a command from outside. */
  causationId: string | null;
  /** Who or what issued the command (user or key id, `system:<component>`), never a secret. */
  actor: string;
  /** Business time: when it happened in the market (ISO-8601). */
  occurredAt: string;
  schemaVersion: number;
}

/** An event as handed to append(). */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** An event as stored and read back. */
export interface EventEnvelope<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamName: string;
  /** 0-based position of the event in its stream. */
  streamRevision: bigint;
  /** 1-based position in the whole log, strictly increasing in commit order. */
  globalPosition: bigint;
  /** Recorded time: when the store committed it (ISO-8601, UTC). */
  recordedAt: string;
}


/** Recorded time as history knows it (the original one after an import): see libs/domain/src/common/recorded-time.ts. */
export { recordedTime } from '@robo/domain';
