import type { EventEnvelope } from './envelope';
import type { AllFilter, EventStore } from './event-store.port';

/** Where a follower of the log has read to: the position its next read starts after. */
export interface LogCursor {
  position: bigint;
}

/**
 * Applies the events after `cursor.position` that pass `filter`, in global order up to the log's head, a page at a
 * time, moving the cursor past each event once it is applied (an event that throws is read again next time). At the
 * end the cursor moves on to the head as it was before the read: every position up to it was looked at, matching
 * or not, so the next call does not scan the same stretch of unmatched events again (a follower of order events in
 * a log of market prices did, at every step).
 */
export async function catchUpFiltered(
  store: Pick<EventStore, 'readAll' | 'headPosition'>,
  cursor: LogCursor,
  filter: AllFilter,
  pageSize: number,
  apply: (event: EventEnvelope) => void,
): Promise<void> {
  const head = await store.headPosition();
  for (;;) {
    const page = await store.readAll({ after: cursor.position, maxCount: pageSize, filter });
    for (const event of page) {
      apply(event);
      cursor.position = event.globalPosition;
    }
    if (page.length < pageSize) {
      if (head > cursor.position) cursor.position = head;
      return;
    }
  }
}
