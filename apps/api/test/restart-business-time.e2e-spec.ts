import { InstrumentCatalog, type MarketCalendar } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { createSimulation, defaultSimInstruments } from '@robo/market-data';
import { READ_MODEL_STORE, type PositionCycleDoc, type ReadModelStore } from '@robo/read-models';
import { CLOCK, type Clock, INSTRUMENTS, latestBusinessTime, MARKET_CALENDAR } from '@robo/runtime';
import { demoIds } from '../src/demo/demo.service';
import { MarketDataService } from '../src/market/market-data.service';
import { OrderPlacer } from '../src/paper/order-placer';
import { allEvents, engineOf, startPaperApp, storeOf } from './paper-fixtures';
import { type TestApp, tokenFor } from './test-app';

const SEED = 'restart-e2e';
const ids = demoIds(SEED);
const STEP_SECONDS = 60;
/** The demo as `npm start` runs it: no CLOCK_START, the market clock from the latest session open (or the log). */
const DEMO_ENV = { DEMO: 'true', MARKET_SEED: SEED, MARKET_STEP_SECONDS: String(STEP_SECONDS), CLOCK_START: '' };
const HOUR = 3_600_000;
const plus = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();

describe('a demo restart: business time resumes from the log, the market and the strategies go on', () => {
  let first: TestApp;
  let second: TestApp;
  let startedAt: string;
  let stoppedAt: string;
  let resumedAt: string;
  let firstRunEvents: number;
  let afterRestart: EventEnvelope[];
  let quoteAfterRestart: { at: string; infy: number };

  beforeAll(async () => {
    first = await startPaperApp(DEMO_ENV);
    startedAt = first.app.get<Clock>(CLOCK).now();
    // Into the next trading day: positions opened then would be closed at replayed earlier times by a rewound clock.
    await engineOf(first).runUntil(plus(startedAt, 27 * HOUR));
    stoppedAt = (await latestBusinessTime(storeOf(first)))!;
    firstRunEvents = (await allEvents(first)).length;
    await first.close();

    second = await startPaperApp({ ...DEMO_ENV, DATA_DIR: first.dataDir });
    resumedAt = second.app.get<Clock>(CLOCK).now();
    await engineOf(second).step();
    const market = second.app.get(MarketDataService);
    quoteAfterRestart = { at: market.feed.now(), infy: market.quote('INFY')!.lastPaise };
    // Past that day's MIS square-off and close.
    await engineOf(second).runUntil(plus(resumedAt, 7 * HOUR));
    afterRestart = (await allEvents(second)).slice(firstRunEvents);
  }, 180_000);
  afterAll(async () => {
    await second?.close();
  });

  it('business time after the restart is not before the time the log had reached', () => {
    expect(Date.parse(stoppedAt)).toBeGreaterThan(Date.parse(startedAt));
    expect(resumedAt).toBe(stoppedAt);
    expect(afterRestart.length).toBeGreaterThan(0);
    const earlier = afterRestart.filter((e) => /^(account|order|position|strategy)-/.test(e.streamName) && Date.parse(e.metadata.occurredAt) < Date.parse(stoppedAt));
    expect(earlier.map((e) => `${e.type} ${e.metadata.occurredAt}`)).toEqual([]);
  });

  it('the simulated market continues its price path instead of replaying it from the seed', () => {
    // The same market never restarted: the seed's path from the first start, stepped to the same instant.
    const uninterrupted = createSimulation({
      seed: SEED,
      instruments: defaultSimInstruments(second.app.get<InstrumentCatalog>(INSTRUMENTS)),
      start: startedAt,
      stepSeconds: STEP_SECONDS,
      calendar: second.app.get<MarketCalendar>(MARKET_CALENDAR),
    });
    while (Date.parse(uninterrupted.nextStepAt()) <= Date.parse(quoteAfterRestart.at)) uninterrupted.step();
    expect(quoteAfterRestart.at > stoppedAt).toBe(true);
    expect(uninterrupted.now()).toBe(quoteAfterRestart.at);
    expect(quoteAfterRestart.infy).toBe(uninterrupted.quote('INFY')!.lastPaise);
  });

  it('the strategies place new orders after the restart, none refused for a client order id already used', () => {
    const placed = afterRestart.filter((e) => e.type === 'OrderPlaced' && (e.data as { accountId: string }).accountId === ids.accountId);
    expect(placed.filter((e) => (e.data as { strategyId: string | null }).strategyId === ids.maStrategyId).length).toBeGreaterThan(0);
    expect(second.app.get(OrderPlacer).outcomes.keyReused).toBe(0);
  });

  it('no position cycle closes before it opened', async () => {
    const reads = second.app.get<ReadModelStore>(READ_MODEL_STORE);
    // The admin key of the first start, exchanged for a token of this one (the second start seeds no key).
    const api = second.as(await tokenFor(second.server, first.admin.apiKey));
    await api.get(`/api/accounts/${ids.accountId}/portfolio?minPosition=${await storeOf(second).headPosition()}`).expect(200);
    const cycles = await reads.find<PositionCycleDoc>('position_cycles', { where: { accountId: ids.accountId }, orderBy: { field: 'openedAt', direction: 'asc' }, limit: 1000 });
    const closed = cycles.items.filter((c) => c.closedAt !== null);
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.filter((c) => Date.parse(c.closedAt!) < Date.parse(c.openedAt)).map((c) => `${c.instrument} ${c.openedAt} -> ${c.closedAt}`)).toEqual([]);
  });
});
