import { analystStream, decideAnalyst, evolveAnalyst, initialAnalystState, type AnalystCommand, type AnalystState } from '@robo/domain';
import type { EventStore, NewEvent } from '@robo/event-store';

export interface Actor {
  actor: string;
  correlationId: string;
  /** The request (or event) that started it; null for none. */
  causationId: string | null;
}

export const ANALYST_SCHEMA_VERSION = 1;

/**
 * The `analyst-<askId>` stream as it is written: each step goes through the pure decider and is appended at once
 * at the expected revision, each event caused by the one before it, so the trail survives a crash mid-question.
 */
export class InteractionLog {
  private state: AnalystState = initialAnalystState;
  private revision: bigint | null = null;
  private lastEventId: string | null = null;
  private lastPosition = 0n;

  constructor(
    private readonly store: EventStore,
    readonly askId: string,
    private readonly who: Actor,
    private readonly newId: () => string,
  ) {}

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
    const decided = decideAnalyst(command, this.state);
    if (decided.length === 0) return;
    const events: NewEvent[] = decided.map((event) => {
      const eventId = this.newId();
      const causationId = this.lastEventId ?? this.who.causationId;
      this.lastEventId = eventId;
      return {
        type: event.type,
        data: event.data,
        metadata: { eventId, correlationId: this.who.correlationId, causationId, actor: this.who.actor, occurredAt: command.data.now, schemaVersion: ANALYST_SCHEMA_VERSION },
      };
    });
    const result = await this.store.append(this.streamName, events, { expectedRevision: this.revision ?? 'no_stream' });
    this.revision = result.nextExpectedRevision;
    this.lastPosition = result.lastGlobalPosition;
    this.state = decided.reduce(evolveAnalyst, this.state);
  }

  /** The id of the last event, to be the cause of effects in other streams (a proposal). */
  get lastEvent(): string | null {
    return this.lastEventId;
  }
}
