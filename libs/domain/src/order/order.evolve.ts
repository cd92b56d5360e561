import { VersionedMap } from '../common/versioned-map';
import { assertNever } from '../common/errors';
import type { OrderEvent } from './order.events';
import { type OrderState, statusOnAcceptance } from './order.state';

/**
 * Applies one recorded event. Events are facts that already happened, so an event that does not
 * fit the state (only possible in a damaged stream) leaves the state as it is instead of throwing:
 * a throwing evolve would make the order impossible to load.
 */
export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    if (state.status !== 'NONE') return state;
    return {
      status: 'PLACED',
      ...event.data,
      filledQuantity: 0,
      reservedPaise: 0,
      reservedForQuantity: 0,
      fillIds: [],
      fillReports: VersionedMap.empty(),
      filledValuePaise: 0,
      feesPaise: 0,
      rejectReason: null,
      triggeredAt: null,
    };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'OrderAccepted': {
      return {
        ...state,
        status: statusOnAcceptance(state.orderType),
        reservedPaise: event.data.reservedPaise,
        reservedForQuantity: state.quantity - state.filledQuantity,
      };
    }
    case 'OrderRejected':
      return { ...state, status: 'REJECTED', rejectReason: { code: event.data.reasonCode, reason: event.data.reason } };
    case 'OrderTriggered':
      return { ...state, status: 'OPEN', triggeredAt: event.data.triggeredAt };
    case 'OrderModified':
      return {
        ...state,
        quantity: event.data.quantity,
        limitPricePaise: event.data.limitPricePaise,
        triggerPricePaise: event.data.triggerPricePaise,
        reservedPaise: event.data.reservedPaise,
        reservedForQuantity: event.data.quantity - state.filledQuantity,
      };
    case 'OrderPartiallyFilled':
    case 'OrderFilled': {
      const fill = event.data;
      return {
        ...state,
        status: event.type === 'OrderFilled' ? 'FILLED' : 'PARTIALLY_FILLED',
        filledQuantity: fill.filledQuantity,
        fillIds: [...state.fillIds, fill.fillId],
        fillReports: state.fillReports.set(fill.fillId, { quantity: fill.quantity, pricePaise: fill.pricePaise, feesPaise: fill.feesPaise, occurredAt: fill.occurredAt }),
        filledValuePaise: state.filledValuePaise + fill.quantity * fill.pricePaise,
        feesPaise: state.feesPaise + fill.feesPaise,
      };
    }
    case 'OrderCancelled':
      return { ...state, status: 'CANCELLED' };
    case 'OrderExpired':
      return { ...state, status: 'EXPIRED' };
    case 'OrderRouted':
      return { ...state, routing: { broker: event.data.broker, brokerOrderId: event.data.brokerOrderId, brokerStatus: null, brokerFilledQuantity: 0 } };
    case 'BrokerOrderUpdated': {
      const routing = state.routing ?? { broker: 'unknown', brokerOrderId: event.data.brokerOrderId, brokerStatus: null, brokerFilledQuantity: 0 };
      return { ...state, routing: { ...routing, brokerStatus: event.data.brokerStatus, brokerFilledQuantity: event.data.filledQuantity } };
    }
    default:
      return assertNever(event);
  }
}
