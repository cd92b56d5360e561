import { type EventEnvelope, recordedTime } from '@robo/event-store';

export interface CausalNode {
  eventId: string;
  globalPosition: number;
  stream: string;
  type: string;
  actor: string;
  occurredAt: string;
  recordedAt: string;
  /** Events this one caused (reactions: a fill's position and cash changes, say). */
  children: CausalNode[];
}

export interface CommandNode {
  /** The command's id (the causation id of the events it appended directly). */
  commandId: string | null;
  actor: string;
  events: CausalNode[];
}

export interface CorrelationTree {
  correlationId: string;
  commands: CommandNode[];
  eventCount: number;
}

/**
 * The causal tree of one correlation id: commands (events whose cause is not itself an event of the set) and,
 * below each event, the events that name it as their cause.
 */
export function correlationTree(correlationId: string, events: readonly EventEnvelope[]): CorrelationTree {
  const ordered = [...events].sort((a, b) => (a.globalPosition < b.globalPosition ? -1 : 1));
  const nodes = new Map<string, CausalNode>();
  for (const event of ordered) {
    nodes.set(event.metadata.eventId, {
      eventId: event.metadata.eventId,
      globalPosition: Number(event.globalPosition),
      stream: event.streamName,
      type: event.type,
      actor: event.metadata.actor,
      occurredAt: event.metadata.occurredAt,
      recordedAt: recordedTime(event),
      children: [],
    });
  }
  const commands = new Map<string, CommandNode>();
  for (const event of ordered) {
    const node = nodes.get(event.metadata.eventId)!;
    const cause = event.metadata.causationId;
    const parent = cause !== null ? nodes.get(cause) : undefined;
    if (parent) {
      parent.children.push(node);
      continue;
    }
    const key = cause ?? `(none)`;
    const command = commands.get(key) ?? { commandId: cause, actor: event.metadata.actor, events: [] };
    command.events.push(node);
    commands.set(key, command);
  }
  return { correlationId, commands: [...commands.values()], eventCount: ordered.length };
}
