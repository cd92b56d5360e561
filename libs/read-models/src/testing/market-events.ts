import { MARKET_PRICES_STREAM } from '@robo/domain';
import type { TestLog } from './test-log';

/** Appends one recorded batch of market prices, as the market-data service writes it. */
export function marketPrices(log: TestLog, at: string, prices: Record<string, number>) {
  return log.append(
    MARKET_PRICES_STREAM,
    { type: 'MarketPricesRecorded', data: { at, source: 'simulated:test', prices: Object.entries(prices).map(([instrument, pricePaise]) => ({ instrument, pricePaise })) } },
    { occurredAt: at, actor: 'system:market-data' },
  );
}

/** A position event of a fill at a price (what used to set marks). */
export function fillAt(log: TestLog, accountId: string, instrument: string, pricePaise: number, occurredAt: string, fillId: string) {
  return log.append(`position-${accountId}-${instrument}`, {
    type: 'PositionOpened',
    data: { accountId, instrument, orderId: `o-${fillId}`, fillId, side: 'BUY', fillQuantity: 5, quantity: 5, pricePaise, feesPaise: 0, occurredAt, cycle: 1, costBasisPaise: 5 * pricePaise, openFeesPaise: 0 },
  });
}
