/** What a socket may subscribe to: one account's changes, one strategy's, or the audit trail. */
export type Topic =
  | { kind: 'account'; accountId: string; room: string }
  | { kind: 'strategy'; strategyId: string; room: string }
  | { kind: 'audit'; room: string };
export type TopicKind = Topic['kind'];

const ACCOUNT_TOPIC = /^account:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Strategy ids are the orders' strategyId tokens (registered strategies use UUIDs). */
const STRATEGY_TOPIC = /^strategy:([A-Za-z0-9._:-]{1,64})$/;
export const AUDIT_ROOM = 'audit';
export const ACCOUNT_ROOM_PREFIX = 'account:';
export const STRATEGY_ROOM_PREFIX = 'strategy:';
export const TOPIC_HELP = 'topic must be "account:<uuid>", "strategy:<id>" or "audit"';

export function parseTopic(body: unknown): Topic | null {
  const topic = typeof body === 'string' ? body : typeof body === 'object' && body !== null ? (body as { topic?: unknown }).topic : undefined;
  if (typeof topic !== 'string' || topic.length > 100) return null;
  if (topic === AUDIT_ROOM) return { kind: 'audit', room: AUDIT_ROOM };
  const account = ACCOUNT_TOPIC.exec(topic);
  if (account) return { kind: 'account', accountId: account[1].toLowerCase(), room: `${ACCOUNT_ROOM_PREFIX}${account[1].toLowerCase()}` };
  const strategy = STRATEGY_TOPIC.exec(topic);
  return strategy ? { kind: 'strategy', strategyId: strategy[1], room: `${STRATEGY_ROOM_PREFIX}${strategy[1]}` } : null;
}

export function kindOfRoom(room: string): TopicKind | null {
  if (room === AUDIT_ROOM) return 'audit';
  if (room.startsWith(ACCOUNT_ROOM_PREFIX)) return 'account';
  if (room.startsWith(STRATEGY_ROOM_PREFIX)) return 'strategy';
  return null;
}

export type Ack = { ok: true; topic: string; seq?: number; position?: number } | { ok: false; code: string; message: string };
