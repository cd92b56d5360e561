import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import { expiresAtClose, type OrderStatus, type Validity } from '@robo/domain';
import { DocChange, ORDERS_COLLECTION, ordersProjection, SqliteReadModelStore } from '@robo/read-models';
import { findPlan, sortsTableRows } from '@robo/read-models/testing/query-plan';
import { loadConfig } from '@robo/runtime';
import { OrderLifecycleMessage } from './order-commands';
import { ExpirySweeper, SWEEP_PAGE, sweepQuery } from './expiry-sweeper';

// Thursday 2026-11-26, 11:00 IST: the market is open.
const NOW = '2026-11-26T05:30:00.000Z';
const TODAY = '2026-11-26T10:00:00+05:30';
const YESTERDAY = '2026-11-25T10:00:00+05:30';

describe('ExpirySweeper over a store with many working orders', () => {
  let dir: string;
  let file: string;
  let store: SqliteReadModelStore;
  let expired: string[];
  let sweeper: ExpirySweeper;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'expiry-sweeper-'));
    file = path.join(dir, 'read-models.db');
    store = SqliteReadModelStore.open({ file });
    await store.ensureCollections(ordersProjection.collections);
    expired = [];
    const bus = {
      execute: async (message: OrderLifecycleMessage) => {
        expired.push(message.orderId);
        return { outcome: 'accepted', result: { orderId: message.orderId, status: 'EXPIRED', streamRevision: 2, globalPosition: 0, changed: true } };
      },
    } as unknown as CommandBus;
    sweeper = new ExpirySweeper(bus, store, { now: () => NOW }, loadConfig({ DATA_DIR: dir }));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let seq = 0;
  const order = (orderId: string, status: string, placedAt: string, validity = 'DAY'): DocChange => ({
    collection: ORDERS_COLLECTION.name,
    id: orderId,
    doc: { orderId, status, validity, placedAt, seq: ++seq, accountId: 'acc-1', instrument: 'ITC', strategyId: null, lastEventPosition: seq },
  });

  it('expires the earlier days\' working DAY orders in every working status, past page boundaries, and leaves the rest', async () => {
    const changes: DocChange[] = [];
    const due: string[] = [];
    // More than two pages of today's OPEN orders, with earlier days' orders among and after them.
    for (let i = 0; i < SWEEP_PAGE * 2 + 50; i++) {
      changes.push(order(`open-today-${i}`, 'OPEN', TODAY));
      if (i % 400 === 0) {
        changes.push(order(`open-old-${i}`, 'OPEN', YESTERDAY));
        due.push(`open-old-${i}`);
      }
    }
    for (const status of ['TRIGGER_PENDING', 'PARTIALLY_FILLED']) {
      changes.push(order(`${status}-old`, status, YESTERDAY), order(`${status}-today`, status, TODAY));
      due.push(`${status}-old`);
    }
    // PLACED is not a working status (the risk decision is recorded with it): nothing to expire
    changes.push(order('placed-old', 'PLACED', YESTERDAY));
    changes.push(order('filled-old', 'FILLED', YESTERDAY), order('gtc-old', 'OPEN', YESTERDAY, 'GTC'), order('cancelled-old', 'CANCELLED', YESTERDAY));
    changes.push(order('open-old-last', 'OPEN', YESTERDAY));
    due.push('open-old-last');
    await store.commit('orders', changes, 1n);

    expect(await sweeper.sweep()).toBe(due.length);
    expect([...expired].sort()).toEqual([...due].sort());
  });

  it('expires earlier days\' orders exactly where the domain\'s expiresAtClose says so, over every status and validity', async () => {
    const statuses: OrderStatus[] = ['PLACED', 'REJECTED', 'TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED'];
    const validities: Validity[] = ['DAY', 'IOC'];
    const changes: DocChange[] = [];
    const due: string[] = [];
    for (const status of statuses) {
      for (const validity of validities) {
        changes.push(order(`${status}-${validity}`, status, YESTERDAY, validity));
        if (expiresAtClose({ status, validity })) due.push(`${status}-${validity}`);
      }
    }
    await store.commit('orders', changes, 1n);

    await sweeper.sweep();
    expect(due.length).toBeGreaterThan(0);
    expect([...expired].sort()).toEqual(due.sort());
  });

  it('lets other callbacks of the event loop run between its pages', async () => {
    const changes: DocChange[] = [];
    for (let i = 0; i < SWEEP_PAGE * 3; i++) changes.push(order(`o-${i}`, 'OPEN', TODAY));
    await store.commit('orders', changes, 1n);

    // The store answers synchronously under its promises: without a yield, one sweep is one macrotask.
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const reads = jest.spyOn(store, 'find');
    await sweeper.sweep();
    ticking = false;
    // Three pages of 500, the last one ending the sweep.
    expect(reads).toHaveBeenCalledTimes(3);
    expect(ticks).toBeGreaterThanOrEqual(reads.mock.calls.length - 1);
  });

  it('queries pages that the (status, seq) index serves in order, without sorting every working order', async () => {
    const changes: DocChange[] = [];
    for (let i = 0; i < SWEEP_PAGE + 1; i++) changes.push(order(`o-${i}`, 'OPEN', i % 2 === 0 ? TODAY : YESTERDAY));
    await store.commit('orders', changes, 1n);
    const first = await store.find(ORDERS_COLLECTION.name, sweepQuery(null));
    expect(first.nextCursor).not.toBeNull();

    for (const cursor of [null, first.nextCursor]) {
      const plan = findPlan(file, ORDERS_COLLECTION.name, sweepQuery(cursor));
      expect(plan.map((row) => row.detail).join('\n')).toContain('ix_orders__status__seq');
      expect(sortsTableRows(plan, ORDERS_COLLECTION.name)).toBe(false);
    }
  });
});
