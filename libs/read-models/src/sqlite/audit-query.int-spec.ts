import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FieldCondition } from '../read-model-store.port';
import { SqliteReadModelStore } from './sqlite-read-model-store';
import { projectAll, TestLog } from '../testing/test-log';
import { auditProjection, type AuditDoc } from '../projections/audit.projection';

let dir: string;
let store: SqliteReadModelStore;
let files = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-audit-'));
});
beforeEach(async () => {
  store = SqliteReadModelStore.open({ file: path.join(dir, `audit-${++files}.db`) });
  await store.ensureCollections(auditProjection.collections);
});
afterEach(async () => {
  await store.close();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function save(log: TestLog): Promise<void> {
  const docs = projectAll(auditProjection, log.events).get('audit')!;
  await store.commit('audit', [...docs].map(([id, doc]) => ({ collection: 'audit', id, doc })), BigInt(log.events.length));
}

/** The query GET /api/audit runs (apps/api queries.controller): equality filters, a UTC range, ordered by position. */
async function find(where: Record<string, FieldCondition>): Promise<AuditDoc[]> {
  return (await store.find<AuditDoc>('audit', { where, orderBy: { field: 'position', direction: 'asc' }, limit: 100 })).items;
}

describe('audit documents in the SQLite read store', () => {
  it("answer an account's business-time range with its order events, acceptance and fills included", async () => {
    const log = new TestLog();
    const at = (occurredAt: string) => ({ occurredAt });
    log.append('order-o1', { type: 'OrderPlaced', data: { orderId: 'o1', accountId: 'a1', instrument: 'RELIANCE', side: 'BUY', quantity: 10, orderType: 'LIMIT', limitPricePaise: 147000, triggerPricePaise: null, product: 'CNC', validity: 'DAY', strategyId: null, clientOrderId: null, placedAt: '2026-11-20T09:59:00+05:30' } }, at('2026-11-20T09:59:00+05:30'));
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 1_470_000 } }, at('2026-11-20T10:00:00+05:30'));
    log.append('order-o1', { type: 'OrderPartiallyFilled', data: { orderId: 'o1', accountId: 'a1', fillId: 'f1', quantity: 4, pricePaise: 147000, feesPaise: 0, filledQuantity: 4, remainingQuantity: 6, occurredAt: '2026-11-20T04:31:00Z' } }, at('2026-11-20T04:31:00Z'));
    log.append('order-o1', { type: 'OrderFilled', data: { orderId: 'o1', accountId: 'a1', fillId: 'f2', quantity: 6, pricePaise: 147000, feesPaise: 0, filledQuantity: 10, remainingQuantity: 0, occurredAt: '2026-11-20T10:05:00+05:30' } }, at('2026-11-20T10:05:00+05:30'));
    log.append('order-o2', { type: 'OrderAccepted', data: { orderId: 'o2', accountId: 'a2', reservedPaise: 1 } }, at('2026-11-20T10:01:00+05:30'));
    await save(log);

    // [10:00 IST, 10:05 IST) = [04:30Z, 04:35Z): the acceptance (04:30Z) and the first fill (04:31Z) only;
    // OrderPlaced (04:29Z) is before, OrderFilled (04:35Z) is the excluded end, o2 is another account
    const rows = await find({ accountId: 'a1', occurredAtUtc: { gte: '2026-11-20T04:30:00.000Z', lt: '2026-11-20T04:35:00.000Z' } });
    expect(rows.map((d) => [d.type, d.occurredAtUtc])).toEqual([
      ['OrderAccepted', '2026-11-20T04:30:00.000Z'],
      ['OrderPartiallyFilled', '2026-11-20T04:31:00.000Z'],
    ]);
    expect((await find({ accountId: 'a1' })).map((d) => d.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderPartiallyFilled', 'OrderFilled']);
  });
});
