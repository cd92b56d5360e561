import { EVENT_STORE, EventStore } from '@robo/event-store';
import { startTestApp, TestApp } from './test-app';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/**
 * Malformed and out-of-range inputs on every command endpoint: a 4xx with a code and a message, and not a single
 * event appended (the log's head does not move).
 */
describe('bad input changes nothing', () => {
  let t: TestApp;
  let store: EventStore;
  let accountId: string;
  let orderId: string;

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    accountId = (await t.api.post('/api/accounts').send({ name: 'Table', initialCashPaise: 1_000_000 })).body.accountId;
    const order = await t.api
      .post('/api/orders')
      .send({ accountId, instrument: 'SBIN', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 80_000, product: 'CNC', validity: 'DAY' });
    orderId = order.body.orderId;
    expect(order.status).toBe(201);
  });
  afterAll(async () => t.close());

  const order = (over: Record<string, unknown> = {}) => ({
    accountId: ':account',
    instrument: 'SBIN',
    side: 'BUY',
    quantity: 1,
    type: 'LIMIT',
    limitPricePaise: 80_000,
    product: 'CNC',
    validity: 'DAY',
    ...over,
  });
  const fill = (over: Record<string, unknown> = {}) => ({ fillId: 'T1', quantity: 1, pricePaise: 80_000, occurredAt: '2026-11-20T10:05:00+05:30', ...over });

  type Case = [string, string, unknown, number, string?];
  const cases: () => Case[] = () => [
    ['/api/accounts', 'empty body', {}, 400, 'VALIDATION_FAILED'],
    ['/api/accounts', 'empty name', { name: '', initialCashPaise: 0 }, 400],
    ['/api/accounts', 'name too long', { name: 'x'.repeat(101), initialCashPaise: 0 }, 400],
    ['/api/accounts', 'negative cash', { name: 'A', initialCashPaise: -1 }, 400],
    ['/api/accounts', 'fractional paise', { name: 'A', initialCashPaise: 1.5 }, 400],
    ['/api/accounts', 'cash as string', { name: 'A', initialCashPaise: '100' }, 400],
    ['/api/accounts', 'cash beyond range', { name: 'A', initialCashPaise: 1e16 }, 400],
    ['/api/accounts', 'cash null', { name: 'A', initialCashPaise: null }, 400],
    ['/api/accounts', 'unknown field', { name: 'A', initialCashPaise: 1, admin: true }, 400],
    ['/api/accounts', 'array body', [], 400],
    ['/api/accounts', 'malformed JSON', '{"name": "A", ', 400, 'MALFORMED_JSON'],
    ['/api/accounts', 'JSON string body', '"hello"', 400],
    ['/api/accounts', 'oversized body', { name: 'A', initialCashPaise: 1, pad: 'x'.repeat(70_000) }, 413, 'BODY_TOO_LARGE'],
    [`/api/accounts/not-a-uuid/deposits`, 'bad account id', { amountPaise: 1 }, 400, 'INVALID_ID'],
    [`/api/accounts/${UNKNOWN}/deposits`, 'unknown account', { amountPaise: 1 }, 404, 'ACCOUNT_NOT_FOUND'],
    [`/api/accounts/:account/deposits`, 'zero deposit', { amountPaise: 0 }, 400],
    [`/api/accounts/:account/deposits`, 'negative deposit', { amountPaise: -5 }, 400],
    [`/api/accounts/:account/deposits`, 'text deposit', { amountPaise: 'abc' }, 400],
    [`/api/accounts/:account/deposits`, 'fractional deposit', { amountPaise: 1.1 }, 400],
    [`/api/accounts/:account/deposits`, 'missing amount', {}, 400],
    [`/api/accounts/:account/withdrawals`, 'withdraw more than free cash', { amountPaise: 999_999_999 }, 422, 'INSUFFICIENT_FUNDS'],
    [`/api/accounts/:account/withdrawals`, 'withdraw zero', { amountPaise: 0 }, 400],
    [`/api/accounts/:account/risk-limits`, 'limit zero', { maxOrderValuePaise: 0 }, 400],
    [`/api/accounts/:account/halt`, 'halt without reason', {}, 400],
    ['/api/orders', 'missing everything', {}, 400],
    ['/api/orders', 'bad side', order({ side: 'HOLD' }), 400],
    ['/api/orders', 'zero quantity', order({ quantity: 0 }), 400],
    ['/api/orders', 'negative quantity', order({ quantity: -1 }), 400],
    ['/api/orders', 'fractional quantity', order({ quantity: 1.5 }), 400],
    ['/api/orders', 'quantity as string', order({ quantity: '1' }), 400],
    ['/api/orders', 'bad type', order({ type: 'STOP' }), 400],
    ['/api/orders', 'bad product', order({ product: 'XYZ' }), 400],
    ['/api/orders', 'bad validity', order({ validity: 'GTC' }), 400],
    ['/api/orders', 'account id not a uuid', order({ accountId: 'abc' }), 400],
    ['/api/orders', 'lowercase symbol', order({ instrument: 'sbin' }), 400],
    ['/api/orders', 'unknown instrument', order({ instrument: 'NOSUCH' }), 400, 'UNKNOWN_INSTRUMENT'],
    ['/api/orders', 'unknown account', order({ accountId: UNKNOWN }), 404, 'ACCOUNT_NOT_FOUND'],
    ['/api/orders', 'limit without price', order({ limitPricePaise: undefined }), 400, 'LIMIT_PRICE_REQUIRED'],
    ['/api/orders', 'market with a price', order({ type: 'MARKET' }), 400, 'LIMIT_PRICE_NOT_ALLOWED'],
    ['/api/orders', 'SL without trigger', order({ type: 'SL' }), 400, 'TRIGGER_PRICE_REQUIRED'],
    ['/api/orders', 'zero price', order({ limitPricePaise: 0 }), 400],
    ['/api/orders', 'strategy id with spaces', order({ strategyId: 'a b' }), 400],
    ['/api/orders', 'extra field', order({ leverage: 10 }), 400],
    [`/api/orders/not-a-uuid/fills`, 'bad order id', fill(), 400, 'INVALID_ID'],
    [`/api/orders/${UNKNOWN}/fills`, 'unknown order', fill(), 404, 'ORDER_NOT_FOUND'],
    [`/api/orders/:order/fills`, 'fill id with spaces', fill({ fillId: 'a b' }), 400],
    [`/api/orders/:order/fills`, 'zero fill', fill({ quantity: 0 }), 400],
    [`/api/orders/:order/fills`, 'overfill', fill({ quantity: 2 }), 422, 'FILL_EXCEEDS_QUANTITY'],
    [`/api/orders/:order/fills`, 'fill above limit', fill({ pricePaise: 80_005 }), 422, 'FILL_PRICE_OUTSIDE_LIMIT'],
    [`/api/orders/:order/fills`, 'negative price', fill({ pricePaise: -1 }), 400],
    [`/api/orders/:order/fills`, 'negative fees', fill({ feesPaise: -1 }), 400],
    [`/api/orders/:order/fills`, 'time without offset', fill({ occurredAt: '2026-11-20T10:05:00' }), 400],
    [`/api/orders/:order/fills`, 'impossible date', fill({ occurredAt: '2026-13-40T10:05:00Z' }), 400],
    [`/api/orders/:order/fills`, 'missing time', fill({ occurredAt: undefined }), 400],
    [`/api/orders/${UNKNOWN}/cancel`, 'cancel unknown order', {}, 404, 'ORDER_NOT_FOUND'],
    [`/api/orders/:order/cancel`, 'reason as number', { reason: 5 }, 400],
    [`/api/orders/:order/trigger`, 'trigger a limit order', { lastPricePaise: 80_000 }, 422, 'ORDER_NOT_TRIGGER_PENDING'],
    [`/api/orders/:order/modify`, 'modify to zero quantity', { quantity: 0 }, 400],
  ];

  it.each(cases().map((c) => [c[1], c] as const))('%s', async (_name, [url, , body, status, code]) => {
    const before = await store.headPosition();
    const path = url.replace(':account', accountId).replace(':order', orderId);
    const req = t.api.post(path).set('content-type', 'application/json');
    // Bodies are declared before the account exists: fill its id in now.
    const resolved = typeof body === 'string' ? body : JSON.parse(JSON.stringify(body).split('":account"').join(JSON.stringify(accountId)));
    const res = await (typeof resolved === 'string' ? req.send(resolved) : req.send(resolved as object));
    expect(res.status).toBe(status);
    expect(res.body).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String), correlationId: expect.any(String) }));
    if (code) expect(res.body.code).toBe(code);
    expect(await store.headPosition()).toBe(before);
  });
});
