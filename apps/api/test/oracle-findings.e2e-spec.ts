import { startTestApp, type TestApp } from './test-app';

/** What the oracle (oracle-sessions.e2e-spec.ts) found on the command path, each as its plain case. */
describe('oracle findings on the command path', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DEMO: 'false' });
  });
  afterAll(async () => t?.close());

  it('a modification to the values the order already has answers 200 without a change and appends nothing', async () => {
    const acc = (await t.api.post('/api/accounts').send({ name: 'm', initialCashPaise: 100_000_000 })).body.accountId as string;
    const placed = await t.api.post('/api/orders').send({ accountId: acc, instrument: 'RELIANCE', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 148_000, product: 'MIS', validity: 'DAY' });
    expect(placed.status).toBe(201);
    const res = await t.api.post(`/api/orders/${placed.body.orderId}/modify`).send({ quantity: 1, limitPricePaise: 148_000 });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { orderId: placed.body.orderId, status: 'OPEN', streamRevision: placed.body.streamRevision, globalPosition: placed.body.globalPosition, changed: false },
    });
    const events = await t.api.get(`/api/streams/order-${placed.body.orderId}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']);
  });

  it('every projection the status lists (hyphenated names included) can be rebuilt and verified from the log', async () => {
    const status = await t.api.get('/api/projections');
    // Every name listed as a projection is one (the settlement reactor's checkpoint is listed apart, under reactors).
    const names = (status.body.projections as { name: string }[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['daily-closes', 'account-performance', 'strategy-performance']));
    const answers: Record<string, unknown> = {};
    for (const name of names) {
      const res = await t.api.post(`/api/projections/${name}/rebuild`).send({ verifyOnly: true });
      answers[name] = [res.status, res.body.matched, res.body.swapped];
    }
    expect(answers).toEqual(Object.fromEntries(names.map((n) => [n, [200, true, false]])));
  });
});
