import {
  evolveAccount,
  evolveOrder,
  evolvePosition,
  initialAccountState,
  initialOrderState,
  initialPositionState,
} from '@robo/domain';

/** How to fold a stream into its aggregate's state: the same evolve functions the command side uses. */
export interface AggregateKind {
  kind: 'account' | 'order' | 'position';
  initial: unknown;
  evolve: (state: unknown, event: { type: string; data: unknown }) => unknown;
}

type Evolve = AggregateKind['evolve'];

const KINDS: { prefix: string; kind: AggregateKind }[] = [
  { prefix: 'account-', kind: { kind: 'account', initial: initialAccountState, evolve: evolveAccount as unknown as Evolve } },
  { prefix: 'order-', kind: { kind: 'order', initial: initialOrderState, evolve: evolveOrder as unknown as Evolve } },
  { prefix: 'position-', kind: { kind: 'position', initial: initialPositionState, evolve: evolvePosition as unknown as Evolve } },
];

export function aggregateFor(streamName: string): AggregateKind | null {
  return KINDS.find((k) => streamName.startsWith(k.prefix))?.kind ?? null;
}
