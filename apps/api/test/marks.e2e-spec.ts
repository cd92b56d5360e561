import { InstrumentCatalog, MARKET_PRICES_STREAM, marketPriceInterval, type MarketCalendar, type MarketPricesRecordedData } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { derivedId, WriteStep } from '@robo/write-path';
import { MarketDataService } from '../src/market/market-data.service';
import { engineOf, openPaperAccount, placeOrder, startPaperApp, storeOf } from './paper-fixtures';
import { startTestApp, type TestApp } from './test-app';

interface Position {
  instrument: string;
  quantity: number;
  costBasisPaise: number;
  lastPricePaise: number | null;
  markSource: string | null;
  markedAt: string | null;
  marketValuePaise: number;
  unrealizedPnlPaise: number;
  realizedNetPaise: number;
  openFeesPaise: number;
}
interface Portfolio {
  cashPaise: number;
  reservedPaise: number;
  marketValuePaise: number;
  equityPaise: number;
  realizedNetPaise: number;
  unrealizedPnlPaise: number;
  openChargesPaise: number;
  netInflowPaise: number;
  totalPnlPaise: number;
  pnlSplit: { realizedNetPaise: number; unrealizedPnlPaise: number; openChargesPaise: number };
  priced: boolean;
  positions: Position[];
}

/** The identities every portfolio answer must satisfy, live or as of an instant. */
function expectIdentities(p: Portfolio): void {
  expect(p.equityPaise).toBe(p.cashPaise + p.marketValuePaise);
  expect(p.marketValuePaise).toBe(p.positions.reduce((s, x) => s + x.marketValuePaise, 0));
  expect(p.totalPnlPaise).toBe(p.equityPaise - p.netInflowPaise);
  expect(p.pnlSplit.realizedNetPaise + p.pnlSplit.unrealizedPnlPaise - p.pnlSplit.openChargesPaise).toBe(p.totalPnlPaise);
}

const figures = (p: Portfolio) => {
  const { cashPaise, reservedPaise, marketValuePaise, equityPaise, realizedNetPaise, unrealizedPnlPaise, openChargesPaise, netInflowPaise, totalPnlPaise, pnlSplit, priced } = p;
  return { cashPaise, reservedPaise, marketValuePaise, equityPaise, realizedNetPaise, unrealizedPnlPaise, openChargesPaise, netInflowPaise, totalPnlPaise, pnlSplit, priced, positions: p.positions };
};

describe('marks from the market, never from another account (no feed: marked at cost, flagged)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function buy(accountId: string, quantity: number, pricePaise: number, fillId: string) {
    const placed = await t.api.post('/api/orders').send({ accountId, instrument: 'RELIANCE', side: 'BUY', quantity, type: 'LIMIT', limitPricePaise: pricePaise, product: 'CNC', validity: 'DAY' });
    expect(placed.status).toBe(201);
    const filled = await t.api.post(`/api/orders/${placed.body.orderId}/fills`).send({ fillId, quantity, pricePaise, feesPaise: 0, occurredAt: '2026-11-20T10:01:00+05:30' });
    expect(filled.status).toBe(201);
    return filled.body.globalPosition as number;
  }

  it("another account's fill at 2,510 does not re-mark this account's RELIANCE", async () => {
    const a = (await t.api.post('/api/accounts').send({ name: 'A', initialCashPaise: 10_000_000 })).body.accountId as string;
    const b = (await t.api.post('/api/accounts').send({ name: 'B', initialCashPaise: 10_000_000 })).body.accountId as string;
    await buy(a, 10, 250_000, 'A-1');
    const head = await buy(b, 5, 251_000, 'B-1');
    const live = (await t.api.get(`/api/accounts/${a}/portfolio?minPosition=${head}`)).body as Portfolio;
    // Marked at its own cost (no market price recorded), visibly: not at B's 2,510
    expect(live.positions[0]).toMatchObject({ quantity: 10, lastPricePaise: null, markSource: 'COST', marketValuePaise: 2_500_000, unrealizedPnlPaise: 0 });
    expect([live.priced, live.unrealizedPnlPaise, live.totalPnlPaise]).toEqual([false, 0, 0]);
    expectIdentities(live);
    const asOf = (await t.api.get(`/api/accounts/${a}/portfolio?asOf=${encodeURIComponent(new Date().toISOString())}&time=recorded`)).body as Portfolio;
    expect(figures(asOf)).toEqual(figures(live));
  });
});

