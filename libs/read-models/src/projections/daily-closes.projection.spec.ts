import { fillAt, marketPrices } from '../testing/market-events';
import { projectAll, TestLog } from '../testing/test-log';
import { dailyClosesProjection, type DailyCloseDoc } from './daily-closes.projection';

const closes = (log: TestLog) =>
  [...(projectAll(dailyClosesProjection, log.events).get('daily_closes') ?? new Map()).entries()].map(([id, doc]) => [id, (doc as DailyCloseDoc).pricePaise]);

describe('dailyClosesProjection: the last market price of each IST day', () => {
  it('keeps the last recorded price of each IST day per instrument', () => {
    const log = new TestLog();
    marketPrices(log, '2026-11-16T09:20:00+05:30', { INFY: 150_000, TCS: 400_000 });
    marketPrices(log, '2026-11-16T15:29:00+05:30', { INFY: 151_000 });
    marketPrices(log, '2026-11-17T09:16:00+05:30', { INFY: 149_000 });
    expect(closes(log)).toEqual([
      ['INFY|2026-11-16', 151_000],
      ['TCS|2026-11-16', 400_000],
      ['INFY|2026-11-17', 149_000],
    ]);
    expect(projectAll(dailyClosesProjection, log.events).get('daily_closes')?.get('INFY|2026-11-16')).toEqual({
      instrument: 'INFY',
      date: '2026-11-16',
      pricePaise: 151_000,
      at: '2026-11-16T15:29:00+05:30',
      pricePosition: 2,
      lastEventPosition: 2,
    });
  });

  it('is not set by a fill: a 5-share ticket at an odd price is not the close', () => {
    const log = new TestLog();
    marketPrices(log, '2026-11-16T15:29:00+05:30', { INFY: 150_000 });
    fillAt(log, 'a1', 'INFY', 190_000, '2026-11-16T15:29:30+05:30', 'f1');
    expect(closes(log)).toEqual([['INFY|2026-11-16', 150_000]]);
  });

  it('dates a price by the IST calendar, not by UTC', () => {
    const log = new TestLog();
    // 19:00 UTC on the 16th is 00:30 IST on the 17th
    marketPrices(log, '2026-11-16T19:00:00Z', { INFY: 150_000 });
    expect(closes(log)).toEqual([['INFY|2026-11-17', 150_000]]);
  });

  it('does not let a batch recorded late with an earlier time replace the close, changes nothing applied twice, skips an unreadable time', () => {
    const log = new TestLog();
    const first = marketPrices(log, '2026-11-16T15:00:00+05:30', { INFY: 151_000 });
    marketPrices(log, '2026-11-16T11:00:00+05:30', { INFY: 149_000 });
    expect(closes(log)).toEqual([['INFY|2026-11-16', 151_000]]);
    const doc = projectAll(dailyClosesProjection, log.events).get('daily_closes')!.get('INFY|2026-11-16')!;
    expect(dailyClosesProjection.apply({ collection: 'daily_closes', id: 'INFY|2026-11-16' }, doc, first)).toBe(doc);
    expect(dailyClosesProjection.keys(marketPrices(log, 'yesterday', { INFY: 1 }))).toEqual([]);
  });
});
