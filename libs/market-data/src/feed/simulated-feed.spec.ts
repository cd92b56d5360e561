import { createMarketCalendar } from '@robo/domain';
import type { Tick } from '../market-data.port';
import { blackScholes } from '../options/black-scholes';
import { createSimulation, type SimInstrument } from '../simulator/simulation';
import { SimulatedMarketDataFeed } from './simulated-feed';

const INFY: SimInstrument = { symbol: 'INFY', startPricePaise: 150_000, annualVolatility: 0.24, tickSizePaise: 5, spreadTicks: 2, volumePerMinute: 2000 };
const NIFTY: SimInstrument = { symbol: 'NIFTY', startPricePaise: 2_600_000, annualVolatility: 0.13, tickSizePaise: 5, spreadTicks: 0 };
const feedAt = (start: string, stepSeconds = 60) =>
  new SimulatedMarketDataFeed(createSimulation({ seed: 'feed', instruments: [INFY, NIFTY], start, stepSeconds, calendar: createMarketCalendar({ holidays: [] }) }));

describe('simulated feed', () => {
  it('advanceTo steps up to the session clock time and no further; closed time takes no step', () => {
    const feed = feedAt('2026-11-20T09:15:00+05:30');
    expect(feed.advanceTo('2026-11-20T09:20:30+05:30')).toBe(5); // 09:16 ... 09:20
    expect(feed.now()).toBe('2026-11-20T03:50:00.000Z');
    expect(feed.advanceTo('2026-11-20T09:20:59+05:30')).toBe(0);
    const closed = feedAt('2026-11-21T10:00:00+05:30'); // Saturday
    expect(closed.advanceTo('2026-11-21T18:00:00+05:30')).toBe(0);
  });

  it('advanceTo catches up at most maxSteps at a time', () => {
    const feed = feedAt('2026-11-20T09:15:00+05:30', 1);
    expect(feed.advanceTo('2026-11-20T15:00:00+05:30', 100)).toBe(100);
    expect(feed.now()).toBe('2026-11-20T03:46:40.000Z');
  });

  it('publishes each step to subscribers and to ticks() iterators, and quote() answers the latest', async () => {
    const feed = feedAt('2026-11-20T09:15:00+05:30');
    const seen: (readonly Tick[])[] = [];
    const unsubscribe = feed.subscribe((ticks) => seen.push(ticks));
    const controller = new AbortController();
    const iterated: Tick[][] = [];
    const consumer = (async () => {
      for await (const batch of feed.ticks({ signal: controller.signal })) {
        iterated.push(batch);
        if (iterated.length === 3) controller.abort();
      }
    })();
    const published = [feed.step(), feed.step(), feed.step()];
    await consumer;
    unsubscribe();
    feed.step();
    expect(seen).toEqual(published);
    expect(iterated).toEqual(published);
    expect(feed.quote('INFY')).toEqual(feed.simulation.quote('INFY'));
  });

  it('a slow consumer gets the newest batches, not an ever-growing queue', async () => {
    const feed = new SimulatedMarketDataFeed(createSimulation({ seed: 's', instruments: [INFY], start: '2026-11-20T09:15:00+05:30', stepSeconds: 60 }), { bufferBatches: 2 });
    const iterator = feed.ticks()[Symbol.asyncIterator]();
    const first = iterator.next(); // registers the consumer, which then waits
    const batches = [feed.step(), feed.step(), feed.step(), feed.step()];
    // four batches arrived before the consumer ran again: a queue of capacity 2 kept the newest two
    expect((await first).value).toEqual(batches[2]);
    feed.close();
    const rest: Tick[][] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
    expect(rest).toEqual([batches[3]]);
  });

  it('prices index options from the simulated index level with Black-Scholes, on the tick grid', () => {
    const feed = feedAt('2026-11-17T15:29:00+05:30');
    feed.step(); // 15:30 is closed, so the step lands on Wednesday's open
    const at = feed.now();
    expect(at).toBe('2026-11-18T03:45:00.000Z');
    const nifty = feed.quote('NIFTY')!;
    const call = feed.quote('NIFTY 2026-11-24 26000 CE')!;
    const years = (Date.parse('2026-11-24T10:00:00Z') - Date.parse(at)) / (365 * 86_400_000);
    const expected = blackScholes({ spot: nifty.lastPaise, strike: 2_600_000, yearsToExpiry: years, volatility: 0.13, rate: 0.065 }, 'CE').premium;
    expect(call.lastPaise).toBe(Math.round(expected / 5) * 5);
    expect([call.bidPaise, call.askPaise]).toEqual([call.lastPaise - 5, call.lastPaise + 5]);
    expect(call.volume).toBe(600 * 65); // 600 lots a minute x one-minute step x lot 65 (NIFTY from January 2026)
    expect(call.at).toBe(at);
  });

  it('prices a future at the cost of carry and knows nothing of expired or unknown contracts', () => {
    const feed = feedAt('2026-11-20T09:15:00+05:30');
    const nifty = feed.quote('NIFTY')!;
    const future = feed.quote('NIFTY 2026-11-24 FUT')!;
    const years = (Date.parse('2026-11-24T10:00:00Z') - Date.parse('2026-11-20T03:45:00Z')) / (365 * 86_400_000);
    expect(future.lastPaise).toBe(Math.round((nifty.lastPaise * Math.exp(0.065 * years)) / 5) * 5);
    expect(future.volume).toBe(0); // nothing traded before the first step
    expect(feed.quote('NIFTY 2026-11-17 26000 CE')).toBeNull(); // expired
    expect(feed.quote('FINNIFTY 2026-11-24 26000 CE')).toBeNull();
    expect(feed.quote('NOPE')).toBeNull();
  });
});
