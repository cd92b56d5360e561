import { MARKET_PRICES_STREAM, marketPriceInterval, recordMarketPrices, type IsoInstant, type MarketPrice } from '@robo/domain';
import { derivedId, type WriteStep } from '@robo/write-path';

const ACTOR = 'system:market-data';

/**
 * Appends one batch of market prices, for the minute of business time `at` falls in, through the write step at the
 * stream head's revision (another recorder of the stream, a second api, makes it run again); a minute recorded before
 * is a retry of the same event id, answered as already done. Returns false when there was nothing to record.
 * Used by the api's market data and by backtests, so that both logs record prices the same way.
 */
export async function appendMarketPrices(writer: WriteStep, at: IsoInstant, source: string, prices: readonly MarketPrice[]): Promise<boolean> {
  const event = recordMarketPrices(at, source, [...prices]);
  if (event === null) return false;
  const interval = marketPriceInterval(at);
  const eventId = derivedId(MARKET_PRICES_STREAM, interval);
  const record = { ...event, metadata: { eventId, correlationId: eventId, causationId: null, actor: ACTOR, occurredAt: at, schemaVersion: 1 } };
  const outcome = await writer.run({
    stream: MARKET_PRICES_STREAM,
    evolve: (count: number) => count + 1,
    initial: 0,
    headOnly: true,
    headPosition: false,
    ctx: { correlationId: eventId, causationId: null, actor: ACTOR },
    decide: () => ({ step: 'append-records', records: [record], value: null }),
  });
  if (outcome.outcome === 'rejected') throw new Error(`recording the market prices of ${interval}: ${outcome.code}: ${outcome.message}`);
  return true;
}
