import { InvalidCommand, RuleViolation } from '../common/errors';
import type { OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import { requireOrder, requireWorking } from './order.guards';
import type { OrderState } from './order.state';
import { assertPricesForType, assertQuantity } from './order.validation';
import { checkPreTrade } from './pre-trade-risk';

type ModifyOrder = Extract<OrderCommand, { type: 'ModifyOrder' }>;

/**
 * Changes quantity and/or prices of a working order. An omitted field keeps its value; null
 * clears a price (which the order type may then refuse). `quantity` is the new total, fills included.
 *
 * The new open quantity goes through the same pre-trade checks as a placement, except the market
 * phase. The caller must build the RiskContext as if this order did not exist: buyingPowerPaise
 * with this order's current reservation (reservationFor(state)) added back, and
 * openBuyQuantity / openSellQuantity without this order. A failed check refuses the change (RuleViolation with the
 * risk code) and the order stays as it was: unlike a placement there is nothing new to record.
 */
export function decideModifyOrder(command: ModifyOrder, state: OrderState): OrderEvent[] {
  const { data, risk } = command;
  const order = requireOrder(state, data.orderId);
  requireWorking(order);
  if (data.quantity === undefined && data.limitPricePaise === undefined && data.triggerPricePaise === undefined) {
    throw new InvalidCommand('NOTHING_TO_MODIFY', 'a modification needs a quantity or a price');
  }
  const quantity = data.quantity ?? order.quantity;
  assertQuantity(quantity);
  const prices = {
    limitPricePaise: data.limitPricePaise === undefined ? order.limitPricePaise : data.limitPricePaise,
    triggerPricePaise: data.triggerPricePaise === undefined ? order.triggerPricePaise : data.triggerPricePaise,
  };
  assertPricesForType(order.orderType, order.side, prices);
  if (risk.instrument.symbol !== order.instrument) {
    throw new InvalidCommand('INSTRUMENT_MISMATCH', `order is for ${order.instrument} but the risk context is for ${risk.instrument.symbol}`);
  }
  if (quantity <= order.filledQuantity) {
    throw new RuleViolation('MODIFY_QUANTITY_BELOW_FILLED', `quantity ${quantity} must exceed the ${order.filledQuantity} already filled`, {
      orderId: order.orderId,
      quantity,
      filledQuantity: order.filledQuantity,
    });
  }
  const unchanged =
    quantity === order.quantity && prices.limitPricePaise === order.limitPricePaise && prices.triggerPricePaise === order.triggerPricePaise;
  if (unchanged) return [];
  const verdict = checkPreTrade(
    { side: order.side, orderType: order.orderType, product: order.product, quantity: quantity - order.filledQuantity, ...prices },
    risk,
    { skipMarketPhase: true },
  );
  if (!verdict.ok) throw new RuleViolation(verdict.code, `modification refused: ${verdict.reason}`, { orderId: order.orderId });
  return [{ type: 'OrderModified', data: { orderId: order.orderId, accountId: order.accountId, quantity, ...prices, reservedPaise: verdict.reservedPaise } }];
}
