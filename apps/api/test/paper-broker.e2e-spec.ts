import { applyBasisPoints, orderStream } from '@robo/domain';
import { MarketDataService } from '../src/market/market-data.service';
import { engineOf, openPaperAccount, placeOrder, startPaperApp, streamEvents } from './paper-fixtures';
import type { TestApp } from './test-app';

type Fill = { fillId: string; quantity: number; pricePaise: number; feesPaise: number; occurredAt: string };
const TICK = 5;

describe('paper broker: orders placed over HTTP execute against the simulated market', () => {
  let t: TestApp;
  let market: MarketDataService;
  let accountId: string;
  const order = (extra: Record<string, unknown>) => ({ accountId, instrument: 'INFY', side: 'BUY', quantity: 10, type: 'MARKET', product: 'MIS', validity: 'DAY', ...extra });
  const typesOf = async (orderId: string) => (await streamEvents(t, orderStream(orderId))).map((e) => e.type);
  const fillsOf = async (orderId: string) =>
    (await streamEvents(t, orderStream(orderId))).filter((e) => e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled').map((e) => e.data as Fill);

  beforeAll(async () => {
    t = await startPaperApp();
    market = t.app.get(MarketDataService);
    accountId = await openPaperAccount(t);
    await engineOf(t).step(); // the market has traded once
  });
  afterAll(async () => t.close());

  it('MARKET: fills the whole quantity at the touch plus the slippage, rounded up to the tick, on the next step', async () => {
    const orderId = await placeOrder(t, order({}));
    const at = await engineOf(t).step();
    const quote = market.quote('INFY')!;
    const slip = Math.ceil(applyBasisPoints(quote.askPaise, 5) / TICK) * TICK;
    const [fill] = await fillsOf(orderId);
    expect(fill).toMatchObject({ quantity: 10, pricePaise: quote.askPaise + slip, occurredAt: at });
    expect(slip).toBeGreaterThan(0);
    expect(fill.feesPaise).toBeGreaterThan(0);
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderFilled']);
  });

  it('LIMIT: a buy below the market does not fill; a buy above it fills at the ask, partially when volume is short', async () => {
    const last = market.quote('INFY')!.lastPaise;
    const below = await placeOrder(t, order({ type: 'LIMIT', limitPricePaise: Math.floor((last * 0.8) / TICK) * TICK, product: 'CNC' }));
    const above = await placeOrder(t, order({ type: 'LIMIT', limitPricePaise: Math.floor((last * 1.2) / TICK) * TICK, quantity: 5000, product: 'CNC' }));
    const asks: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await engineOf(t).step();
      asks.push(market.quote('INFY')!.askPaise);
    }
    expect(await fillsOf(below)).toEqual([]);
    const fills = await fillsOf(above);
    expect(fills.length).toBeGreaterThanOrEqual(2); // 5000 shares against ~500 a step: several partial fills
    fills.forEach((f, i) => expect(f.pricePaise).toBe(asks[i]));
    expect(fills.every((f) => f.quantity < 5000)).toBe(true);
    expect(await typesOf(above)).toContain('OrderPartiallyFilled');
  });

  it('SL-M: a sell stop whose trigger is reached triggers, then fills at the bid less slippage in the same step', async () => {
    const last = market.quote('INFY')!.lastPaise;
    const orderId = await placeOrder(t, order({ side: 'SELL', type: 'SL-M', triggerPricePaise: Math.ceil((last * 1.1) / TICK) * TICK }));
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'OrderAccepted']);
    await engineOf(t).step();
    const quote = market.quote('INFY')!;
    const slip = Math.ceil(applyBasisPoints(quote.bidPaise, 5) / TICK) * TICK;
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderTriggered', 'OrderFilled']);
    expect((await fillsOf(orderId))[0]).toMatchObject({ quantity: 10, pricePaise: quote.bidPaise - slip });
  });

  it('SL-M: a buy stop above the market waits', async () => {
    const last = market.quote('INFY')!.lastPaise;
    const orderId = await placeOrder(t, order({ type: 'SL-M', triggerPricePaise: Math.ceil((last * 1.5) / TICK) * TICK }));
    await engineOf(t).step();
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'OrderAccepted']);
  });

  it('IOC: what cannot fill at once expires at the next step', async () => {
    const last = market.quote('INFY')!.lastPaise;
    const orderId = await placeOrder(t, order({ type: 'LIMIT', limitPricePaise: Math.floor((last * 0.8) / TICK) * TICK, validity: 'IOC' }));
    await engineOf(t).step();
    const events = await streamEvents(t, orderStream(orderId));
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderExpired']);
    expect(events[2].data).toMatchObject({ reason: 'IOC remainder', expiredQuantity: 10 });
  });

  it('fills carry the correlation id of the placement and the paper broker as actor', async () => {
    const res = await t.api.post('/api/orders').set('x-correlation-id', 'paper-corr-1').send(order({}));
    await engineOf(t).step();
    const events = await streamEvents(t, orderStream(res.body.orderId));
    const correlationId = `key:${t.admin.kid}:paper-corr-1`; // a client's id, namespaced by its key
    expect(events.map((e) => e.metadata.correlationId)).toEqual([correlationId, correlationId, correlationId]);
    expect(events[2].metadata.actor).toBe('system:paper-broker');
  });

  it('MIS: open intraday positions are squared off after the 15:20 IST cut-off; DAY orders expire at the close', async () => {
    const last = market.quote('INFY')!.lastPaise;
    const resting = await placeOrder(t, order({ type: 'LIMIT', limitPricePaise: Math.floor((last * 0.5) / TICK) * TICK }));
    await placeOrder(t, order({ instrument: 'TCS', side: 'SELL', quantity: 7 })); // an intraday short
    await engineOf(t).runUntil('2026-11-20T15:19:00+05:30');
    expect((await streamEvents(t, `position-${accountId}-TCS`)).map((e) => e.type)).toEqual(['PositionOpened']);
    await engineOf(t).runUntil('2026-11-20T15:25:00+05:30');
    const position = await streamEvents(t, `position-${accountId}-TCS`);
    const lastEvent = position[position.length - 1];
    expect(lastEvent.type).toBe('PositionClosed');
    expect(Date.parse(lastEvent.metadata.occurredAt)).toBeGreaterThanOrEqual(Date.parse('2026-11-20T15:20:00+05:30'));
    expect(await typesOf(resting)).toEqual(['OrderPlaced', 'OrderAccepted']);
    await engineOf(t).runUntil('2026-11-23T09:17:00+05:30'); // Monday: the first step of the next session
    const expired = await streamEvents(t, orderStream(resting));
    expect(expired.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderExpired']);
    expect(expired[2].data).toMatchObject({ reason: 'end of day (DAY validity)' });
  });

  it('GET /api/market/quotes and /option-chain answer from the same market', async () => {
    const quotes = await t.api.get('/api/market/quotes?symbols=INFY,NIFTY');
    expect(quotes.status).toBe(200);
    expect(quotes.body.quotes.map((q: { symbol: string }) => q.symbol)).toEqual(['INFY', 'NIFTY']);
    expect(quotes.body.quotes[0].lastPaise).toBe(market.quote('INFY')!.lastPaise);
    const chain = await t.api.get('/api/market/option-chain?underlying=NIFTY&strikes=2');
    expect(chain.status).toBe(200);
    expect(chain.body.rows).toHaveLength(5);
    expect(chain.body.lotSize).toBe(65); // NIFTY from the January 2026 expiries
    expect((await t.api.get('/api/market/quotes?symbols=NOPE')).body.code).toBe('UNKNOWN_INSTRUMENT');
    expect((await t.api.get('/api/market/option-chain?underlying=NOPE')).status).toBe(400);
  });
});
