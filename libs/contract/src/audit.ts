import { pageOf } from './common';
import { t, type Static } from './schema';

export const AuditEntry = t.named(
  'AuditEntry',
  t.object({
    position: t.integer({ description: 'global position in the log' }),
    streamName: t.string(),
    streamRevision: t.integer(),
    eventId: t.string(),
    type: t.string(),
    correlationId: t.string(),
    causationId: t.nullable(t.string()),
    actor: t.string({ description: 'key:<kid> or system:<name>' }),
    occurredAt: t.instant({ description: 'business time' }),
    occurredAtUtc: t.instant(),
    recordedAt: t.instant(),
    accountId: t.nullable(t.string()),
    orderId: t.nullable(t.string()),
    summary: t.string(),
    lastEventPosition: t.integer(),
  }),
);
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditPage = pageOf('AuditPage', AuditEntry);
export type AuditPage = Static<typeof AuditPage>;

export const EventMetadata = t.named(
  'EventMetadata',
  t.object(
    {
      eventId: t.string(),
      correlationId: t.string(),
      causationId: t.nullable(t.string()),
      actor: t.string(),
      occurredAt: t.instant(),
      schemaVersion: t.integer(),
    },
    [],
  ),
);

export const StoredEvent = t.named(
  'StoredEvent',
  t.object({
    globalPosition: t.integer(),
    streamName: t.string(),
    streamRevision: t.integer(),
    type: t.string(),
    data: t.anyObject({ description: "the event's data, as appended" }),
    metadata: EventMetadata,
    recordedAt: t.instant(),
  }),
);
export type StoredEvent = Static<typeof StoredEvent>;

export const StreamEvents = t.named(
  'StreamEvents',
  t.object({ stream: t.string(), events: t.array(StoredEvent), nextFromRevision: t.nullable(t.integer({ description: 'null: no more events' })) }),
);
export type StreamEvents = Static<typeof StreamEvents>;

export const StateStep = t.named(
  'StateStep',
  t.object({
    globalPosition: t.integer(),
    streamRevision: t.integer(),
    type: t.string(),
    occurredAt: t.instant(),
    recordedAt: t.instant(),
    actor: t.string(),
    correlationId: t.string(),
    causationId: t.nullable(t.string()),
    eventId: t.string(),
    data: t.unknown({ description: "the event's data" }),
    state: t.unknown({ description: 'the state after the event' }),
    changes: t.array(t.object({ path: t.string(), before: t.unknown(), after: t.unknown() }, ['before', 'after'])),
  }),
);

export const StreamState = t.named(
  'StreamState',
  t.object(
    {
      stream: t.string(),
      kind: t.nullable(t.string({ description: 'account, order, position, strategy, ... (what the state was folded as); null for a stream of no known aggregate' })),
      toRevision: t.nullable(t.integer()),
      asOf: t.nullable(t.instant()),
      time: t.nullable(t.enum(['business', 'recorded'])),
      revision: t.nullable(t.integer()),
      eventCount: t.integer(),
      lastGlobalPosition: t.nullable(t.integer()),
      state: t.unknown({ description: "the stream's folded state" }),
      steps: t.array(StateStep),
      nextFromRevision: t.nullable(t.integer()),
    },
    ['steps', 'nextFromRevision'],
  ),
);
export type StreamState = Static<typeof StreamState>;

export interface CausalNode {
  eventId: string;
  globalPosition: number;
  stream: string;
  type: string;
  actor: string;
  occurredAt: string;
  recordedAt: string;
  children: CausalNode[];
}
export const CausalNode = t.named(
  'CausalNode',
  t.object({
    eventId: t.string(),
    globalPosition: t.integer(),
    stream: t.string(),
    type: t.string(),
    actor: t.string(),
    occurredAt: t.instant(),
    recordedAt: t.instant(),
    children: t.array(t.ref<CausalNode>('CausalNode')),
  }),
);
export const CorrelationTree = t.named(
  'CorrelationTree',
  t.object({
    correlationId: t.string(),
    commands: t.array(t.object({ commandId: t.nullable(t.string()), actor: t.string(), events: t.array(CausalNode) })),
    eventCount: t.integer(),
  }),
);
export type CorrelationTree = Static<typeof CorrelationTree>;

export const LineageContribution = t.named(
  'LineageContribution',
  t.object({
    globalPosition: t.integer(),
    stream: t.string(),
    streamRevision: t.integer(),
    type: t.string(),
    eventId: t.string(),
    actor: t.string(),
    correlationId: t.string(),
    occurredAt: t.instant(),
    recordedAt: t.instant(),
    amount: t.integer({ description: 'what the event added to the figure' }),
  }),
);
export const Lineage = t.named(
  'Lineage',
  t.object({
    accountId: t.uuid(),
    figure: t.string(),
    value: t.integer({ description: 'the figure: the sum of the contributions' }),
    contributionCount: t.integer(),
    contributions: t.array(LineageContribution),
    nextFromRevision: t.nullable(t.integer()),
  }),
);
export type Lineage = Static<typeof Lineage>;
