import {
  createMarketCalendar,
  decideOrder,
  evolveOrder,
  fold,
  initialOrderState,
  InstrumentCatalog,
  type ExistingOrder,
  type Instrument,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type RiskContext,
} from '@robo/domain';
import type { Quote } from '@robo/market-data';
import { fixtureReportFill } from '@robo/domain/testing/fill-context';
import type { MatchResult } from '../broker/match-order';

/** Friday 20 Nov 2026, a trading day (no holidays in this calendar). */
export const calendar = createMarketCalendar({ holidays: [] });
export const catalog = new InstrumentCatalog();
export const at = (hhmm: string, date = '2026-11-20') => `${date}T${hhmm}:00+05:30`;

export function quote(over: Partial<Quote> = {}): Quote {
  return { symbol: 'INFY', bidPaise: 149_995, askPaise: 150_005, lastPaise: 150_000, volume: 1_000, at: at('10:00'), ...over };
}

type PlaceData = Extract<OrderCommand, { type: 'PlaceOrder' }>['data'];

/** An accepted order, decided by the domain itself (so the broker is tested against the real order state). */
export function placed(over: Partial<PlaceData> = {}, now = at('10:00')): ExistingOrder {
  const data: PlaceData = {
    orderId: 'ord-1',
    accountId: 'acc-1',
    instrument: 'INFY',
    side: 'BUY',
    quantity: 100,
    orderType: 'MARKET',
    product: 'MIS',
    validity: 'DAY',
    ...over,
  };
  const instrument = catalog.get(data.instrument) as Instrument;
  const risk: RiskContext = {
    now,
    instrument,
    calendar,
    account: { halted: false, buyingPowerPaise: 10_000_000_000, maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null, realizedTodayPaise: 0 },
    positionQuantity: 10_000,
    openBuyQuantity: 0,
    openSellQuantity: 0,
    referencePricePaise: instrument.referencePricePaise,
  };
  const state = fold(evolveOrder, initialOrderState, decideOrder({ type: 'PlaceOrder', data, risk }, initialOrderState));
  if (state.status === 'NONE' || state.status === 'REJECTED') throw new Error(`fixture order was not accepted: ${JSON.stringify(state)}`);
  return state;
}

/** Records a match through the domain's order decider, in the documented order, and returns the events and state. */
export function record(order: OrderState, result: MatchResult, orderId = 'ord-1'): { events: OrderEvent[]; state: OrderState } {
  const commands: OrderCommand[] = [];
  if (result.trigger) commands.push({ type: 'TriggerOrder', data: { orderId, lastPricePaise: result.trigger.lastPricePaise, now: result.trigger.at } });
  const { instrument, accountId } = order.status === 'NONE' ? { instrument: 'INFY', accountId: 'acc-1' } : order;
  for (const f of result.fills) commands.push(fixtureReportFill({ orderId, ...f }, instrument, accountId, { calendar }));
  if (result.expire) commands.push({ type: 'ExpireOrder', data: { orderId, reason: result.expire.reason } });
  const events: OrderEvent[] = [];
  let state = order;
  for (const command of commands) {
    const decided = decideOrder(command, state);
    events.push(...decided);
    state = fold(evolveOrder, state, decided);
  }
  return { events, state };
}
