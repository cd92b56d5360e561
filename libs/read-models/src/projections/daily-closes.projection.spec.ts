import type { PositionEvent } from '@robo/domain';
import { projectAll, TestLog } from '../testing/test-log';
import { dailyClosesProjection, type DailyCloseDoc } from './daily-closes.projection';

function fill(log: TestLog, instrument: string, pricePaise: number, occurredAt: string, fillId: string) {
  const event: PositionEvent = {
    type: 'PositionIncreased',
    data: { accountId: 'a1', instrument, orderId: `o-${fillId}`, fillId, side: 'BUY', fillQuantity: 1, quantity: 2, pricePaise, feesPaise: 0, occurredAt, cycle: 1, costBasisPaise: 2 * pricePaise, openFeesPaise: 0 },
  };
  return log.append(`position-a1-${instrument}`, event);
}

const closes = (log: TestLog) =>
  [...(projectAll(dailyClosesProjection, log.events).get('daily_closes') ?? new Map()).entries()].map(([id, doc]) => [id, (doc as DailyCloseDoc).pricePaise]);

describe('dailyClosesProjection', () => {
  it('keeps the last fill of each IST day per instrument', () => {
    const log = new TestLog();
    fill(log, 'INFY', 150_000, '2026-11-16T09:20:00+05:30', 'f1');
    fill(log, 'INFY', 151_000, '2026-11-16T15:29:00+05:30', 'f2');
    fill(log, 'INFY', 149_000, '2026-11-17T09:16:00+05:30', 'f3');
    fill(log, 'TCS', 400_000, '2026-11-16T10:00:00+05:30', 'f4');
    expect(closes(log)).toEqual([
      ['INFY|2026-11-16', 151_000],
      ['INFY|2026-11-17', 149_000],
      ['TCS|2026-11-16', 400_000],
    ]);
    expect(projectAll(dailyClosesProjection, log.events).get('daily_closes')?.get('INFY|2026-11-16')).toEqual({
      instrument: 'INFY',
      date: '2026-11-16',
      pricePaise: 151_000,
      occurredAt: '2026-11-16T15:29:00+05:30',
      pricePosition: 2,
      lastEventPosition: 2,
    });
  });

  it('dates a fill by the IST calendar, not by UTC', () => {
    const log = new TestLog();
    // 19:00 UTC on the 16th is 00:30 IST on the 17th
    fill(log, 'INFY', 150_000, '2026-11-16T19:00:00Z', 'f1');
    expect(closes(log)).toEqual([['INFY|2026-11-17', 150_000]]);
  });

  it('does not let a fill reported late with an earlier time replace the close, and breaks ties by position', () => {
    const log = new TestLog();
    fill(log, 'INFY', 151_000, '2026-11-16T15:00:00+05:30', 'f1');
    fill(log, 'INFY', 149_000, '2026-11-16T11:00:00+05:30', 'f2'); // earlier business time, recorded later
    expect(closes(log)).toEqual([['INFY|2026-11-16', 151_000]]);
    // 09:30 UTC is 15:00 IST: the same instant, written another way; the later event wins the tie
    fill(log, 'INFY', 152_000, '2026-11-16T09:30:00Z', 'f3');
    const doc = projectAll(dailyClosesProjection, log.events).get('daily_closes')?.get('INFY|2026-11-16') as DailyCloseDoc;
    expect([doc.pricePaise, doc.pricePosition, doc.lastEventPosition]).toEqual([152_000, 3, 3]);
  });

  it('changes nothing when an event is applied again, and skips a fill without a readable time', () => {
    const log = new TestLog();
    const first = fill(log, 'INFY', 150_000, '2026-11-16T10:00:00+05:30', 'f1');
    const doc = projectAll(dailyClosesProjection, log.events).get('daily_closes')!.get('INFY|2026-11-16')!;
    expect(dailyClosesProjection.apply({ collection: 'daily_closes', id: 'INFY|2026-11-16' }, doc, first)).toBe(doc);
    const broken = fill(log, 'INFY', 1, 'yesterday', 'f2');
    expect(dailyClosesProjection.keys(broken)).toEqual([]);
  });
});
