import type { ReadAllOptions } from './event-store.port';
import { catchUpFiltered, type LogCursor } from './catch-up-filtered';
import { newEvent, someEvents } from './testing/test-events';
import { TempStores } from './sqlite/testing/temp-stores';

describe('catchUpFiltered: a follower of some events of the log', () => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('applies the matching events once, and next time reads on from the head it saw, not from its last match', async () => {
    const store = temp.open();
    await store.append('order-1', [newEvent('OrderPlaced', { n: 1 })], { expectedRevision: 'no_stream' });
    await store.append('market-prices', someEvents(300, 'MarketPricesRecorded'), { expectedRevision: 'no_stream' });
    const reads: ReadAllOptions[] = [];
    const spied = { headPosition: () => store.headPosition(), readAll: (o: ReadAllOptions) => (reads.push(o), store.readAll(o)) };
    const cursor: LogCursor = { position: 0n };
    const seen: string[] = [];
    const follow = () => catchUpFiltered(spied, cursor, { streamPrefixes: ['order-'] }, 2, (e) => seen.push(`${e.streamName}@${e.globalPosition}`));

    await follow();
    expect([seen, cursor.position]).toEqual([['order-1@1'], 301n]);
    await store.append('market-prices', someEvents(1, 'MarketPricesRecorded'), { expectedRevision: 299n });
    await store.append('order-2', [newEvent('OrderPlaced', { n: 2 }), newEvent('OrderAccepted', { n: 2 }), newEvent('OrderFilled', { n: 2 })], { expectedRevision: 'no_stream' });
    reads.length = 0;
    await follow();
    // Pages of 2: the second read starts after the first page's last event; nothing before 301 is read again.
    expect(reads.map((r) => r.after)).toEqual([301n, 304n]);
    expect([seen, cursor.position]).toEqual([['order-1@1', 'order-2@303', 'order-2@304', 'order-2@305'], 305n]);
  });

  it('leaves the cursor on the last event applied when one throws, so that the failed event is read again', async () => {
    const store = temp.open();
    await store.append('order-1', someEvents(3), { expectedRevision: 'no_stream' });
    const cursor: LogCursor = { position: 0n };
    await expect(catchUpFiltered(store, cursor, { streamPrefixes: ['order-'] }, 10, (e) => {
      if (e.globalPosition === 2n) throw new Error('cannot apply');
    })).rejects.toThrow('cannot apply');
    expect(cursor.position).toBe(1n);
  });
});
