import {
  accountsProjection,
  auditProjection,
  canonicalJson,
  ordersProjection,
  positionsProjection,
  strategiesProjection,
  strategyPerformanceProjection,
  type Doc,
  type Projection,
} from '@robo/read-models';
import { ACCOUNT_ROOM_PREFIX, AUDIT_ROOM, STRATEGY_ROOM_PREFIX, type TopicKind } from './live-topics';

/** The collections a room's screens show, and which projection writes each. */
export const LIVE_COLLECTIONS: Readonly<Record<TopicKind, readonly string[]>> = {
  account: ['accounts', 'orders', 'positions'],
  strategy: ['strategies', 'strategy_days', 'orders'],
  audit: ['audit'],
};

/** A push for a kind of room waits until every one of these projections has passed the change. */
export const LIVE_PROJECTIONS: Readonly<Record<TopicKind, readonly Projection[]>> = {
  account: [accountsProjection, ordersProjection, positionsProjection],
  strategy: [strategiesProjection, strategyPerformanceProjection, ordersProjection],
  audit: [auditProjection],
};

/** One differential update: only the top-level fields that changed; null when the document was deleted. */
export interface LiveUpdate {
  room: string;
  collection: string;
  id: string;
  seq: number;
  position: number;
  changes: Record<string, unknown> | null;
}

export interface LiveDocument {
  collection: string;
  id: string;
  doc: Doc;
}

export const docKey = (collection: string, id: string): string => `${collection}/${id}`;

/**
 * The rooms a document belongs to, from its own fields (an order belongs to its account and to its strategy).
 * Deciding from the document rather than the event keeps this in line with what the room's snapshot reads.
 */
export function roomsOfDoc(collection: string, doc: Doc): string[] {
  if (collection === 'audit') return [AUDIT_ROOM];
  const rooms: string[] = [];
  const accountId = doc.accountId;
  const strategyId = doc.strategyId;
  if (LIVE_COLLECTIONS.account.includes(collection) && typeof accountId === 'string') rooms.push(`${ACCOUNT_ROOM_PREFIX}${accountId}`);
  if (LIVE_COLLECTIONS.strategy.includes(collection) && typeof strategyId === 'string' && strategyId !== '') rooms.push(`${STRATEGY_ROOM_PREFIX}${strategyId}`);
  return rooms;
}

/**
 * Top-level fields of `next` whose value differs from `previous` (compared as canonical JSON), plus fields it no
 * longer has (as null). A document never seen before is all changes. Null when nothing changed.
 */
export function changedFields(previous: Doc | undefined, next: Doc): Record<string, unknown> | null {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(next)) {
    if (previous === undefined || !(field in previous) || canonicalJson(previous[field]) !== canonicalJson(value)) changes[field] = value;
  }
  if (previous !== undefined) for (const field of Object.keys(previous)) if (!(field in next)) changes[field] = null;
  return Object.keys(changes).length > 0 ? changes : null;
}
