import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ordersProjection, ORDERS_COLLECTION } from '../projections/orders.projection';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { exportOrders, MAX_EXPORT_ROWS } from './statement';

describe('exports are bounded (SQLite read store)', () => {
  it(`refuses more than ${MAX_EXPORT_ROWS} rows in the range with EXPORT_TOO_LARGE, and answers a narrower range`, async () => {
    const store = SqliteReadModelStore.open({ file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exports-')), 'reads.db') });
    try {
      await store.ensureCollections(ordersProjection.collections);
      const doc = (i: number, date: string) => ({ orderId: `o${i}`, accountId: 'a', instrument: 'ITC', placedAt: `${date}T10:00:00+05:30`, seq: i, fills: [] });
      const changes = Array.from({ length: MAX_EXPORT_ROWS + 1 }, (_, i) => ({ collection: ORDERS_COLLECTION.name, id: `o${i}`, doc: doc(i, i === 0 ? '2026-11-19' : '2026-11-20') }));
      await store.commit('orders', changes, 1n);
      await expect(exportOrders(store, 'a', { from: '2026-11-19', to: '2026-11-20' })).rejects.toMatchObject({ code: 'EXPORT_TOO_LARGE', rows: MAX_EXPORT_ROWS + 1 });
      await expect(exportOrders(store, 'a', { from: '2026-11-19', to: '2026-11-19' })).resolves.toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
