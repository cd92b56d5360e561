import { projectAll, TestLog } from '../testing/test-log';
import { pricesProjection, type LastPriceDoc } from './prices.projection';

function opened(log: TestLog, instrument: string, pricePaise: number, occurredAt: string, fillId: string) {
  return log.append(`position-a1-${instrument}`, {
    type: 'PositionOpened',
    data: {
      accountId: 'a1',
      instrument,
      orderId: `o-${fillId}`,
      fillId,
      side: 'BUY',
      fillQuantity: 1,
      quantity: 1,
      pricePaise,
      feesPaise: 0,
      occurredAt,
      cycle: 1,
      costBasisPaise: pricePaise,
      openFeesPaise: 0,
    },
  });
}

const priceOf = (log: TestLog, instrument: string) => projectAll(pricesProjection, log.events).get('last_prices')?.get(instrument) as LastPriceDoc | undefined;

describe('pricesProjection', () => {
  it('keeps the price of the fill with the latest business time', () => {
    const log = new TestLog();
    opened(log, 'INFY', 150000, '2026-01-05T10:00:00+05:30', 'f1');
    opened(log, 'INFY', 151000, '2026-01-05T10:05:00+05:30', 'f2');
    expect(priceOf(log, 'INFY')).toEqual({ instrument: 'INFY', pricePaise: 151000, occurredAt: '2026-01-05T10:05:00+05:30', pricePosition: 2, lastEventPosition: 2 });
  });

  it('does not let a fill reported late with an earlier business time replace a newer price', () => {
    const log = new TestLog();
    opened(log, 'INFY', 151000, '2026-01-05T10:05:00+05:30', 'f1');
    opened(log, 'INFY', 149000, '2026-01-05T10:01:00+05:30', 'f2');
    expect(priceOf(log, 'INFY')).toEqual({ instrument: 'INFY', pricePaise: 151000, occurredAt: '2026-01-05T10:05:00+05:30', pricePosition: 1, lastEventPosition: 2 });
  });

  it('compares business times as instants across offsets and breaks ties by global position', () => {
    const log = new TestLog();
    opened(log, 'TCS', 400000, '2026-01-05T10:05:00+05:30', 'f1');
    // 04:35Z is 10:05 IST: the same instant as text that sorts lower; the later event wins the tie.
    opened(log, 'TCS', 401000, '2026-01-05T04:35:00Z', 'f2');
    // 04:34Z is 10:04 IST: a minute earlier, so it does not replace the price
    opened(log, 'TCS', 390000, '2026-01-05T04:34:00Z', 'f3');
    expect(priceOf(log, 'TCS')).toMatchObject({ pricePaise: 401000, occurredAt: '2026-01-05T04:35:00Z', pricePosition: 2, lastEventPosition: 3 });
  });

  it('keeps one document per instrument', () => {
    const log = new TestLog();
    opened(log, 'INFY', 150000, '2026-01-05T10:00:00+05:30', 'f1');
    opened(log, 'NIFTY 2026-12-31 24000 CE', 12000, '2026-01-05T10:00:00+05:30', 'f2');
    const docs = projectAll(pricesProjection, log.events).get('last_prices')!;
    expect([...docs.keys()].sort()).toEqual(['INFY', 'NIFTY 2026-12-31 24000 CE']);
    expect((docs.get('NIFTY 2026-12-31 24000 CE') as LastPriceDoc).pricePaise).toBe(12000);
  });

  it('returns the same document when an event is applied again', () => {
    const log = new TestLog();
    const first = opened(log, 'INFY', 150000, '2026-01-05T10:00:00+05:30', 'f1');
    const doc = priceOf(log, 'INFY')!;
    expect(pricesProjection.apply({ collection: 'last_prices', id: 'INFY' }, doc, first)).toBe(doc);
  });
});
