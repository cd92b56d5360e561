import { analystStream, decideAnalyst, evolveAnalyst, initialAnalystState, type AnalystCommand, type AnalystEvent, type AnalystState } from '@robo/domain';
import type { EventStore, NewEvent } from '@robo/event-store';
import { rejectionError, WriteStep } from '@robo/write-path';

export interface Actor {
  actor: string;
  correlationId: string;
  /** The request (or event) that started it; null for none. */
  causationId: string | null;
}

export const ANALYST_SCHEMA_VERSION = 1;

/**
 * The `analyst-<askId>` stream as it is written: each step goes through the pure decider and is appended at once
 * through the write step at the expected revision, each event caused by the one before it, so the trail survives a
 * crash mid-question. The log knows its own stream (it is its only writer); another writer of the same ask id (a
 * second process asked with the same id) makes the step load the stream and decide again against what it holds.
 */
export class InteractionLog {
  private state: AnalystState = initialAnalystState;
  private revision: bigint | null = null;
  private lastEventId: string | null = null;
  private lastPosition = 0n;
  private readonly step: WriteStep;

  constructor(
    store: EventStore,
    readonly askId: string,
    private readonly who: Actor,
    private readonly newId: () => string,
  ) {
    this.step = WriteStep.over(store);
  }

  get streamName(): string {
    return analystStream(this.askId);
  }

  /** Global position of the last event recorded. */
  get position(): bigint {
    return this.lastPosition;
  }

  get current(): AnalystState {
    return this.state;
  }

  async record(command: AnalystCommand): Promise<void> {
    // Decided once against what this log knows, so a refusal is thrown as the decider threw it.
    if (decideAnalyst(command, this.state).length === 0) return;
    const outcome = await this.step.run<AnalystState, AnalystEvent, string | null>({
      stream: this.streamName,
      evolve: evolveAnalyst,
      initial: initialAnalystState,
      known: { state: this.state, revision: this.revision },
      cache: false,
      ctx: { correlationId: this.who.correlationId, causationId: this.who.causationId, actor: this.who.actor },
      decide: ({ state }) => {
        const decided = decideAnalyst(command, state);
        let lastEventId = this.lastEventId;
        const records: NewEvent[] = decided.map((event) => {
          const eventId = this.newId();
          const causationId = lastEventId ?? this.who.causationId;
          lastEventId = eventId;
          return {
            type: event.type,
            data: event.data,
            metadata: { eventId, correlationId: this.who.correlationId, causationId, actor: this.who.actor, occurredAt: command.data.now, schemaVersion: ANALYST_SCHEMA_VERSION },
          };
        });
        return { step: 'append-records', records, value: lastEventId };
      },
    });
    if (outcome.outcome === 'rejected') throw rejectionError(outcome);
    this.state = outcome.state;
    this.revision = outcome.revision;
    if (outcome.outcome === 'accepted') {
      this.lastEventId = outcome.value;
      this.lastPosition = outcome.globalPosition;
    }
  }

  /** The id of the last event, to be the cause of effects in other streams (a proposal). */
  get lastEvent(): string | null {
    return this.lastEventId;
  }
}
