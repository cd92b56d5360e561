import type { Instrument } from '../../instruments/instrument';
import { createMarketCalendar } from '../../market/market-calendar';
import { deciderSpec } from '../../testing/given-when-then';
import { fixtureFillContext } from '../../testing/fill-context';
import type { FillContext, OrderCommand, RiskContext } from '../order.commands';
import type { OrderEvent, OrderFillData } from '../order.events';
import { orderDecider } from '../order.decider';

/** Friday 20 Nov 2026, 10:00 IST: a normal trading day inside market hours. */
export const NOW = '2026-11-20T10:00:00+05:30';
export const ORDER_ID = 'ord-1';
export const ACCOUNT_ID = 'acc-1';

export const calendar = createMarketCalendar({ holidays: ['2026-12-25'] });

export const RELIANCE: Instrument = {
  symbol: 'RELIANCE',
  exchange: 'NSE',
  segment: 'EQ',
  tickSizePaise: 5,
  lotSize: 1,
  referencePricePaise: 148000,
  underlying: null,
  expiry: null,
  strikePaise: null,
  optionType: null,
};

export const NIFTY_CE: Instrument = {
  symbol: 'NIFTY 2026-12-31 24000 CE',
  exchange: 'NSE',
  segment: 'OPT',
  tickSizePaise: 5,
  lotSize: 75,
  referencePricePaise: 213000,
  underlying: 'NIFTY',
  expiry: '2026-12-31',
  strikePaise: 2400000,
  optionType: 'CE',
};

export const NIFTY_FUT: Instrument = {
  ...NIFTY_CE,
  symbol: 'NIFTY 2026-12-31 FUT',
  segment: 'FUT',
  referencePricePaise: 2600000,
  strikePaise: null,
  optionType: null,
};

export interface RiskOverrides {
  now?: string;
  instrument?: Instrument;
  account?: Partial<RiskContext['account']>;
  positionQuantity?: number;
  openBuyQuantity?: number;
  openSellQuantity?: number;
  referencePricePaise?: number;
}

/** 1 lakh rupees of buying power, no limits, flat, last price 1,500.00 rupees (150,000 paise). */
export function riskContext(overrides: RiskOverrides = {}): RiskContext {
  return {
    now: overrides.now ?? NOW,
    instrument: overrides.instrument ?? RELIANCE,
    calendar,
    account: {
      halted: false,
      buyingPowerPaise: 10_000_000,
      maxOrderValuePaise: null,
      maxPositionQuantity: null,
      dailyLossLimitPaise: null,
      realizedTodayPaise: 0,
      ...overrides.account,
    },
    positionQuantity: overrides.positionQuantity ?? 0,
    openBuyQuantity: overrides.openBuyQuantity ?? 0,
    openSellQuantity: overrides.openSellQuantity ?? 0,
    referencePricePaise: overrides.referencePricePaise ?? 150000,
  };
}

export type PlaceData = Extract<OrderCommand, { type: 'PlaceOrder' }>['data'];

/** BUY 10 RELIANCE LIMIT 1,470.00 (147,000 paise) MIS DAY. */
export function placeData(overrides: Partial<PlaceData> = {}): PlaceData {
  return {
    orderId: ORDER_ID,
    accountId: ACCOUNT_ID,
    instrument: 'RELIANCE',
    side: 'BUY',
    quantity: 10,
    orderType: 'LIMIT',
    limitPricePaise: 147000,
    triggerPricePaise: null,
    product: 'MIS',
    validity: 'DAY',
    ...overrides,
  };
}

export function placeOrder(overrides: Partial<PlaceData> = {}, risk: RiskOverrides = {}): OrderCommand {
  const data = placeData(overrides);
  const instrument = risk.instrument ?? (data.instrument === RELIANCE.symbol ? RELIANCE : undefined);
  return { type: 'PlaceOrder', data, risk: riskContext({ ...risk, instrument }) };
}

