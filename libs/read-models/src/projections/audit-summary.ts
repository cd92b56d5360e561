import { assertNever, formatRupees } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { isAccountEvent, isOrderEvent, isPositionEvent, type AccountEnvelope, type OrderEnvelope, type PositionEnvelope } from './events';

const money = (paise: number) => formatRupees(paise);
const orNone = (paise: number | null) => (paise === null ? 'none' : money(paise));

/** A short sentence for the audit trail; events this library does not know are named by their type. */
export function summarize(event: EventEnvelope): string {
  if (isOrderEvent(event)) return summarizeOrder(event);
  if (isAccountEvent(event)) return summarizeAccount(event);
  if (isPositionEvent(event)) return summarizePosition(event);
  return event.type;
}

function summarizeOrder(event: OrderEnvelope): string {
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      const head = `${d.side} ${d.quantity} ${d.instrument} ${d.orderType}`;
      const limit = d.limitPricePaise === null ? '' : ` @ ${money(d.limitPricePaise)}`;
      const trigger = d.triggerPricePaise === null ? '' : ` trigger ${money(d.triggerPricePaise)}`;
      return `${head}${limit}${trigger}`;
    }
    case 'OrderAccepted':
      return `Order accepted, ${money(event.data.reservedPaise)} reserved`;
    case 'OrderRejected':
      return `Order rejected: ${event.data.reasonCode} (${event.data.reason})`;
    case 'OrderTriggered':
      return `Order triggered at ${money(event.data.lastPricePaise)}`;
    case 'OrderModified': {
      const d = event.data;
      return `Order modified: quantity ${d.quantity}, limit ${orNone(d.limitPricePaise)}, trigger ${orNone(d.triggerPricePaise)}`;
    }
    case 'OrderPartiallyFilled':
    case 'OrderFilled': {
      const d = event.data;
      const verb = event.type === 'OrderFilled' ? 'Filled' : 'Partially filled';
      return `${verb} ${d.quantity} @ ${money(d.pricePaise)} (${d.filledQuantity} done, ${d.remainingQuantity} left), charges ${money(d.feesPaise)}`;
    }
    case 'OrderCancelled':
      return `Order cancelled, ${event.data.cancelledQuantity} unfilled: ${event.data.reason}`;
    case 'OrderExpired':
      return `Order expired, ${event.data.expiredQuantity} unfilled: ${event.data.reason}`;
    case 'OrderRouted':
      return `Routed to ${event.data.broker} as ${event.data.brokerOrderId}`;
    case 'BrokerOrderUpdated': {
      const d = event.data;
      const message = d.message ? `: ${d.message}` : '';
      return `Broker reports ${d.brokerStatus}, ${d.filledQuantity} filled (${d.channel})${message}`;
    }
    default:
      return assertNever(event);
  }
}

function summarizeAccount(event: AccountEnvelope): string {
  switch (event.type) {
    case 'AccountOpened':
      return `Account opened: ${event.data.name}, cash ${money(event.data.initialCashPaise)}`;
    case 'FundsDeposited':
      return `Deposited ${money(event.data.amountPaise)}`;
    case 'FundsWithdrawn':
      return `Withdrew ${money(event.data.amountPaise)}`;
    case 'FundsReserved':
      return `Reserved ${money(event.data.amountPaise)} for order ${event.data.orderId}`;
    case 'ReservationReleased':
      return `Released ${money(event.data.amountPaise)} of order ${event.data.orderId}: ${event.data.reason}`;
    case 'CashSettled': {
      const d = event.data;
      return `Settled ${d.side} ${d.quantity} ${d.instrument} @ ${money(d.pricePaise)}: cash ${money(d.cashDeltaPaise)}, realized ${money(d.realizedPnlPaise)}`;
    }
    case 'RiskLimitsSet': {
      const d = event.data;
      const quantity = d.maxPositionQuantity === null ? 'none' : String(d.maxPositionQuantity);
      return `Risk limits set: order value ${orNone(d.maxOrderValuePaise)}, position ${quantity}, daily loss ${orNone(d.dailyLossLimitPaise)}`;
    }
    case 'TradingHalted':
      return `Trading halted: ${event.data.reason}`;
    case 'TradingResumed':
      return 'Trading resumed';
    case 'BrokerChosen':
      return `Broker chosen: ${event.data.broker}`;
    default:
      return assertNever(event);
  }
}

function summarizePosition(event: PositionEnvelope): string {
  const d = event.data;
  const fill = `${d.side} @ ${money(d.pricePaise)}`;
  switch (event.type) {
    case 'PositionOpened':
      return `Position opened: ${fill}, now ${d.quantity} ${d.instrument}`;
    case 'PositionIncreased':
      return `Position increased: ${fill}, now ${d.quantity} ${d.instrument}`;
    case 'PositionReduced':
      return `Position reduced: ${event.data.closedQuantity} ${fill}, now ${d.quantity} ${d.instrument}, realized ${money(event.data.realizedNetPaise)}`;
    case 'PositionClosed':
      return `Position closed: ${event.data.closedQuantity} ${d.instrument} ${fill}, cycle ${d.cycle} realized ${money(event.data.cycleRealizedNetPaise)}`;
    default:
      return assertNever(event);
  }
}
