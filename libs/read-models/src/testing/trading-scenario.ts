import type { EventStore, NewEvent } from '@robo/event-store';
import type { DomainEvent } from './test-log';

export interface ScenarioEntry {
  streamName: string;
  event: DomainEvent;
  occurredAt: string;
}

const at = (hhmmss: string) => `2026-01-05T${hhmmss}+05:30`;
const day = '2026-01-05';

/**
 * A small, internally consistent trading morning for account a1 (numbers worked out where they matter):
 * o1 BUY 10 RELIANCE LIMIT 2500.00 fills 4 @ 2499.50 (fees 15.00) and 6 @ 2500.00 (fees 20.00);
 * o2 SELL 4 RELIANCE MARKET fills 4 @ 2510.00 (fees 18.00), realizing
 *   gross 4 x 251000 - 2499800 x 4/10 = 1004000 - 999920 = 4080, net 4080 - 3500 x 4/10 - 1800 = 880;
 * o3 BUY 5 INFY LIMIT 1500.00 is accepted and then cancelled.
 */
export function tradingScenario(): ScenarioEntry[] {
  const e = (streamName: string, time: string, event: DomainEvent): ScenarioEntry => ({ streamName, event, occurredAt: at(time) });
  const order = (id: string) => `order-${id}`;
  const acct = 'account-a1';
  const pos = 'position-a1-RELIANCE';
  const placed = { accountId: 'a1', product: 'CNC' as const, validity: 'DAY' as const, strategyId: null, clientOrderId: null, triggerPricePaise: null };
  const fillRef = { accountId: 'a1', instrument: 'RELIANCE', cycle: 1 };
  // What an order fill copies from its order (no strategy in this scenario).
  const ofOrder = (side: 'BUY' | 'SELL') => ({ instrument: 'RELIANCE', side, product: 'CNC' as const, strategyId: null });
  return [
    e(acct, '09:00:00', { type: 'AccountOpened', data: { accountId: 'a1', name: 'Asha', initialCashPaise: 100000000, openedAt: at('09:00:00') } }),
    e(order('o1'), '09:20:00', {
      type: 'OrderPlaced',
      data: { ...placed, orderId: 'o1', instrument: 'RELIANCE', side: 'BUY', quantity: 10, orderType: 'LIMIT', limitPricePaise: 250000, placedAt: at('09:20:00') },
    }),
    e(order('o1'), '09:20:00', { type: 'OrderAccepted', data: { accountId: 'a1', orderId: 'o1', reservedPaise: 2500000 } }),
    e(acct, '09:20:00', { type: 'FundsReserved', data: { accountId: 'a1', orderId: 'o1', amountPaise: 2500000 } }),
    e(order('o1'), '09:21:00', {
      type: 'OrderPartiallyFilled',
      data: { accountId: 'a1', orderId: 'o1', ...ofOrder('BUY'), fillId: 'f1', quantity: 4, pricePaise: 249950, feesPaise: 1500, filledQuantity: 4, remainingQuantity: 6, occurredAt: at('09:21:00') },
    }),
    e(pos, '09:21:00', {
      type: 'PositionOpened',
      data: { ...fillRef, orderId: 'o1', fillId: 'f1', side: 'BUY', fillQuantity: 4, quantity: 4, pricePaise: 249950, feesPaise: 1500, occurredAt: at('09:21:00'), costBasisPaise: 999800, openFeesPaise: 1500 },
    }),
    e(acct, '09:21:00', {
      type: 'CashSettled',
      data: { accountId: 'a1', orderId: 'o1', ...ofOrder('BUY'), fillId: 'f1', instrument: 'RELIANCE', side: 'BUY', quantity: 4, pricePaise: 249950, feesPaise: 1500, cashDeltaPaise: -1001300, reservationReleasedPaise: 1000000, realizedPnlPaise: 0, tradingDay: day },
    }),
    e(order('o1'), '09:22:00', {
      type: 'OrderFilled',
      data: { accountId: 'a1', orderId: 'o1', ...ofOrder('BUY'), fillId: 'f2', quantity: 6, pricePaise: 250000, feesPaise: 2000, filledQuantity: 10, remainingQuantity: 0, occurredAt: at('09:22:00') },
    }),
    e(pos, '09:22:00', {
      type: 'PositionIncreased',
      data: { ...fillRef, orderId: 'o1', fillId: 'f2', side: 'BUY', fillQuantity: 6, quantity: 10, pricePaise: 250000, feesPaise: 2000, occurredAt: at('09:22:00'), costBasisPaise: 2499800, openFeesPaise: 3500 },
    }),
    e(acct, '09:22:00', {
      type: 'CashSettled',
      data: { accountId: 'a1', orderId: 'o1', ...ofOrder('BUY'), fillId: 'f2', instrument: 'RELIANCE', side: 'BUY', quantity: 6, pricePaise: 250000, feesPaise: 2000, cashDeltaPaise: -1502000, reservationReleasedPaise: 1500000, realizedPnlPaise: 0, tradingDay: day },
    }),
    e(order('o2'), '10:00:00', {
      type: 'OrderPlaced',
      data: { ...placed, orderId: 'o2', instrument: 'RELIANCE', side: 'SELL', quantity: 4, orderType: 'MARKET', limitPricePaise: null, placedAt: at('10:00:00') },
    }),
    e(order('o2'), '10:00:00', { type: 'OrderAccepted', data: { accountId: 'a1', orderId: 'o2', reservedPaise: 0 } }),
    e(order('o2'), '10:00:01', {
      type: 'OrderFilled',
      data: { accountId: 'a1', orderId: 'o2', ...ofOrder('SELL'), fillId: 'f3', quantity: 4, pricePaise: 251000, feesPaise: 1800, filledQuantity: 4, remainingQuantity: 0, occurredAt: at('10:00:01') },
    }),
    e(pos, '10:00:01', {
      type: 'PositionReduced',
      data: {
        ...fillRef,
        orderId: 'o2',
        fillId: 'f3',
        side: 'SELL',
        fillQuantity: 4,
        quantity: 6,
        pricePaise: 251000,
        feesPaise: 1800,
        occurredAt: at('10:00:01'),
        costBasisPaise: 1499880,
        openFeesPaise: 2100,
        closedQuantity: 4,
        realizedGrossPaise: 4080,
        entryFeesPaise: 1400,
        realizedNetPaise: 880,
      },
    }),
    e(acct, '10:00:01', {
      type: 'CashSettled',
      data: { accountId: 'a1', orderId: 'o2', ...ofOrder('SELL'), fillId: 'f3', instrument: 'RELIANCE', side: 'SELL', quantity: 4, pricePaise: 251000, feesPaise: 1800, cashDeltaPaise: 1002200, reservationReleasedPaise: 0, realizedPnlPaise: 880, tradingDay: day },
    }),
    e(order('o3'), '10:30:00', {
      type: 'OrderPlaced',
      data: { ...placed, orderId: 'o3', instrument: 'INFY', side: 'BUY', quantity: 5, orderType: 'LIMIT', limitPricePaise: 150000, placedAt: at('10:30:00') },
    }),
    e(order('o3'), '10:30:00', { type: 'OrderAccepted', data: { accountId: 'a1', orderId: 'o3', reservedPaise: 750000 } }),
    e(acct, '10:30:00', { type: 'FundsReserved', data: { accountId: 'a1', orderId: 'o3', amountPaise: 750000 } }),
    e(order('o3'), '10:45:00', { type: 'OrderCancelled', data: { accountId: 'a1', orderId: 'o3', reason: 'user request', cancelledQuantity: 5 } }),
    e(acct, '10:45:00', { type: 'ReservationReleased', data: { accountId: 'a1', orderId: 'o3', amountPaise: 750000, reason: 'cancelled' } }),
  ];
}

/** Appends entries one by one, as command handlers would, each with a fresh event id. Returns the last global position. */
export async function appendScenario(store: EventStore, entries: readonly ScenarioEntry[], newId: () => string): Promise<bigint> {
  let last = 0n;
  for (const entry of entries) {
    const event: NewEvent = {
      type: entry.event.type,
      data: entry.event.data,
      metadata: { eventId: newId(), correlationId: newId(), causationId: null, actor: 'user:scenario', occurredAt: entry.occurredAt, schemaVersion: 1 },
    };
    last = (await store.append(entry.streamName, [event], { expectedRevision: 'any' })).lastGlobalPosition;
  }
  return last;
}
