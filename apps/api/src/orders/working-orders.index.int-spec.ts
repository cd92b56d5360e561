import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OrderEvent, orderStream } from '@robo/domain';
import { EventStore, SqliteEventStore } from '@robo/event-store';
import { WorkingOrdersIndex } from './working-orders.index';

const NOW = '2026-11-20T10:00:00+05:30';
let seq = 0;

function placed(orderId: string, accountId: string, side: 'BUY' | 'SELL', quantity: number, instrument = 'ITC'): OrderEvent {
  return {
    type: 'OrderPlaced',
    data: {
      orderId,
      accountId,
      instrument,
      side,
      quantity,
      orderType: 'LIMIT',
      limitPricePaise: 45_000,
      triggerPricePaise: null,
      product: 'CNC',
      validity: 'DAY',
      strategyId: null,
      clientOrderId: null,
      placedAt: NOW,
    },
  } as OrderEvent;
}

describe('WorkingOrdersIndex over the log', () => {
  let dir: string;
  let store: EventStore;

  const append = (orderId: string, events: readonly { type: string; data: unknown }[]) =>
    store.append(
      orderStream(orderId),
      events.map((e) => ({ type: e.type, data: e.data, metadata: { eventId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, correlationId: 'c', causationId: null, actor: 't', occurredAt: NOW, schemaVersion: 1 } })),
      { expectedRevision: 'any' },
    );

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-working-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sums the remaining quantity of working orders per account, instrument and side', async () => {
    const index = new WorkingOrdersIndex(store);
    const accepted = (orderId: string, accountId: string) => ({ type: 'OrderAccepted', data: { orderId, accountId, reservedPaise: 1 } });
    await append('o1', [placed('o1', 'a', 'BUY', 100), accepted('o1', 'a')]);
    await append('o2', [placed('o2', 'a', 'SELL', 30), accepted('o2', 'a')]);
    await append('o3', [placed('o3', 'a', 'BUY', 7, 'INFY'), accepted('o3', 'a')]);
    await append('o4', [placed('o4', 'b', 'BUY', 5), accepted('o4', 'b')]);
    await append('o5', [placed('o5', 'a', 'BUY', 1000), { type: 'OrderRejected', data: { orderId: 'o5', accountId: 'a', reasonCode: 'INSUFFICIENT_FUNDS', reason: 'x' } }]);
    await index.sync();
    expect(index.openQuantities('a', 'ITC')).toEqual({ buy: 100, sell: 30 });
    expect(index.openQuantities('a', 'ITC', 'o2')).toEqual({ buy: 100, sell: 0 });
    expect(index.openQuantities('a', 'ITC', 'o4')).toEqual({ buy: 100, sell: 30 });
    expect(index.openQuantities('a', 'INFY')).toEqual({ buy: 7, sell: 0 });
    expect(index.openQuantities('b', 'ITC')).toEqual({ buy: 5, sell: 0 });
    expect(index.workingOrders('a', 'ITC').map((o) => o.orderId)).toEqual(['o1', 'o2']);
    expect(index.workingOrders('c', 'ITC')).toEqual([]);

    const fill = { orderId: 'o1', accountId: 'a', fillId: 'f1', quantity: 40, filledQuantity: 40, remainingQuantity: 60, pricePaise: 45_000, feesPaise: 0, instrument: 'ITC', side: 'BUY', product: 'CNC', strategyId: null, occurredAt: NOW };
    await append('o1', [{ type: 'OrderPartiallyFilled', data: fill }]);
    await append('o2', [{ type: 'OrderCancelled', data: { orderId: 'o2', accountId: 'a', reason: 'user', cancelledQuantity: 30 } }]);
    await append('o4', [{ type: 'OrderExpired', data: { orderId: 'o4', accountId: 'b', reason: 'end of day', expiredQuantity: 5 } }]);
    await index.sync();
    expect(index.openQuantities('a', 'ITC')).toEqual({ buy: 60, sell: 0 });
    expect(index.workingOrders('a', 'ITC').map((o) => o.orderId)).toEqual(['o1']);
    expect(index.openQuantities('b', 'ITC')).toEqual({ buy: 0, sell: 0 });
  });

  it('includes every order committed before sync() was called, also when reads overlap', async () => {
    const index = new WorkingOrdersIndex(store);
    const syncs: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      await append(`p${i}`, [placed(`p${i}`, 'a', 'BUY', 1)]);
      const expected = i + 1;
      syncs.push(index.sync().then(() => expect(index.openQuantities('a', 'ITC').buy).toBeGreaterThanOrEqual(expected)));
    }
    await Promise.all(syncs);
    expect(index.openQuantities('a', 'ITC').buy).toBe(20);
  });
});
