/**
 * What deserves a notification in the live feed's `update` messages (one read-model document's changed top-level
 * fields): an order that got a fill or was rejected, an account whose trading was halted. Pure, so that the rules
 * are in one place; the shell shows the result.
 */
export interface LiveUpdateMessage {
  room: string;
  collection: string;
  id: string;
  seq: number;
  position: number;
  changes: Record<string, unknown> | null;
}

export type NoticeKind = 'fill' | 'rejection' | 'halt';

/** Which document to read for the notice's text (the update carries only the fields that changed). */
export interface NoticeTrigger {
  kind: NoticeKind;
  collection: 'orders' | 'accounts';
  id: string;
  /** Distinguishes two fills of one order; the same message seen twice (a resync) notifies once. */
  key: string;
}

export function noticeTrigger(message: unknown): NoticeTrigger | null {
  if (typeof message !== 'object' || message === null) return null;
  const update = message as Partial<LiveUpdateMessage>;
  const changes = update.changes;
  if (typeof update.id !== 'string' || typeof changes !== 'object' || changes === null) return null;
  if (update.collection === 'orders') {
    if (changes.status === 'REJECTED') return { kind: 'rejection', collection: 'orders', id: update.id, key: `rejection:${update.id}` };
    const filled = changes.filledQuantity;
    if (typeof filled === 'number' && filled > 0) return { kind: 'fill', collection: 'orders', id: update.id, key: `fill:${update.id}:${filled}` };
    return null;
  }
  if (update.collection === 'accounts' && changes.halted === true) return { kind: 'halt', collection: 'accounts', id: update.id, key: `halt:${update.id}:${String(update.position)}` };
  return null;
}
