import { commandResultProps, OrderType, pageOf, Product, Side, Validity } from './common';
import { t, type Static } from './schema';

/** The statuses the domain has (libs/domain/src/order/order.state.ts): there is no ACCEPTED. */
export const ORDER_STATUSES = ['PLACED', 'REJECTED', 'TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED'] as const;
export const OrderStatus = t.enum(ORDER_STATUSES);
export type OrderStatus = Static<typeof OrderStatus>;
export const FINAL_STATUSES: readonly OrderStatus[] = ['REJECTED', 'FILLED', 'CANCELLED', 'EXPIRED'];

export const OrderFill = t.named(
  'OrderFill',
  t.object({ fillId: t.string(), quantity: t.integer({ minimum: 1 }), pricePaise: t.paise(), feesPaise: t.paise(), occurredAt: t.instant() }),
);
export type OrderFill = Static<typeof OrderFill>;

export const Order = t.named(
  'Order',
  t.object({
    orderId: t.uuid(),
    accountId: t.uuid(),
    instrument: t.string(),
    side: Side,
    quantity: t.integer({ minimum: 1 }),
    filledQuantity: t.integer({ minimum: 0 }),
    remainingQuantity: t.integer({ minimum: 0, description: 'what can still fill: 0 once the order is final' }),
    orderType: OrderType,
    limitPricePaise: t.nullable(t.paise()),
    triggerPricePaise: t.nullable(t.paise()),
    product: Product,
    validity: Validity,
    strategyId: t.nullable(t.string()),
    clientOrderId: t.nullable(t.string()),
    status: OrderStatus,
    rejectReasonCode: t.nullable(t.string()),
    rejectReason: t.nullable(t.string()),
    closeReason: t.nullable(t.string({ description: 'why it was cancelled or expired' })),
    unfilledQuantity: t.integer({ minimum: 0, description: 'quantity still open when it was cancelled or expired' }),
    reservedPaise: t.paise({ description: 'buying power held for the order (display)' }),
    averageFillPricePaise: t.nullable(t.number({ description: 'display only (a float); null before the first fill' })),
    filledValuePaise: t.paise(),
    feesPaise: t.paise(),
    fills: t.array(OrderFill),
    placedAt: t.instant(),
    triggeredAt: t.nullable(t.instant()),
    updatedAt: t.instant({ description: 'business time of the last event applied' }),
    seq: t.integer(),
    lastEventPosition: t.integer(),
  }),
);
export type Order = Static<typeof Order>;

export const OrderPage = pageOf('OrderPage', Order);
export type OrderPage = Static<typeof OrderPage>;

export const PlaceOrderBody = t.named(
  'PlaceOrderBody',
  t.object(
    {
      accountId: t.uuid(),
      instrument: t.string(),
      side: Side,
      quantity: t.integer({ minimum: 1 }),
      type: OrderType,
      limitPricePaise: t.nullable(t.paise()),
      triggerPricePaise: t.nullable(t.paise()),
      product: Product,
      validity: Validity,
      strategyId: t.nullable(t.string()),
      clientOrderId: t.nullable(t.string()),
    },
    ['limitPricePaise', 'triggerPricePaise', 'strategyId', 'clientOrderId'],
  ),
);
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

export const ModifyOrderBody = t.named(
  'ModifyOrderBody',
  t.object({ quantity: t.integer({ minimum: 1 }), limitPricePaise: t.paise(), triggerPricePaise: t.paise() }, ['quantity', 'limitPricePaise', 'triggerPricePaise']),
);
export type ModifyOrderBody = Static<typeof ModifyOrderBody>;

export const CancelOrderBody = t.named('CancelOrderBody', t.object({ reason: t.string() }, ['reason']));
export type CancelOrderBody = Static<typeof CancelOrderBody>;

export const ReportFillBody = t.named(
  'ReportFillBody',
  t.object(
    { fillId: t.string(), quantity: t.integer({ minimum: 1 }), pricePaise: t.paise(), feesPaise: t.paise(), occurredAt: t.instant(), late: t.boolean() },
    ['feesPaise', 'late'],
  ),
);
export type ReportFillBody = Static<typeof ReportFillBody>;

export const TriggerOrderBody = t.named('TriggerOrderBody', t.object({ lastPricePaise: t.paise() }));
export type TriggerOrderBody = Static<typeof TriggerOrderBody>;

/** The answer of every order command: the order's id and status after it. */
export const OrderCommandResult = t.named(
  'OrderCommandResult',
  t.object({ orderId: t.uuid(), status: OrderStatus, ...commandResultProps, changed: t.boolean({ description: 'false when the command changed nothing: a fill report already recorded, a modification to the values the order already has (200)' }) }, [
    'changed',
  ]),
);
export type OrderCommandResult = Static<typeof OrderCommandResult>;
