import type { BrokerUpdateReport, OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import { ACCOUNT_ID, CANCELLED_LIMIT_BUY, NOW, OPEN_LIMIT_BUY, ORDER_ID, PARTIAL_LIMIT_BUY, REJECTED_LIMIT_BUY, orderPlaced, spec } from './testing/order-fixtures';

const route = (brokerOrderId = '261207000000001', broker = 'kite'): OrderCommand => ({ type: 'RecordRouting', data: { orderId: ORDER_ID, broker, brokerOrderId } });
const routed = (brokerOrderId = '261207000000001'): OrderEvent => ({ type: 'OrderRouted', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, broker: 'kite', brokerOrderId } });
const report = (over: Partial<BrokerUpdateReport> = {}): BrokerUpdateReport => ({
  orderId: ORDER_ID,
  brokerOrderId: '261207000000001',
  brokerStatus: 'OPEN',
  message: null,
  filledQuantity: 0,
  averagePricePaise: 0,
  reportedAt: NOW,
  channel: 'socket',
  ...over,
});
const update = (over: Partial<BrokerUpdateReport> = {}): OrderCommand => ({ type: 'RecordBrokerUpdate', data: report(over) });
const updated = (over: Partial<BrokerUpdateReport> = {}): OrderEvent => {
  const { orderId, brokerOrderId, brokerStatus, message, filledQuantity, averagePricePaise, reportedAt, channel } = report(over);
  return { type: 'BrokerOrderUpdated', data: { orderId, accountId: ACCOUNT_ID, brokerOrderId, brokerStatus, message, filledQuantity, averagePricePaise, reportedAt, channel } };
};

describe('RecordRouting', () => {
  it('records the broker id of an accepted order once; the same routing again decides nothing', () => {
    spec.given(OPEN_LIMIT_BUY).when(route()).then([routed()]);
    spec.given([...OPEN_LIMIT_BUY, routed()]).when(route()).then([]);
  });

  it('refuses a second broker id for the same order, and routing an order our checks did not accept', () => {
    spec.given([...OPEN_LIMIT_BUY, routed()]).when(route('261207000000099')).thenThrows('ORDER_ALREADY_ROUTED');
    spec.given(REJECTED_LIMIT_BUY).when(route()).thenThrows('ORDER_NOT_ROUTABLE');
    spec.given([orderPlaced()]).when(route()).thenThrows('ORDER_NOT_ROUTABLE');
    spec.given(OPEN_LIMIT_BUY).when(route('')).thenThrows('BROKER_ORDER_ID_REQUIRED');
  });
});

describe('RecordBrokerUpdate: what a broker report means for the order', () => {
  const ROUTED = [...OPEN_LIMIT_BUY, routed()];

  it('records each status change once, whichever channel brings it and however often', () => {
    spec.given(ROUTED).when(update()).then([updated()]);
    spec.given([...ROUTED, updated()]).when(update({ channel: 'postback' })).then([]);
    spec.given([...ROUTED, updated()]).when(update({ filledQuantity: 4, averagePricePaise: 147_000 })).then([updated({ filledQuantity: 4, averagePricePaise: 147_000 })]);
  });

  it('ignores an older state arriving late (less filled, or working after final)', () => {
    const partly = [...ROUTED, updated({ filledQuantity: 4 })];
    spec.given(partly).when(update({ filledQuantity: 0 })).then([]);
    spec.given([...ROUTED, updated({ brokerStatus: 'COMPLETE', filledQuantity: 10 })]).when(update({ brokerStatus: 'OPEN', filledQuantity: 10 })).then([]);
  });

  it('ends a working order the broker rejected, with the broker message', () => {
    const message = 'RMS:Margin Exceeds, Required:14700.00, Available:0.00';
    spec.given(ROUTED).when(update({ brokerStatus: 'REJECTED', message })).then([
      updated({ brokerStatus: 'REJECTED', message }),
      { type: 'OrderExpired', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reason: `rejected by the broker: ${message}`, expiredQuantity: 10 } },
    ]);
  });

  it('ends a working order the exchange cancelled (an IOC remainder) once its fills are recorded, not before', () => {
    const partly = [...PARTIAL_LIMIT_BUY, routed()];
    spec.given(partly).when(update({ brokerStatus: 'CANCELLED', filledQuantity: 4, message: 'IOC unmatched' })).then([
      updated({ brokerStatus: 'CANCELLED', filledQuantity: 4, message: 'IOC unmatched' }),
      { type: 'OrderExpired', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reason: 'cancelled by the broker: IOC unmatched', expiredQuantity: 6 } },
    ]);
    // The broker has 7 filled but only 4 are recorded: the fills come first, the order stays working.
    spec.given(partly).when(update({ brokerStatus: 'CANCELLED', filledQuantity: 7 })).then([updated({ brokerStatus: 'CANCELLED', filledQuantity: 7 })]);
  });

  it('only records the broker CANCELLED that follows our own cancel', () => {
    spec.given([...CANCELLED_LIMIT_BUY, routed()]).when(update({ brokerStatus: 'CANCELLED' })).then([updated({ brokerStatus: 'CANCELLED' })]);
  });

  it('refuses a report of an order not routed, or of another broker order', () => {
    spec.given(OPEN_LIMIT_BUY).when(update()).thenThrows('ORDER_NOT_ROUTED');
    spec.given(ROUTED).when(update({ brokerOrderId: 'other' })).thenThrows('BROKER_ORDER_MISMATCH');
    spec.given(ROUTED).when(update({ filledQuantity: -1 })).thenThrows('INVALID_QUANTITY');
  });
});
