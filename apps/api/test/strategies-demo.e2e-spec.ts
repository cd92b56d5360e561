import { READ_MODEL_STORE, type PositionCycleDoc, type ReadModelStore } from '@robo/read-models';
import type { EventEnvelope } from '@robo/event-store';
import { DEMO_CASH_PAISE, demoIds } from '../src/demo/demo.service';
import { MarketDataService } from '../src/market/market-data.service';
import { allEvents, engineOf, startPaperApp, storeOf } from './paper-fixtures';
import type { TestApp } from './test-app';

const SEED = 'demo-e2e';
const ids = demoIds(SEED);
const DEMO_ENV = { DEMO: 'true', MARKET_SEED: SEED, MARKET_STEP_SECONDS: '300' };
const MIDDAY = '2026-11-20T12:00:00+05:30';
const AFTER_CLOSE = '2026-11-20T15:35:00+05:30';

interface Portfolio {
  cashPaise: number;
  marketValuePaise: number;
  equityPaise: number;
  realizedNetPaise: number;
  unrealizedPnlPaise: number;
  positions: { instrument: string; quantity: number; marketValuePaise: number }[];
}

const DOMAIN_STREAM = /^(account|order|position|strategy)-/;
/** The log as a comparable value: per stream, each event's type, data, business time and correlation id. */
function logOf(events: EventEnvelope[]): Record<string, unknown[]> {
  const streams: Record<string, unknown[]> = {};
  for (const e of events) {
    if (!DOMAIN_STREAM.test(e.streamName)) continue;
    (streams[e.streamName] ??= []).push({ type: e.type, data: e.data, occurredAt: e.metadata.occurredAt, correlationId: e.metadata.correlationId, actor: e.metadata.actor });
  }
  return streams;
}

describe('the demo: a simulated session of the two sample strategies, through the ordinary command path', () => {
  let a: TestApp;
  let b: TestApp;
  let midday: Portfolio;
  let middayQuotes: Map<string, number>;

  const portfolio = async (t: TestApp): Promise<Portfolio> => {
    const head = await storeOf(t).headPosition();
    const res = await t.api.get(`/api/accounts/${ids.accountId}/portfolio?minPosition=${head}`);
    expect(res.status).toBe(200);
    return res.body as Portfolio;
  };

  beforeAll(async () => {
    a = await startPaperApp(DEMO_ENV);
    await engineOf(a).runUntil(MIDDAY);
    midday = await portfolio(a);
    const market = a.app.get(MarketDataService);
    middayQuotes = new Map(midday.positions.map((p) => [p.instrument, market.quote(p.instrument)!.lastPaise]));
    await engineOf(a).runUntil(AFTER_CLOSE);
    b = await startPaperApp(DEMO_ENV);
    await engineOf(b).runUntil(AFTER_CLOSE);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('creates the paper account and two active strategies as system:demo', async () => {
    const strategies = (await allEvents(a)).filter((e) => e.streamName.startsWith('strategy-'));
    expect(strategies.map((e) => e.type).sort()).toEqual(['StrategyActivated', 'StrategyActivated', 'StrategyRegistered', 'StrategyRegistered']);
    expect(strategies.every((e) => e.metadata.actor === 'system:demo')).toBe(true);
    const account = await a.api.get(`/api/accounts/${ids.accountId}`);
    expect(account.status).toBe(200);
  });

  it('every demo order carries its strategy id, and its fills and position changes carry the order correlation id', async () => {
    const events = await allEvents(a);
    const placed = events.filter((e) => e.type === 'OrderPlaced' && (e.data as { accountId: string }).accountId === ids.accountId);
    const strategyOf = (e: EventEnvelope) => (e.data as { strategyId: string | null }).strategyId;
    expect(placed.filter((e) => strategyOf(e) === ids.maStrategyId).length).toBeGreaterThan(0);
    const legs = placed.filter((e) => strategyOf(e) === ids.straddleStrategyId);
    expect(legs.length).toBeGreaterThanOrEqual(2);
    expect(placed.every((e) => strategyOf(e) === ids.maStrategyId || strategyOf(e) === ids.straddleStrategyId)).toBe(true);
    // The straddle's two entry legs are one basket: one decision, one correlation id.
    const entries = legs.filter((e) => (e.data as { side: string; orderType: string }).side === 'SELL' && (e.data as { orderType: string }).orderType === 'MARKET');
    expect(entries.map((e) => (e.data as { instrument: string }).instrument).sort()).toEqual([expect.stringMatching(/^NIFTY .* CE$/), expect.stringMatching(/^NIFTY .* PE$/)]);
    expect(new Set(entries.map((e) => e.metadata.correlationId)).size).toBe(1);
    let fills = 0;
    for (const order of placed) {
      const orderId = (order.data as { orderId: string }).orderId;
      const orderFills = events.filter((e) => (e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled') && (e.data as { orderId: string }).orderId === orderId);
      for (const fill of orderFills) {
        fills += 1;
        expect(fill.metadata.correlationId).toBe(order.metadata.correlationId);
        const effects = events.filter((e) => e.metadata.causationId === fill.metadata.eventId);
        expect(effects.length).toBeGreaterThan(0);
        expect(effects.every((e) => e.metadata.correlationId === order.metadata.correlationId)).toBe(true);
      }
    }
    expect(fills).toBeGreaterThan(0);
  });

  it('midday: cash + market value = equity, positions valued at the live quotes', () => {
    expect(midday.positions.length).toBeGreaterThan(0);
    expect(midday.cashPaise + midday.marketValuePaise).toBe(midday.equityPaise);
    for (const p of midday.positions) expect(p.marketValuePaise).toBe(p.quantity * middayQuotes.get(p.instrument)!);
  });

  it('after the close: MIS positions squared off, realized P&L = the sum over closed trades = equity - initial cash', async () => {
    const end = await portfolio(a);
    expect(end.positions.every((p) => p.quantity === 0)).toBe(true);
    expect(end.cashPaise + end.marketValuePaise).toBe(end.equityPaise);
    const reads = a.app.get<ReadModelStore>(READ_MODEL_STORE);
    const cycles = await reads.find<PositionCycleDoc>('position_cycles', { where: { accountId: ids.accountId }, orderBy: { field: 'openedAt', direction: 'asc' }, limit: 1000 });
    expect(cycles.items.length).toBeGreaterThan(0);
    expect(cycles.items.every((c) => c.status === 'CLOSED')).toBe(true);
    expect(end.realizedNetPaise).toBe(cycles.items.reduce((s, c) => s + c.realizedNetPaise, 0));
    expect(end.equityPaise - DEMO_CASH_PAISE).toBe(end.realizedNetPaise);
  });

  it('reproducible: the same seed and clock give the same event log', async () => {
    const logA = logOf(await allEvents(a));
    const logB = logOf(await allEvents(b));
    expect(Object.keys(logA).length).toBeGreaterThan(5);
    expect(logB).toEqual(logA);
  });
});
