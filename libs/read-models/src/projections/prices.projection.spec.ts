import { fillAt, marketPrices } from '../testing/market-events';
import { projectAll, TestLog } from '../testing/test-log';
import { pricesProjection, type LastPriceDoc } from './prices.projection';

const priceOf = (log: TestLog, instrument: string) => projectAll(pricesProjection, log.events).get('last_prices')?.get(instrument) as LastPriceDoc | undefined;

describe('pricesProjection: the market price of each instrument, from the recorded feed only', () => {
  it("is not set by a fill: another account's trade is not the market", () => {
    const log = new TestLog();
    marketPrices(log, '2026-11-20T10:00:00+05:30', { RELIANCE: 148_000 });
    fillAt(log, 'other', 'RELIANCE', 251_000, '2026-11-20T10:01:00+05:30', 'f1');
    expect(priceOf(log, 'RELIANCE')).toEqual({ instrument: 'RELIANCE', pricePaise: 148_000, at: '2026-11-20T10:00:00+05:30', source: 'simulated:test', pricePosition: 1, lastEventPosition: 1 });
    const onlyFills = new TestLog();
    fillAt(onlyFills, 'other', 'RELIANCE', 251_000, '2026-11-20T10:01:00+05:30', 'f1');
    expect(priceOf(onlyFills, 'RELIANCE')).toBeUndefined();
  });

  it('keeps the latest recorded price by business time, one document per instrument of a batch', () => {
    const log = new TestLog();
    marketPrices(log, '2026-11-20T10:00:00+05:30', { INFY: 150_000, TCS: 400_000 });
    marketPrices(log, '2026-11-20T10:01:00+05:30', { INFY: 151_000, TCS: 401_000 });
    expect(priceOf(log, 'INFY')).toMatchObject({ pricePaise: 151_000, at: '2026-11-20T10:01:00+05:30', pricePosition: 2 });
    expect(priceOf(log, 'TCS')).toMatchObject({ pricePaise: 401_000, pricePosition: 2 });
  });

  it('does not let a batch recorded late with an earlier business time replace a newer price; ties go to the later event', () => {
    const log = new TestLog();
    marketPrices(log, '2026-11-20T10:05:00+05:30', { INFY: 151_000 });
    marketPrices(log, '2026-11-20T10:01:00+05:30', { INFY: 149_000 });
    expect(priceOf(log, 'INFY')).toMatchObject({ pricePaise: 151_000, pricePosition: 1, lastEventPosition: 2 });
    // 04:35Z is 10:05 IST: the same instant written another way
    marketPrices(log, '2026-11-20T04:35:00Z', { INFY: 152_000 });
    expect(priceOf(log, 'INFY')).toMatchObject({ pricePaise: 152_000, pricePosition: 3 });
  });

  it('skips malformed prices of a batch and changes nothing when an event is applied again', () => {
    const log = new TestLog();
    const first = marketPrices(log, '2026-11-20T10:00:00+05:30', { INFY: 150_000, TCS: -5, ITC: 1.5 });
    expect(pricesProjection.keys(first).map((r) => r.id)).toEqual(['INFY']);
    const doc = priceOf(log, 'INFY')!;
    expect(pricesProjection.apply({ collection: 'last_prices', id: 'INFY' }, doc, first)).toBe(doc);
  });
});
