import { startTestApp, type TestApp } from './test-app';

/** What the contract tests seed: an account with a round trip of a strategy's orders, filled, and the ids they made. */
export interface Seeded {
  t: TestApp;
  accountId: string;
  strategyId: string;
  buyId: string;
  sellId: string;
  openId: string;
  correlationId: string;
  lastPosition: number;
  responses: Record<string, { status: number; body: unknown }>;
}

/** One app with an account, a strategy, a filled buy and sell of that strategy (one trade) and a working order. */
export async function seedContractApp(): Promise<Seeded> {
  const t = await startTestApp({ DEMO: 'false' });
  const responses: Seeded['responses'] = {};
  const keep = <R extends { status: number; body: unknown }>(op: string, res: R): R => {
    responses[op] = { status: res.status, body: res.body };
    return res;
  };
  const opened = keep('POST /api/accounts', await t.api.post('/api/accounts').send({ name: 'Asha', initialCashPaise: 100_000_000 }));
  const accountId = (opened.body as { accountId: string }).accountId;
  keep('POST /api/accounts/{id}/deposits', await t.api.post(`/api/accounts/${accountId}/deposits`).send({ amountPaise: 5_000_000 }));
  keep('POST /api/accounts/{id}/withdrawals', await t.api.post(`/api/accounts/${accountId}/withdrawals`).send({ amountPaise: 1_000_000 }));
  keep('POST /api/accounts/{id}/risk-limits', await t.api.post(`/api/accounts/${accountId}/risk-limits`).send({ maxOrderValuePaise: 50_000_000 }));
  const registered = keep(
    'POST /api/strategies',
    await t.api.post('/api/strategies').send({
      kind: 'ma-crossover',
      name: 'INFY 5/20 crossover',
      accountId,
      parameters: { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 },
      instruments: ['INFY'],
      capitalAllocationPaise: 20_000_000,
    }),
  );
  const strategyId = (registered.body as { strategyId: string }).strategyId;
  const order = (side: 'BUY' | 'SELL', limitPricePaise: number) =>
    t.api.post('/api/orders').send({ accountId, instrument: 'INFY', side, quantity: 10, type: 'LIMIT', limitPricePaise, product: 'MIS', validity: 'DAY', strategyId });
  const buy = keep('POST /api/orders', await order('BUY', 150_000));
  const buyId = (buy.body as { orderId: string }).orderId;
  keep('POST /api/orders/{id}/fills', await t.api.post(`/api/orders/${buyId}/fills`).send({ fillId: 'F-1', quantity: 10, pricePaise: 150_000, occurredAt: '2026-11-20T10:01:00+05:30' }));
  const sellId = ((await order('SELL', 151_000)).body as { orderId: string }).orderId;
  await t.api.post(`/api/orders/${sellId}/fills`).send({ fillId: 'F-2', quantity: 10, pricePaise: 151_000, occurredAt: '2026-11-20T10:05:00+05:30' });
  const open = await t.api.post('/api/orders').send({ accountId, instrument: 'TCS', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 300_000, product: 'CNC', validity: 'DAY' });
  const openId = (open.body as { orderId: string }).orderId;
  keep('POST /api/orders/{id}/modify', await t.api.post(`/api/orders/${openId}/modify`).send({ quantity: 2 }));
  const last = await t.api.post(`/api/orders/${openId}/modify`).send({ limitPricePaise: 299_000 });
  const lastPosition = (last.body as { globalPosition: number }).globalPosition;
  const correlationId = String(buy.headers['x-correlation-id']);
  return { t, accountId, strategyId, buyId, sellId, openId, correlationId, lastPosition, responses };
}
