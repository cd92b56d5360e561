import { accountStream, orderStream } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import { LIMIT_ORDER, openAccount } from './auth-fixtures';
import { startTraderApp, TestApp, TestKey } from './test-app';

interface Answer {
  status: number;
  body: { orderId?: string; code?: string; details?: { orderId?: string } };
}

const orderIdOf = (answer: Answer): string => answer.body.orderId ?? answer.body.details?.orderId ?? '';

/**
 * Bursts of orders on one account arrive while earlier ones are being recorded and are decided together: the
 * outcome must be the one of placing them one after another (buying power and working quantity consumed by the
 * accepted ones before, duplicates refused, a bad order failing alone).
 */
describe('a burst of orders on one account', () => {
  let t: TestApp;
  let trader: TestKey;
  let store: EventStore;
  let base: string;

  beforeAll(async () => {
    ({ t, trader, store, base } = await startTraderApp());
  });
  afterAll(async () => t.close());

  const burst = (bodies: Record<string, unknown>[]): Promise<Answer[]> => {
    const headers = { authorization: `Bearer ${trader.token}`, 'content-type': 'application/json' };
    return Promise.all(
      bodies.map(async (body) => {
        const res = await fetch(`${base}/api/orders`, { method: 'POST', headers, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as Answer['body'] };
      }),
    );
  };

  const reservationsOf = async (accountId: string) =>
    (await store.readStream(accountStream(accountId))).filter((e) => e.type === 'FundsReserved').map((e) => e.data as { orderId: string; amountPaise: number });

  it('accepts exactly the orders the buying power covers and refuses the rest with INSUFFICIENT_FUNDS', async () => {
    const cash = 23_500_000;
    const opened = await t.as(trader.token).post('/api/accounts').send({ name: 'burst funds', initialCashPaise: cash });
    const accountId = opened.body.accountId as string;

    const answers = await burst(Array.from({ length: 12 }, () => ({ accountId, ...LIMIT_ORDER })));

    const reservations = await reservationsOf(accountId);
    const each = reservations[0].amountPaise;
    expect(reservations.every((r) => r.amountPaise === each)).toBe(true);
    const accepted = answers.filter((a) => a.status === 201);
    expect(accepted).toHaveLength(Math.floor(cash / each));
    expect(accepted.length).toBeGreaterThan(1);
    expect(answers.filter((a) => a.status === 422).map((a) => a.body.code)).toEqual(Array(12 - accepted.length).fill('INSUFFICIENT_FUNDS'));
    expect(new Set(reservations.map((r) => r.orderId))).toEqual(new Set(accepted.map(orderIdOf)));
    for (const answer of answers) {
      const types = (await store.readStream(orderStream(orderIdOf(answer)))).map((e) => e.type);
      expect(types).toEqual(['OrderPlaced', answer.status === 201 ? 'OrderAccepted' : 'OrderRejected']);
    }
  });

  it('counts the accepted orders of the burst as working quantity against the position limit', async () => {
    const accountId = await openAccount(t, trader, 'burst limit');
    const limits = await t.api.post(`/api/accounts/${accountId}/risk-limits`).send({ maxPositionQuantity: 300 });
    expect(limits.status).toBe(200);
    await t.as(trader.token).post('/api/orders').send({ accountId, ...LIMIT_ORDER, quantity: 50 }).expect(201);

    const answers = await burst(Array.from({ length: 8 }, () => ({ accountId, ...LIMIT_ORDER, quantity: 100 })));

    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 422).map((a) => a.body.code)).toEqual(Array(6).fill('POSITION_LIMIT'));
  });

  it('records one order for concurrent requests with the same clientOrderId and fails a bad order alone', async () => {
    const accountId = await openAccount(t, trader, 'burst duplicates');
    const same = { accountId, ...LIMIT_ORDER, clientOrderId: 'dup-1' };
    const answers = await burst([same, same, same, { accountId, ...LIMIT_ORDER, instrument: 'NOPE' }, same, { accountId, ...LIMIT_ORDER }]);

    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 400, 409, 409, 409]);
    expect(answers[3].body.code).toBe('UNKNOWN_INSTRUMENT');
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'ORDER_ALREADY_EXISTS')).toBe(true);
    expect(await reservationsOf(accountId)).toHaveLength(2);
  });
  it('does not read the stream of an order id it generated, but reads one derived from a clientOrderId, and records both', async () => {
    const opened = await t.as(trader.token).post('/api/accounts').send({ name: 'burst reads', initialCashPaise: 1_000_000_000 });
    const accountId = opened.body.accountId as string;
    const read = jest.spyOn(store, 'readStream');
    let answers: Answer[];
    let streamsRead: string[];
    try {
      answers = await burst([{ accountId, ...LIMIT_ORDER }, { accountId, ...LIMIT_ORDER }, { accountId, ...LIMIT_ORDER, clientOrderId: 'read-me' }]);
      streamsRead = read.mock.calls.map(([stream]) => stream);
    } finally {
      read.mockRestore();
    }
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    const [generated1, generated2, derived] = answers.map((a) => orderStream(orderIdOf(a)));
    expect({ generated1: streamsRead.includes(generated1), generated2: streamsRead.includes(generated2), derived: streamsRead.includes(derived) }).toEqual({
      generated1: false,
      generated2: false,
      derived: true,
    });
    for (const stream of [generated1, generated2, derived]) {
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']);
    }
  });
});