describe('marks from the market feed, recorded in the log (paper trading, the simulated market)', () => {
  let t: TestApp;
  let market: MarketDataService;
  let accountId: string;
  let marketEvents: EventEnvelope[];
  const recordedPrice = (events: EventEnvelope[], instrument: string, at: string) =>
    (events.find((e) => (e.data as MarketPricesRecordedData).at === at)!.data as MarketPricesRecordedData).prices.find((p) => p.instrument === instrument)!.pricePaise;
  const portfolio = async (query = ''): Promise<Portfolio> => {
    const head = await storeOf(t).headPosition();
    const res = await t.api.get(`/api/accounts/${accountId}/portfolio?minPosition=${head}${query}`);
    expect(res.status).toBe(200);
    return res.body as Portfolio;
  };
  let boughtAt: string;

  let option: string;

  beforeAll(async () => {
    t = await startPaperApp();
    market = t.app.get(MarketDataService);
    const engine = engineOf(t);
    accountId = await openPaperAccount(t, 100_000_000);
    // A derivative someone quoted (as the paper broker does for every working order) is recorded from then on
    option = market.optionChain('NIFTY', undefined, 1).rows[0].call.symbol;
    expect(market.quote(option)).not.toBeNull();
    await engine.step();
    await placeOrder(t, { accountId, instrument: 'RELIANCE', side: 'BUY', quantity: 10, type: 'MARKET', product: 'CNC', validity: 'DAY' });
    boughtAt = await engine.step();
    await engine.step();
    await engine.step();
    marketEvents = await storeOf(t).readStream(MARKET_PRICES_STREAM);
  }, 60_000);
  afterAll(async () => t?.close());

  it('records one batch of prices per market minute, appended by the market-data service', () => {
    expect(marketEvents.map((e) => e.type)).toEqual(['MarketPricesRecorded', 'MarketPricesRecorded', 'MarketPricesRecorded', 'MarketPricesRecorded']);
    expect(marketEvents.every((e) => e.metadata.actor === 'system:market-data')).toBe(true);
    const last = marketEvents[marketEvents.length - 1].data as MarketPricesRecordedData;
    expect(last.at).toBe(market.feed.now());
    expect(last.prices.find((p) => p.instrument === 'RELIANCE')!.pricePaise).toBe(market.quote('RELIANCE')!.lastPaise);
    expect(last.prices.find((p) => p.instrument === option)!.pricePaise).toBe(market.quote(option)!.lastPaise);
  });

  it('marks positions at the recorded market price, and a fill of another account changes nothing', async () => {
    const before = await portfolio();
    const quote = market.quote('RELIANCE')!.lastPaise;
    expect(before.positions[0]).toMatchObject({ instrument: 'RELIANCE', quantity: 10, lastPricePaise: quote, markSource: 'MARKET', markedAt: market.feed.now(), marketValuePaise: 10 * quote });
    expect(before.positions[0].unrealizedPnlPaise).toBe(10 * quote - before.positions[0].costBasisPaise);
    expectIdentities(before);

    // Another account trades 5 RELIANCE at 2,510.00, far from the market
    const other = await openPaperAccount(t, 100_000_000);
    const placed = await t.api.post('/api/orders').send({ accountId: other, instrument: 'RELIANCE', side: 'BUY', quantity: 5, type: 'LIMIT', limitPricePaise: 251_000, product: 'CNC', validity: 'DAY' });
    expect(placed.status).toBe(201);
    const fill = await t.api.post(`/api/orders/${placed.body.orderId}/fills`).send({ fillId: 'ticket-1', quantity: 5, pricePaise: 251_000, feesPaise: 0, occurredAt: market.feed.now() });
    expect(fill.status).toBe(201);
    const after = await portfolio();
    expect(figures(after)).toEqual(figures(before));

    // The day close is the market's last recorded price too, not the 5-share ticket
    const performance = await t.api.get(`/api/accounts/${accountId}/performance?minPosition=${fill.body.globalPosition}`);
    expect(performance.status).toBe(200);
    const close = performance.body.equityCurve.at(-1);
    expect(close).toMatchObject({ kind: 'CLOSE', marketValuePaise: 10 * quote, equityPaise: after.cashPaise + 10 * quote });
    expect(performance.body.statistics.profitPaise).toBe(after.totalPnlPaise);
  });

  it('an as-of portfolio marks at the market price as of that instant, and at now equals the live one', async () => {
    const live = await portfolio();
    const now = (await t.api.get(`/api/accounts/${accountId}/portfolio?asOf=${encodeURIComponent(market.feed.now())}&time=business`)).body as Portfolio;
    expect(figures(now)).toEqual(figures(live));

    // At the minute of the purchase: the price recorded then, so unrealized is the gap between the fill and the market
    const then = (await t.api.get(`/api/accounts/${accountId}/portfolio?asOf=${encodeURIComponent(boughtAt)}&time=business`)).body as Portfolio;
    const priceThen = recordedPrice(marketEvents, 'RELIANCE', boughtAt);
    expect(then.positions[0]).toMatchObject({ quantity: 10, lastPricePaise: priceThen, markSource: 'MARKET', markedAt: boughtAt });
    expect(then.positions[0].unrealizedPnlPaise).toBe(10 * priceThen - then.positions[0].costBasisPaise);
    // The paper fill paid the ask plus slippage, not the last price: as of then the position is not flat in value
    expect(then.positions[0].unrealizedPnlPaise).not.toBe(0);
    expectIdentities(then);
  });

  it('a restarted market-data service that records the same minutes again appends nothing', async () => {
    const store = storeOf(t);
    // A restart continues the saved market path; an explicit rewind (CLOCK_ALLOW_REWIND) is what replays the same
    // minutes, and then the derived event ids append nothing.
    const again = new MarketDataService({ ...t.config, clockAllowRewind: true }, { now: () => t.config.clockStart! }, t.app.get<InstrumentCatalog>(INSTRUMENTS), t.app.get<MarketCalendar>(MARKET_CALENDAR), store, WriteStep.over(store));
    await again.onApplicationBootstrap();
    for (let i = 0; i < marketEvents.length; i++) {
      again.step();
      await again.recordPrices();
    }
    const events = await store.readStream(MARKET_PRICES_STREAM);
    expect(events.map((e) => e.metadata.eventId)).toEqual(marketEvents.map((e) => e.metadata.eventId));
    // The next minute is new: recorded, with the derivative the last batch held (watched again after the restart)
    again.step();
    expect(await again.recordPrices()).toBe(true);
    const [next] = await store.readStream(MARKET_PRICES_STREAM, { direction: 'backwards', maxCount: 1 });
    expect((next.data as MarketPricesRecordedData).prices.map((p) => p.instrument)).toContain(option);
    again.onApplicationShutdown();
  });

  it('realized P&L is the sum of the closed trades once the position is closed', async () => {
    await placeOrder(t, { accountId, instrument: 'RELIANCE', side: 'SELL', quantity: 10, type: 'MARKET', product: 'CNC', validity: 'DAY' });
    await engineOf(t).step();
    const closed = await portfolio();
    expect(closed.positions[0]).toMatchObject({ quantity: 0, markSource: null, marketValuePaise: 0, unrealizedPnlPaise: 0 });
    expectIdentities(closed);
    const performance = (await t.api.get(`/api/accounts/${accountId}/performance?minPosition=${await storeOf(t).headPosition()}`)).body;
    const trades = performance.trades as { realizedNetPaise: number }[];
    expect(trades).toHaveLength(1);
    expect(closed.realizedNetPaise).toBe(trades.reduce((sum, x) => sum + x.realizedNetPaise, 0));
    // Flat: total P&L is the realized P&L, and the performance profit says the same
    expect(closed.totalPnlPaise).toBe(closed.realizedNetPaise);
    expect(performance.statistics.profitPaise).toBe(closed.totalPnlPaise);
  });

  it('records a minute through the write step: another recorder appending first makes it run again at the new head', async () => {
    const store = storeOf(t);
    const [latest] = await store.readStream(MARKET_PRICES_STREAM, { direction: 'backwards', maxCount: 1 });
    // The step's view of the store: once armed, right after the step reads the stream's head, another recorder (a
    // second api) appends a batch of its own, so the step's append at that head loses the race.
    let armed = false;
    let headReads = 0;
    const racing = new Proxy(store, {
      get(target, prop) {
        if (prop !== 'readStream') {
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: Parameters<typeof store.readStream>) => {
          const read = await target.readStream(...args);
          if (armed && args[0] === MARKET_PRICES_STREAM && args[1]?.direction === 'backwards' && ++headReads === 1) {
            const metadata = { ...latest.metadata, eventId: '0d6e0c2a-5b1e-4f3e-9a64-7c1b2d3e4f50', actor: 'test:other-recorder' };
            await target.append(MARKET_PRICES_STREAM, [{ type: latest.type, data: latest.data, metadata }], { expectedRevision: 'any' });
          }
          return read;
        };
      },
    });
    const recorder = new MarketDataService(t.config, { now: () => t.config.clockStart! }, t.app.get<InstrumentCatalog>(INSTRUMENTS), t.app.get<MarketCalendar>(MARKET_CALENDAR), store, WriteStep.over(racing));
    await recorder.onApplicationBootstrap();
    const stored = new Set((await store.readStream(MARKET_PRICES_STREAM)).map((e) => e.metadata.eventId));
    // Step the feed to a minute that no batch holds yet.
    for (let i = 0; i < 1000 && stored.has(derivedId(MARKET_PRICES_STREAM, marketPriceInterval(recorder.feed.now()))); i++) recorder.step();
    recorder.step();
    const before = (await store.readStream(MARKET_PRICES_STREAM)).length;
    armed = true;
    expect(await recorder.recordPrices()).toBe(true);
    recorder.onApplicationShutdown();
    const added = (await store.readStream(MARKET_PRICES_STREAM)).slice(before).map((e) => e.metadata.actor);
    expect(added).toEqual(['test:other-recorder', 'system:market-data']);
    // The first round read the head and lost the race; the second read the new head and appended.
    expect(headReads).toBe(2);
  });
});
