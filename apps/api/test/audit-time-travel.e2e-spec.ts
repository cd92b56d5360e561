import { EVENT_STORE, EventStore } from '@robo/event-store';
import { Cast, LIMIT_ORDER, makeCast } from './auth-fixtures';
import { startTestApp, TestApp } from './test-app';

/** Returns once the wall clock (which stamps recordedAt) reads a later millisecond: what follows is recorded after what came before. */
async function pause(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) await new Promise((resolve) => setImmediate(resolve));
}
const ITC = (over: Record<string, unknown>) => ({ ...LIMIT_ORDER, ...over });

/** The figures a live portfolio and an as-of portfolio both have. */
function comparable(p: Record<string, unknown>) {
  const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
  const positions = (p.positions as Record<string, unknown>[]).map((x) =>
    pick(x, ['instrument', 'quantity', 'costBasisPaise', 'lastPricePaise', 'markSource', 'markedAt', 'marketValuePaise', 'unrealizedPnlPaise', 'realizedGrossPaise', 'realizedNetPaise', 'feesPaise', 'openFeesPaise']),
  );
  const figures = ['cashPaise', 'reservedPaise', 'marketValuePaise', 'equityPaise', 'realizedGrossPaise', 'realizedNetPaise', 'feesPaise', 'unrealizedPnlPaise', 'netInflowPaise', 'openChargesPaise', 'totalPnlPaise', 'pnlSplit'];
  return { ...pick(p, figures), positions };
}

