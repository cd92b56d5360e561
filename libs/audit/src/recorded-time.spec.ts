import { projectAll, TestLog } from '@robo/read-models/testing/test-log';
import { auditProjection, type AuditDoc } from '@robo/read-models';
import { recordedTime } from '@robo/event-store';
import { replayEvents } from './replay-stream';
import { asOfFilter } from './time-filter';

/*
 * After `robo events import` the target records every event on the day of the import; the source's recorded time
 * travels in metadata.originalRecordedAt. Every recorded-time view reads that one.
 */
const IMPORT_DAY = '2026-12-07T09:00:00.000Z';
const ORIGINAL = '2026-11-20T04:30:00.000Z';

function importedLog(): TestLog {
  const log = new TestLog();
  log.append('account-a1', { type: 'FundsDeposited', data: { accountId: 'a1', amountPaise: 100 } }, { recordedAt: IMPORT_DAY, originalRecordedAt: ORIGINAL } as never);
  log.append('account-a1', { type: 'FundsDeposited', data: { accountId: 'a1', amountPaise: 200 } }, { recordedAt: IMPORT_DAY });
  return log;
}

describe('recorded time of imported events', () => {
  it('is the original recorded time where the event carries one, else the store\'s', () => {
    const [imported, native] = importedLog().events;
    expect(imported.recordedAt).toBe(IMPORT_DAY);
    expect(recordedTime(imported)).toBe(ORIGINAL);
    expect(recordedTime(native)).toBe(IMPORT_DAY);
    expect(recordedTime({ recordedAt: IMPORT_DAY, metadata: { ...native.metadata, originalRecordedAt: 'not a time' } as never })).toBe(IMPORT_DAY);
  });

  it('places the event in an as-of by recorded time before the import day', () => {
    const events = importedLog().events;
    expect(asOfFilter(events, '2026-11-21T00:00:00.000Z', 'recorded').map((e) => e.globalPosition)).toEqual([events[0].globalPosition]);
  });

  it("fills the audit trail's recorded column and the time-travel steps with it", () => {
    const log = importedLog();
    const docs = [...projectAll(auditProjection, log.events).get('audit')!.values()] as AuditDoc[];
    expect(docs.map((d) => d.recordedAt).sort()).toEqual([ORIGINAL, IMPORT_DAY]);
    const replay = replayEvents('account-a1', log.events);
    expect(replay.steps.map((s) => s.recordedAt)).toEqual([ORIGINAL, IMPORT_DAY]);
  });
});