/** The OrderPlaced event that placeOrder(overrides) records. */
export function orderPlaced(overrides: Partial<PlaceData> = {}, placedAt = NOW): OrderEvent {
  const d = placeData(overrides);
  return {
    type: 'OrderPlaced',
    data: {
      orderId: d.orderId,
      accountId: d.accountId,
      instrument: d.instrument,
      side: d.side,
      quantity: d.quantity,
      orderType: d.orderType,
      limitPricePaise: d.limitPricePaise ?? null,
      triggerPricePaise: d.triggerPricePaise ?? null,
      product: d.product,
      validity: d.validity,
      strategyId: d.strategyId ?? null,
      clientOrderId: d.clientOrderId ?? null,
      placedAt,
    },
  };
}

export const accepted = (reservedPaise: number): OrderEvent => ({ type: 'OrderAccepted', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reservedPaise } });

/** The order fields a fill event copies; the default order's unless the history placed another one. */
export type FillOrderFields = Pick<OrderFillData, 'instrument' | 'side' | 'product' | 'strategyId'>;

export function fillEvent(
  type: 'OrderPartiallyFilled' | 'OrderFilled',
  fillId: string,
  quantity: number,
  pricePaise: number,
  filledQuantity: number,
  remainingQuantity: number,
  feesPaise = 0,
  order: Partial<FillOrderFields> = {},
): OrderEvent {
  const d = placeData();
  const fields: FillOrderFields = { instrument: d.instrument, side: d.side, product: d.product, strategyId: d.strategyId ?? null, ...order };
  return { type, data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, ...fields, fillId, quantity, pricePaise, feesPaise, filledQuantity, remainingQuantity, occurredAt: NOW } };
}

/** The context of a fill of the default order: clock at the fill's time, RELIANCE, this file's calendar, a funded account. */
export const fillContext = (occurredAt = NOW, over: Partial<FillContext> = {}): FillContext =>
  fixtureFillContext({ occurredAt }, RELIANCE, { accountId: ACCOUNT_ID, calendar, ...over });

/** feesPaise null: a report without charges (the decision computes them). */
export const reportFill = (fillId: string, quantity: number, pricePaise: number, feesPaise: number | null = 0, occurredAt = NOW, over: Partial<FillContext> = {}): OrderCommand => ({
  type: 'ReportFill',
  data: { orderId: ORDER_ID, fillId, quantity, pricePaise, ...(feesPaise === null ? {} : { feesPaise }), occurredAt },
  context: fillContext(occurredAt, over),
});

/** History of the default order (BUY 10 LIMIT 147,000) once accepted: reserved 10 x 147,000 = 1,470,000. */
export const OPEN_LIMIT_BUY: OrderEvent[] = [orderPlaced(), accepted(1_470_000)];
/** ... and 4 filled at 147,000: 6 open. */
export const PARTIAL_LIMIT_BUY: OrderEvent[] = [...OPEN_LIMIT_BUY, fillEvent('OrderPartiallyFilled', 'f1', 4, 147000, 4, 6)];
export const FILLED_LIMIT_BUY: OrderEvent[] = [...PARTIAL_LIMIT_BUY, fillEvent('OrderFilled', 'f2', 6, 146500, 10, 0)];
/** SL-M BUY 10, trigger 152,000, accepted with reservation 10 x max(152,000, 150,000) = 1,520,000. */
export const SLM_BUY_PENDING: OrderEvent[] = [
  orderPlaced({ orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 152000 }),
  accepted(1_520_000),
];
export const CANCELLED_LIMIT_BUY: OrderEvent[] = [...OPEN_LIMIT_BUY, { type: 'OrderCancelled', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reason: 'user', cancelledQuantity: 10 } }];
export const EXPIRED_LIMIT_BUY: OrderEvent[] = [...OPEN_LIMIT_BUY, { type: 'OrderExpired', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reason: 'end of day', expiredQuantity: 10 } }];
export const REJECTED_LIMIT_BUY: OrderEvent[] = [
  orderPlaced(),
  { type: 'OrderRejected', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reasonCode: 'INSUFFICIENT_FUNDS', reason: 'no money' } },
];

export const spec = deciderSpec(orderDecider.decide, orderDecider.evolve, orderDecider.initialState);
