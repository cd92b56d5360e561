import type { Quote, Tick } from '@robo/market-data';
import { KiteBroker } from './kite-broker';
import { KiteMarketDataFeed, type KiteTickMode } from './kite-market-data-feed';
import { kiteInstrumentToken } from './testing/kite-instruments-dump';
import { KiteServer } from './testing/kite-server';
import type { ServerTick } from './testing/kite-tick-stream';

/**
 * The feed on the official KiteTicker against the local Kite server's binary stream. One broker (one ticker socket:
 * KiteTicker keeps it in module state) for the whole file; one feed per subscription mode on it.
 */
describe('KiteMarketDataFeed against the local Kite server', () => {
  let server: KiteServer;
  let broker: KiteBroker;
  const token = {
    RELIANCE: kiteInstrumentToken('RELIANCE'),
    INFY: kiteInstrumentToken('INFY'),
    TCS: kiteInstrumentToken('TCS'),
    NIFTY: kiteInstrumentToken('NIFTY 50', 'INDICES'),
    BANKNIFTY: kiteInstrumentToken('NIFTY BANK', 'INDICES'),
  };
  const tokens = new Map(Object.entries(token));
  const CLOCK = '2026-12-07T05:00:00.000Z';
  const feeds: KiteMarketDataFeed[] = [];
  const feed = (mode: KiteTickMode): KiteMarketDataFeed => {
    const f = new KiteMarketDataFeed(broker, { tokens, now: () => CLOCK, mode });
    feeds.push(f);
    return f;
  };
  /** The next batch the feed publishes (event-driven). */
  const nextBatch = (f: KiteMarketDataFeed): Promise<readonly Tick[]> =>
    new Promise((resolve) => {
      const off = f.subscribe((ticks) => {
        off();
        resolve(ticks);
      });
    });
  const at = (iso: string) => Date.parse(iso) / 1000;

  beforeAll(async () => {
    server = await KiteServer.start({ apiKey: 'k2', apiSecret: 's2', accessToken: 't2' });
    broker = new KiteBroker({ apiKey: 'k2', accessToken: 't2', root: server.root, tickerRoot: server.tickerRoot, reconnectDelaysMs: [20] });
    await broker.start();
  });
  afterAll(async () => {
    for (const f of feeds) f.close();
    await broker.close();
    await server.close();
  });

  it('full mode: an equity with depth and an index decode to quotes in paise at the exchange timestamps; volume is what traded since the last tick', async () => {
    const f = feed('full');
    expect(f.watch(['RELIANCE', 'NIFTY', 'UNLISTED'])).toEqual(['UNLISTED']);
    await server.ticks.whenSubscribed([token.RELIANCE, token.NIFTY], 'full');
    const reliance: ServerTick = {
      token: token.RELIANCE,
      lastPaise: 250_055,
      lastQuantity: 5,
      averagePaise: 249_910,
      volume: 120_000,
      ohlcPaise: { open: 248_000, high: 251_000, low: 247_500, close: 247_900 },
      lastTradeTime: at('2026-12-07T05:29:58Z'),
      exchangeTime: at('2026-12-07T05:30:00Z'),
      bids: [[40, 250_050, 3], [10, 250_000, 1]],
      asks: [[25, 250_060, 2]],
    };
    const nifty: ServerTick = { token: token.NIFTY, lastPaise: 2_612_345, ohlcPaise: { open: 2_600_000, high: 2_615_000, low: 2_598_000, close: 2_601_000 }, exchangeTime: at('2026-12-07T05:30:01Z') };
    const first = nextBatch(f);
    server.ticks.send([reliance, nifty]);
    expect(await first).toEqual<Quote[]>([
      { symbol: 'RELIANCE', bidPaise: 250_050, askPaise: 250_060, lastPaise: 250_055, volume: 0, at: '2026-12-07T05:30:00.000Z' },
      { symbol: 'NIFTY', bidPaise: 2_612_345, askPaise: 2_612_345, lastPaise: 2_612_345, volume: 0, at: '2026-12-07T05:30:01.000Z' },
    ]);
    const second = nextBatch(f);
    server.ticks.send([{ ...reliance, lastPaise: 250_100, volume: 120_750, exchangeTime: at('2026-12-07T05:30:02Z'), bids: [[5, 250_095, 1]], asks: [[7, 250_105, 1]] }]);
    expect(await second).toEqual([{ symbol: 'RELIANCE', bidPaise: 250_095, askPaise: 250_105, lastPaise: 250_100, volume: 750, at: '2026-12-07T05:30:02.000Z' }]);
    expect(f.quote('RELIANCE')?.lastPaise).toBe(250_100);
    expect(f.quote('INFY')).toBeNull();
  });

  it('quote mode (44 bytes; indices 28) and ltp mode (8 bytes) have no depth nor timestamp: bid = ask = last, at the clock', async () => {
    const quoteFeed = feed('quote');
    const ltpFeed = feed('ltp');
    quoteFeed.watch(['INFY', 'BANKNIFTY']);
    ltpFeed.watch(['TCS']);
    await server.ticks.whenSubscribed([token.INFY, token.BANKNIFTY], 'quote');
    await server.ticks.whenSubscribed([token.TCS], 'ltp');
    const quoted = nextBatch(quoteFeed);
    const ltp = nextBatch(ltpFeed);
    server.ticks.send([
      { token: token.INFY, lastPaise: 150_005, volume: 9_000, ohlcPaise: { open: 149_000, high: 151_000, low: 148_800, close: 149_500 }, exchangeTime: at('2026-12-07T05:31:00Z') },
      { token: token.BANKNIFTY, lastPaise: 5_500_020, ohlcPaise: { open: 5_480_000, high: 5_510_000, low: 5_470_000, close: 5_490_000 } },
      { token: token.TCS, lastPaise: 412_345 },
    ]);
    // One message holds all three packets; each feed keeps the instruments it watches.
    expect(await quoted).toEqual([
      { symbol: 'INFY', bidPaise: 150_005, askPaise: 150_005, lastPaise: 150_005, volume: 0, at: CLOCK },
      { symbol: 'BANKNIFTY', bidPaise: 5_500_020, askPaise: 5_500_020, lastPaise: 5_500_020, volume: 0, at: CLOCK },
    ]);
    expect(await ltp).toEqual([{ symbol: 'TCS', bidPaise: 412_345, askPaise: 412_345, lastPaise: 412_345, volume: 0, at: CLOCK }]);
  });

  it('ignores heartbeats: the batch after one is the next tick, alone', async () => {
    const f = feed('ltp');
    f.watch(['TCS']);
    await server.ticks.whenSubscribed([token.TCS], 'ltp');
    const batches: (readonly Tick[])[] = [];
    const off = f.subscribe((ticks) => batches.push(ticks));
    const next = nextBatch(f);
    server.ticks.heartbeat();
    server.ticks.heartbeat();
    server.ticks.send([{ token: token.TCS, lastPaise: 412_400 }]);
    await next;
    off();
    expect(batches).toEqual([[{ symbol: 'TCS', bidPaise: 412_400, askPaise: 412_400, lastPaise: 412_400, volume: 0, at: CLOCK }]]);
  });

  it('subscribes again after the socket drops and the broker reconnects', async () => {
    const f = feed('full');
    f.watch(['RELIANCE']);
    await server.ticks.whenSubscribed([token.RELIANCE], 'full');
    const reconnected = new Promise<boolean>((resolve) => {
      const off = broker.onConnected((first) => {
        off();
        resolve(first);
      });
    });
    server.dropSockets();
    expect(await reconnected).toBe(false);
    await server.ticks.whenSubscribed([token.RELIANCE], 'full');
    expect(server.tickerClients).toBe(1);
    const batch = nextBatch(f);
    server.ticks.send([{ token: token.RELIANCE, lastPaise: 251_000, volume: 130_000, exchangeTime: at('2026-12-07T05:40:00Z'), bids: [[1, 250_990, 1]], asks: [[1, 251_010, 1]] }]);
    expect(await batch).toEqual([{ symbol: 'RELIANCE', bidPaise: 250_990, askPaise: 251_010, lastPaise: 251_000, volume: 0, at: '2026-12-07T05:40:00.000Z' }]);
  });
});
