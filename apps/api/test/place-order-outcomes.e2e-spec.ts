import { CommandBus } from '@nestjs/cqrs';
import { accountStream, type AccountEvent, evolveAccount, initialAccountState } from '@robo/domain';
import { EVENT_STORE, type EventStore, StoreUnavailableError } from '@robo/event-store';
import { PlaceOrderMessage, type PlaceOrderOutcome, type PlaceOrderRequest } from '../src/orders/order-commands';
import { newId } from '@robo/write-path';
import { startTestApp, TestApp } from './test-app';

/**
 * The place-order handler answers outcomes (accepted, already done, rejected with its reason, recorded or not), never HTTP
 * errors: a caller outside HTTP (the paper engine, analyst proposals) reads them as they are. HTTP keeps its answers.
 */
describe('PlaceOrder outcomes', () => {
  let t: TestApp;
  let bus: CommandBus;
  let accountId: string;
  beforeAll(async () => {
    t = await startTestApp({ EXPIRY_SWEEP_MS: '3600000' });
    bus = t.app.get(CommandBus);
    accountId = (await t.api.post('/api/accounts').send({ name: 'Outcomes', initialCashPaise: 1_000_000 })).body.accountId;
  });
  afterAll(async () => t.close());

  const ctx = { correlationId: 'outcomes', causationId: null, actor: 'test' };
  const request = (over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
    orderId: newId(),
    accountId,
    instrument: 'ITC',
    side: 'BUY',
    quantity: 10,
    orderType: 'LIMIT',
    limitPricePaise: 45_000,
    triggerPricePaise: null,
    product: 'MIS',
    validity: 'DAY',
    strategyId: null,
    clientOrderId: null,
    ...over,
  });
  const place = (r: PlaceOrderRequest, idempotent = false) => bus.execute<PlaceOrderMessage, PlaceOrderOutcome>(new PlaceOrderMessage(r, ctx, { idempotent }));

  it('answers accepted, then already-done for the same idempotent request, with the same result', async () => {
    const r = request();
    const first = await place(r, true);
    expect(first).toMatchObject({ outcome: 'accepted', result: { orderId: r.orderId, status: 'OPEN' } });
    const again = await place(r, true);
    expect(again.outcome).toBe('already-done');
    expect(again.outcome === 'already-done' && again.result).toEqual(first.outcome === 'accepted' && first.result);
  });

  it('answers a risk rejection as an outcome with its reason code, recorded as REJECTED', async () => {
    const r = request({ quantity: 1000 }); // 1000 x 45,000 = 45,000,000 > 1,000,000 - 450,000 of buying power
    const outcome = await place(r);
    expect(outcome).toMatchObject({ outcome: 'rejected', recorded: true, kind: 'rule', code: 'INSUFFICIENT_FUNDS', orderId: r.orderId, details: { status: 'REJECTED' } });
    const events = await t.api.get(`/api/streams/order-${r.orderId}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['OrderPlaced', 'OrderRejected']);
  });

  it('answers invalid, unknown and conflicting input as rejected and not recorded, appending nothing', async () => {
    const unknown = request({ instrument: 'NO SUCH THING' });
    expect(await place(unknown)).toMatchObject({ outcome: 'rejected', recorded: false, kind: 'invalid', code: 'UNKNOWN_INSTRUMENT' });
    expect(await place(request({ accountId: newId() }))).toMatchObject({ outcome: 'rejected', recorded: false, kind: 'not_found', code: 'ACCOUNT_NOT_FOUND' });
    expect(await place(request({ quantity: 0 }))).toMatchObject({ outcome: 'rejected', recorded: false, code: 'QUANTITY_INVALID' });
    const placed = request();
    expect((await place(placed)).outcome).toBe('accepted');
    expect(await place(placed)).toMatchObject({ outcome: 'rejected', recorded: false, kind: 'conflict', code: 'ORDER_ALREADY_EXISTS', orderId: placed.orderId });
    expect((await t.api.get(`/api/streams/order-${unknown.orderId}/events`)).body.events ?? []).toEqual([]);
  });

  it('keeps the HTTP answers: 201, 422 with the reason, 400 and 409', async () => {
    const body = { accountId, instrument: 'ITC', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 45_000, product: 'MIS', validity: 'DAY' };
    const ok = await t.api.post('/api/orders').send({ ...body, clientOrderId: 'http-1' });
    expect(ok.status).toBe(201);
    expect((await t.api.post('/api/orders').send({ ...body, clientOrderId: 'http-1' })).status).toBe(409);
    const rejected = await t.api.post('/api/orders').send({ ...body, quantity: 1000 });
    expect(rejected.status).toBe(422);
    expect(rejected.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS', details: { status: 'REJECTED' } });
    const unknown = await t.api.post('/api/orders').send({ ...body, instrument: 'NO SUCH THING' });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'UNKNOWN_INSTRUMENT']);
  });

  it('holds the reservation of an order placed again after its first attempt was released, with new event ids', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    // An account of its own, so the buying power the other cases used does not matter here.
    const accountId = (await t.api.post('/api/accounts').send({ name: 'Released', initialCashPaise: 1_000_000 })).body.accountId as string;
    const r = request({ accountId, quantity: 2 });
    // The order stream's first append fails (the store went away for a moment): the reservation is given back.
    const original = store.append.bind(store);
    const spy = jest.spyOn(store, 'append').mockImplementation(async (stream, events, options) => {
      if (stream === `order-${r.orderId}` && spy.mock.calls.filter(([s]) => s === stream).length === 1) throw new StoreUnavailableError('injected');
      return original(stream, events, options);
    });
    try {
      await expect(place(r, true)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      spy.mockRestore();
    }
    const accountEvents = async () => (await store.readStream(accountStream(accountId))).filter((e) => (e.data as { orderId?: string }).orderId === r.orderId);
    expect((await accountEvents()).map((e) => e.type)).toEqual(['FundsReserved', 'ReservationReleased']);

    // The caller retries the same command: the order is recorded and its funds are held again.
    expect(await place(r, true)).toMatchObject({ outcome: 'accepted', result: { orderId: r.orderId, status: 'OPEN' } });
    const events = await accountEvents();
    expect(events.map((e) => e.type)).toEqual(['FundsReserved', 'ReservationReleased', 'FundsReserved']);
    expect(new Set(events.map((e) => e.metadata.eventId)).size).toBe(3);
    const account = (await store.readStream(accountStream(accountId))).reduce((s, e) => evolveAccount(s, { type: e.type, data: e.data } as AccountEvent), initialAccountState);
    expect(account.status === 'OPEN' && account.reservations.get(r.orderId)).toBe(2 * 45_000);
  });
});
