/**
 * Recorded time as history knows it: the time the event was first recorded. `robo events import` keeps the source
 * store's recorded time as `originalRecordedAt` in the metadata (the target records its own, the day of the
 * import); every recorded-time view and query (as-of by recorded time, the audit trail's recorded column, time
 * travel) reads this, so a migration does not move the whole history to the import day.
 */
export function recordedTime(event: { recordedAt: string; metadata: object }): string {
  const original = (event.metadata as unknown as { originalRecordedAt?: unknown }).originalRecordedAt;
  if (typeof original === 'string' && !Number.isNaN(Date.parse(original))) return new Date(original).toISOString();
  return event.recordedAt;
}
