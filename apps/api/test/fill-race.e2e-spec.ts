import type { EventStore } from '@robo/event-store';
import { brokerKey, openAccount, placeOrder } from './auth-fixtures';
import { startTraderApp, TestApp, TestKey } from './test-app';

interface Answer {
  kind: 'fill' | 'cancel';
  fillId?: string;
  quantity?: number;
  status: number;
  code?: string;
}

/**
 * 200 fills and cancels at once against one order of 100: optimistic concurrency on the order stream decides who
 * wins. Never an overfill, never a lost acknowledged fill, and every loser is told so with a 409 or a 422.
 */
describe('concurrent fills and cancels on one order', () => {
  let t: TestApp;
  let trader: TestKey;
  let store: EventStore;
  let base: string;

  beforeAll(async () => {
    ({ t, trader, store, base } = await startTraderApp());
  });
  afterAll(async () => t.close());

  it('never overfills, never loses an acknowledged fill, and answers every loser with 409 or 422', async () => {
    const accountId = await openAccount(t, trader, 'race');
    const orderId = await placeOrder(t, trader, accountId, { quantity: 100 });
    const headers = { authorization: `Bearer ${trader.token}`, 'content-type': 'application/json' };
    // The fills come from the broker's key, the cancels from the trader's.
    const brokerHeaders = { ...headers, authorization: `Bearer ${(await brokerKey(t)).token}` };

    const requests: (() => Promise<Answer>)[] = [];
    for (let i = 0; i < 200; i++) {
      if (i % 4 === 3) {
        requests.push(async () => {
          const res = await fetch(`${base}/api/orders/${orderId}/cancel`, { method: 'POST', headers, body: JSON.stringify({ reason: `race ${i}` }) });
          const body = (await res.json()) as { code?: string };
          return { kind: 'cancel', status: res.status, code: body.code };
        });
      } else {
        const fillId = `R-${i}`;
        const quantity = 1 + (i % 3);
        requests.push(async () => {
          const res = await fetch(`${base}/api/orders/${orderId}/fills`, {
            method: 'POST',
            headers: brokerHeaders,
            body: JSON.stringify({ fillId, quantity, pricePaise: 45_000, feesPaise: 1, occurredAt: '2026-11-20T10:10:00+05:30' }),
          });
          const body = (await res.json()) as { code?: string };
          return { kind: 'fill', fillId, quantity, status: res.status, code: body.code };
        });
      }
    }
    const answers = await Promise.all(requests.map((send) => send()));

    const unexpected = answers.filter((a) => ![200, 201, 409, 422].includes(a.status));
    expect(unexpected).toEqual([]);
    const losers = answers.filter((a) => a.status >= 400);
    for (const loser of losers) expect(loser.code).toMatch(/^(VERSION_CONFLICT|FILL_EXCEEDS_QUANTITY|ORDER_ALREADY_CANCELLED|ORDER_ALREADY_FILLED|ORDER_NOT_OPEN)$/);

    const acknowledged = answers.filter((a) => a.kind === 'fill' && a.status === 201);
    const cancelled = answers.filter((a) => a.kind === 'cancel' && a.status === 200);
    const events = await store.readStream(`order-${orderId}`);
    const logged = events.filter((e) => e.type === 'OrderPartiallyFilled' || e.type === 'OrderFilled').map((e) => e.data as { fillId: string; quantity: number });

    // Exactly the acknowledged fills are in the log, each once: none lost, none extra.
    expect(logged.map((f) => f.fillId).sort()).toEqual(acknowledged.map((a) => a.fillId).sort());
    const filled = logged.reduce((sum, f) => sum + f.quantity, 0);
    expect(filled).toBeLessThanOrEqual(100);
    expect(filled).toBe(acknowledged.reduce((sum, a) => sum + (a.quantity ?? 0), 0));
    // At most one cancel won, and only if the order was not filled before it.
    expect(cancelled.length).toBeLessThanOrEqual(1);
    const last = events[events.length - 1];
    if (cancelled.length === 1) {
      expect(last.type).toBe('OrderCancelled');
      expect((last.data as { cancelledQuantity: number }).cancelledQuantity).toBe(100 - filled);
    } else {
      expect(filled).toBe(100);
      expect(last.type).toBe('OrderFilled');
    }
    // Some of each outcome happened: the race was real.
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(losers.length).toBeGreaterThan(0);

    // Each acknowledged fill settled once, and the read model agrees with the log.
    const all = await store.readAll({ after: 0n, maxCount: 100_000 });
    const settled = all.filter((e) => e.type === 'CashSettled' && (e.data as { orderId: string }).orderId === orderId);
    expect(settled).toHaveLength(acknowledged.length);
    const view = await t.as(trader.token).get(`/api/orders/${orderId}`).query({ minPosition: Number(last.globalPosition) });
    expect(view.status).toBe(200);
    expect(view.body.filledQuantity).toBe(filled);
    expect(view.body.status).toBe(cancelled.length === 1 ? 'CANCELLED' : 'FILLED');
  });
});
