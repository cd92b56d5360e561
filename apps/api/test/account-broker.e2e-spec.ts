import { startTestApp, TestApp } from './test-app';

describe('POST /api/accounts/:id/broker: the broker an account trades through', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const open = async (name: string): Promise<string> => (await t.api.post('/api/accounts').send({ name, initialCashPaise: 10_000_000 }).expect(201)).body.accountId;
  const types = async (accountId: string): Promise<string[]> =>
    (await t.api.get(`/api/streams/account-${accountId}/events`).expect(200)).body.events.map((e: { type: string }) => e.type);

  it('records the choice as an event; choosing the broker already chosen appends nothing', async () => {
    const accountId = await open('Live');
    const chosen = await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ accountId });
    const events = (await t.api.get(`/api/streams/account-${accountId}/events`)).body.events;
    expect(events.at(-1)).toMatchObject({ type: 'BrokerChosen', data: { accountId, broker: 'kite' } });
    expect((await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' })).status).toBe(200);
    expect((await types(accountId)).filter((type) => type === 'BrokerChosen')).toHaveLength(1);
    // paper is where every account starts
    const other = await open('Paper');
    await t.api.post(`/api/accounts/${other}/broker`).send({ broker: 'paper' }).expect(200);
    expect(await types(other)).toEqual(['AccountOpened']);
  });

  it('refuses an unknown broker (400), an unknown account (404), a non-admin (403), and changes nothing', async () => {
    const accountId = await open('Checks');
    const unknown = await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'upstox' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect((await t.api.post(`/api/accounts/${accountId}/broker`).send({})).status).toBe(400);
    const missing = await t.api.post('/api/accounts/7b0d8a52-8f0e-4c1a-9a57-0c1f3e7d9b21/broker').send({ broker: 'kite' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ACCOUNT_NOT_FOUND');
    const trader = await t.createKey('trader', [accountId]);
    expect((await t.as(trader.token).post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' })).status).toBe(403);
    expect(await types(accountId)).toEqual(['AccountOpened']);
  });

  it('refuses a change while buying power is held for an open order (422 ACCOUNT_HAS_OPEN_ORDERS)', async () => {
    const accountId = await open('Busy');
    await t.api
      .post('/api/orders')
      .send({ accountId, instrument: 'ITC', side: 'BUY', quantity: 10, type: 'LIMIT', limitPricePaise: 40_000, product: 'CNC', validity: 'DAY' })
      .expect(201);
    const refused = await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('ACCOUNT_HAS_OPEN_ORDERS');
    expect(await types(accountId)).not.toContain('BrokerChosen');
  });
});