describe('audit: time travel, lineage and correlation trees over HTTP', () => {
  let t: TestApp;
  let c: Cast;
  let store: EventStore;
  let account: string;
  /** What GET /portfolio showed right after each step, and the instant it was read. */
  const captured: { label: string; instant: string; portfolio: Record<string, unknown> }[] = [];
  let fillCorrelation = '';
  let fillPosition = 0;

  const trader = () => t.as(c.trader.token);

  async function capture(label: string, globalPosition: number) {
    const res = await trader().get(`/api/accounts/${account}/portfolio?minPosition=${globalPosition}`);
    expect(res.status).toBe(200);
    captured.push({ label, instant: new Date().toISOString(), portfolio: res.body });
    await pause();
  }

  async function place(over: Record<string, unknown>): Promise<{ orderId: string; globalPosition: number }> {
    const res = await trader().post('/api/orders').send({ accountId: account, ...ITC(over) });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function fill(orderId: string, fillId: string, quantity: number, pricePaise: number, feesPaise: number, occurredAt: string) {
    const res = await t.as(c.broker.token).post(`/api/orders/${orderId}/fills`).send({ fillId, quantity, pricePaise, feesPaise, occurredAt });
    expect(res.status).toBe(201);
    return { globalPosition: res.body.globalPosition as number, correlationId: res.headers['x-correlation-id'] as string };
  }

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    c = await makeCast(t);
    const opened = await trader().post('/api/accounts').send({ name: 'time traveller', initialCashPaise: 100_000_000 });
    expect(opened.status).toBe(201);
    account = opened.body.accountId;
    // the trader's new account must be readable with the same token: grants follow the opener
    await capture('opened', opened.body.globalPosition);
    const buy = await place({ quantity: 100, limitPricePaise: 45_000 });
    await capture('buy placed', buy.globalPosition);
    const f1 = await fill(buy.orderId, 'T-1', 40, 44_900, 100, '2026-11-20T10:05:00+05:30');
    fillCorrelation = f1.correlationId;
    fillPosition = f1.globalPosition;
    await capture('first fill', f1.globalPosition);
    const f2 = await fill(buy.orderId, 'T-2', 60, 45_000, 150, '2026-11-20T10:10:00+05:30');
    await capture('filled', f2.globalPosition);
    const sell = await place({ side: 'SELL', quantity: 50, limitPricePaise: 45_500 });
    const f3 = await fill(sell.orderId, 'T-3', 50, 45_500, 80, '2026-11-20T10:20:00+05:30');
    await capture('sold half', f3.globalPosition);
    // Reported last, happened first (10:02, before T-1): the back-dated fill.
    const late = await place({ quantity: 10, limitPricePaise: 45_400 });
    const f4 = await fill(late.orderId, 'T-0', 10, 45_400, 20, '2026-11-20T10:02:00+05:30');
    await capture('back-dated fill', f4.globalPosition);
  }, 30_000);
  afterAll(async () => t.close());

  it('rebuilds, as of each captured instant (recorded time), exactly what the live read model showed then', async () => {
    expect(captured.map((s) => s.label)).toHaveLength(6);
    for (const snapshot of captured) {
      const res = await trader().get(`/api/accounts/${account}/portfolio?asOf=${encodeURIComponent(snapshot.instant)}&time=recorded`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accountId: account, exists: true, time: 'recorded' });
      expect([snapshot.label, comparable(res.body)]).toEqual([snapshot.label, comparable(snapshot.portfolio)]);
    }
    // the history moved: the snapshots are not all the same
    expect(new Set(captured.map((s) => JSON.stringify(comparable(s.portfolio)))).size).toBe(6);
  });

  it('gives different, correct answers by business and by recorded time for a back-dated fill', async () => {
    const now = new Date().toISOString();
    const recorded = (await trader().get(`/api/accounts/${account}/portfolio?asOf=${now}&time=recorded`)).body;
    const business = (await trader().get(`/api/accounts/${account}/portfolio?asOf=${encodeURIComponent('2026-11-20T10:30:00+05:30')}&time=business`)).body;
    // Log order: 40 @ 449 + 60 @ 450 = 44,96,000 for 100; selling 50 closes half (22,48,000): gross 22,75,000 - 22,48,000
    expect(recorded.positions[0]).toMatchObject({ instrument: 'ITC', quantity: 60, costBasisPaise: 2_248_000 + 454_000, realizedGrossPaise: 27_000 });
    // Business order: the 10 @ 454 came first: 110 for 49,50,000; selling 50 closes 50/110 of it (22,50,000)
    expect(business.positions[0]).toMatchObject({ instrument: 'ITC', quantity: 60, costBasisPaise: 2_700_000, realizedGrossPaise: 25_000 });
    expect(business.cashPaise).toBe(recorded.cashPaise);
    // At 10:03 business time only the back-dated fill had happened; by recorded time it was known last of all.
    const early = (await trader().get(`/api/accounts/${account}/portfolio?asOf=${encodeURIComponent('2026-11-20T10:03:00+05:30')}&time=business`)).body;
    // No market feed in this app: marked at cost, flagged, never at the account's own fill price
    expect(early.positions).toEqual([expect.objectContaining({ instrument: 'ITC', quantity: 10, costBasisPaise: 454_000, lastPricePaise: null, markSource: 'COST', unrealizedPnlPaise: 0 })]);
    expect(early.cashPaise).toBe(100_000_000 - 454_000 - 20);
    const beforeLate = (await trader().get(`/api/accounts/${account}/portfolio?asOf=${captured[4].instant}&time=recorded`)).body;
    expect(beforeLate.positions[0]).toMatchObject({ quantity: 50, costBasisPaise: 2_248_000 });
  });

  it('explains a figure by exactly the events that produced it, adding up to the read model', async () => {
    const live = captured[captured.length - 1].portfolio as { cashPaise: number; positions: { realizedNetPaise: number; feesPaise: number; quantity: number }[] };
    const cash = await trader().get(`/api/lineage?accountId=${account}&figure=cash`);
    expect(cash.status).toBe(200);
    const accountEvents = await store.readStream(`account-${account}`, { maxCount: 1000 });
    const moving = accountEvents.filter((e) => ['AccountOpened', 'FundsDeposited', 'FundsWithdrawn', 'CashSettled'].includes(e.type));
    expect(cash.body.contributions.map((x: { eventId: string }) => x.eventId)).toEqual(moving.map((e) => e.metadata.eventId));
    expect(cash.body.contributions.map((x: { amount: number }) => x.amount)).toEqual([100_000_000, -(1_796_000 + 100), -(2_700_000 + 150), 2_275_000 - 80, -(454_000 + 20)]);
    expect(cash.body.value).toBe(live.cashPaise);
    // The opening is the trader's; the settlements follow the fills, which the broker reported.
    const actors = [`key:${c.trader.kid}`, ...Array(4).fill(`key:${c.broker.kid}`)];
    cash.body.contributions.forEach((x: unknown, i: number) => expect(x).toMatchObject({ actor: actors[i], correlationId: expect.any(String), globalPosition: expect.any(Number) }));

    const realized = await trader().get(`/api/lineage?accountId=${account}&figure=realized:ITC`);
    expect(realized.body.contributions.map((x: { type: string }) => x.type)).toEqual(['PositionReduced']);
    expect(realized.body.value).toBe(live.positions[0].realizedNetPaise);
    const quantity = await trader().get(`/api/lineage?accountId=${account}&figure=quantity:ITC`);
    expect(quantity.body.contributions.map((x: { amount: number }) => x.amount)).toEqual([40, 60, -50, 10]);
    expect(quantity.body.value).toBe(live.positions[0].quantity);
    const fees = await trader().get(`/api/lineage?accountId=${account}&figure=fees:ITC`);
    expect(fees.body.value).toBe(live.positions[0].feesPaise);

    const unknown = await trader().get(`/api/lineage?accountId=${account}&figure=nonsense`);
    expect([unknown.status, unknown.body.code]).toEqual([400, 'UNKNOWN_FIGURE']);
  });

  it('refuses the figure of an instrument the account never traded (unknown or not), as the CLI does: no zero', async () => {
    const answers = [];
    for (const figure of ['realized:NOPE', 'quantity:RELIANCE', 'fees:NOPE', 'realized-gross:INFY']) {
      const res = await trader().get(`/api/lineage?accountId=${account}&figure=${encodeURIComponent(figure)}`);
      answers.push([figure, res.status, res.body.code, typeof res.body.message]);
    }
    expect(answers).toEqual([
      ['realized:NOPE', 404, 'UNKNOWN_FIGURE', 'string'],
      ['quantity:RELIANCE', 404, 'UNKNOWN_FIGURE', 'string'],
      ['fees:NOPE', 404, 'UNKNOWN_FIGURE', 'string'],
      ['realized-gross:INFY', 404, 'UNKNOWN_FIGURE', 'string'],
    ]);
    // A traded instrument still answers.
    expect((await trader().get(`/api/lineage?accountId=${account}&figure=realized:ITC`)).status).toBe(200);
  });

  it('shows the causal tree of a fill: the fill, then the position and cash changes it caused', async () => {
    const res = await t.as(c.auditor.token).get(`/api/audit/correlations/${fillCorrelation}?minPosition=${fillPosition}`);
    expect(res.status).toBe(200);
    const fillNode = res.body.commands.flatMap((cmd: { events: unknown[] }) => cmd.events).find((e: { type: string }) => e.type === 'OrderPartiallyFilled');
    expect(fillNode).toBeDefined();
    const reactions = fillNode.children.map((e: { type: string }) => e.type);
    expect(reactions).toEqual(expect.arrayContaining(['PositionOpened', 'CashSettled']));
    const logged = (await store.readAll({ maxCount: 100_000 })).filter((e) => e.metadata.correlationId === fillCorrelation);
    expect(res.body.eventCount).toBe(logged.length);
    const missing = await t.as(c.auditor.token).get('/api/audit/correlations/no-such-correlation');
    expect([missing.status, missing.body.code]).toEqual([404, 'CORRELATION_NOT_FOUND']);
  });

  it('replays a stream up to a revision or as of an instant', async () => {
    const stream = `position-${account}-ITC`;
    const first = await trader().get(`/api/streams/${stream}/state?toRevision=0`);
    expect(first.body).toMatchObject({ stream, revision: 0, eventCount: 1, state: expect.objectContaining({ quantity: 40 }) });
    const steps = await trader().get(`/api/streams/${stream}/state?steps=true`);
    expect(steps.body.steps.map((s: { type: string }) => s.type)).toEqual(['PositionOpened', 'PositionIncreased', 'PositionReduced', 'PositionIncreased']);
    expect(steps.body.steps[2].changes).toEqual(expect.arrayContaining([{ path: 'quantity', before: 100, after: 50 }]));
    const asOf = await trader().get(`/api/streams/${stream}/state?asOf=${captured[2].instant}`);
    expect(asOf.body).toMatchObject({ revision: 0, time: 'recorded' });
    const both = await trader().get(`/api/streams/${stream}/state?toRevision=0&asOf=${captured[2].instant}`);
    expect([both.status, both.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('lets auditors read any account and traders only theirs, and refuses bad instants', async () => {
    const path = `/api/accounts/${account}/portfolio?asOf=${encodeURIComponent('2026-11-20T10:30:00+05:30')}&time=business`;
    expect((await t.as(c.auditor.token).get(path)).status).toBe(200);
    const stranger = await t.as(c.stranger.token).get(path);
    expect([stranger.status, stranger.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    const lineage = await t.as(c.stranger.token).get(`/api/lineage?accountId=${account}&figure=cash`);
    expect([lineage.status, lineage.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    const tree = await t.as(c.stranger.token).get(`/api/audit/correlations/${fillCorrelation}`);
    expect([tree.status, tree.body.code]).toEqual([404, 'CORRELATION_NOT_FOUND']);
    const state = await t.as(c.stranger.token).get(`/api/streams/account-${account}/state`);
    expect([state.status, state.body.code]).toEqual([404, 'STREAM_NOT_FOUND']);
    const before = await store.headPosition();
    for (const bad of ['yesterday', '2026-13-45T10:00:00Z', '2026-11-20T10:00:00']) {
      const res = await trader().get(`/api/accounts/${account}/portfolio?asOf=${encodeURIComponent(bad)}`);
      expect([bad, res.status]).toEqual([bad, 400]);
    }
    const axis = await trader().get(`/api/accounts/${account}/portfolio?asOf=${captured[0].instant}&time=sideways`);
    expect(axis.status).toBe(400);
    expect(await store.headPosition()).toBe(before);
  });
});
