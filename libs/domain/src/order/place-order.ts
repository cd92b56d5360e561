import { Conflict, InvalidCommand } from '../common/errors';
import type { OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import type { OrderState } from './order.state';
import { assertPricesForType, assertQuantity } from './order.validation';
import { toIst } from '../market/ist';
import { checkPreTrade } from './pre-trade-risk';

type PlaceOrder = Extract<OrderCommand, { type: 'PlaceOrder' }>;

/**
 * Malformed orders throw (nothing is recorded); well-formed orders are always recorded as
 * placed, followed by the risk decision, so a rejection is part of the audit trail.
 */
export function decidePlaceOrder(command: PlaceOrder, state: OrderState): OrderEvent[] {
  const { data, risk } = command;
  if (state.status !== 'NONE') {
    throw new Conflict('ORDER_ALREADY_EXISTS', `order ${data.orderId} already exists`, { orderId: data.orderId });
  }
  const prices = { limitPricePaise: data.limitPricePaise ?? null, triggerPricePaise: data.triggerPricePaise ?? null };
  assertQuantity(data.quantity);
  assertPricesForType(data.orderType, data.side, prices);
  if (data.instrument !== risk.instrument.symbol) {
    throw new InvalidCommand('INSTRUMENT_MISMATCH', `order is for ${data.instrument} but the risk context is for ${risk.instrument.symbol}`);
  }
  toIst(risk.now); // placedAt is recorded, so a malformed time must fail here (INVALID_TIME), not later
  const placed: OrderEvent = {
    type: 'OrderPlaced',
    data: {
      orderId: data.orderId,
      accountId: data.accountId,
      instrument: data.instrument,
      side: data.side,
      quantity: data.quantity,
      orderType: data.orderType,
      ...prices,
      product: data.product,
      validity: data.validity,
      strategyId: data.strategyId ?? null,
      clientOrderId: data.clientOrderId ?? null,
      placedAt: risk.now,
    },
  };
  const verdict = checkPreTrade({ ...data, ...prices }, risk);
  const decision: OrderEvent = verdict.ok
    ? { type: 'OrderAccepted', data: { orderId: data.orderId, accountId: data.accountId, reservedPaise: verdict.reservedPaise } }
    : { type: 'OrderRejected', data: { orderId: data.orderId, accountId: data.accountId, reasonCode: verdict.code, reason: verdict.reason } };
  return [placed, decision];
}
