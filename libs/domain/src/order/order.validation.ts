import { InvalidCommand, assertNever } from '../common/errors';
import type { OrderType, Paise, Side } from '../common/types';

export interface OrderPrices {
  limitPricePaise: Paise | null;
  triggerPricePaise: Paise | null;
}

/** Shape checks that need no context: they throw InvalidCommand and nothing is recorded. */
export function assertQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new InvalidCommand('QUANTITY_INVALID', `quantity must be a positive integer, got ${quantity}`, { quantity });
  }
}

export function assertPrice(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidCommand('PRICE_INVALID', `${field} must be a positive integer number of paise, got ${value}`, { [field]: value });
  }
}

/**
 * Which prices each order type carries:
 * MARKET none; LIMIT a limit; SL a trigger and a limit; SL-M a trigger only.
 * An SL BUY fires when the price rises to the trigger and must then buy at or below the limit,
 * so limit >= trigger (and the mirror for SELL); otherwise it could never fill after triggering.
 */
export function assertPricesForType(orderType: OrderType, side: Side, prices: OrderPrices): void {
  const { limitPricePaise: limit, triggerPricePaise: trigger } = prices;
  const needsLimit = orderType === 'LIMIT' || orderType === 'SL';
  const needsTrigger = orderType === 'SL' || orderType === 'SL-M';
  if (needsLimit && limit === null) throw new InvalidCommand('LIMIT_PRICE_REQUIRED', `${orderType} orders need a limit price`);
  if (!needsLimit && limit !== null) throw new InvalidCommand('LIMIT_PRICE_NOT_ALLOWED', `${orderType} orders take no limit price`);
  if (needsTrigger && trigger === null) throw new InvalidCommand('TRIGGER_PRICE_REQUIRED', `${orderType} orders need a trigger price`);
  if (!needsTrigger && trigger !== null) throw new InvalidCommand('TRIGGER_PRICE_NOT_ALLOWED', `${orderType} orders take no trigger price`);
  if (limit !== null) assertPrice(limit, 'limitPricePaise');
  if (trigger !== null) assertPrice(trigger, 'triggerPricePaise');
  if (orderType === 'SL' && limit !== null && trigger !== null) assertStopConsistent(side, limit, trigger);
}

function assertStopConsistent(side: Side, limit: Paise, trigger: Paise): void {
  switch (side) {
    case 'BUY':
      if (limit < trigger) throw inconsistent('an SL BUY limit must be at or above its trigger', limit, trigger);
      return;
    case 'SELL':
      if (limit > trigger) throw inconsistent('an SL SELL limit must be at or below its trigger', limit, trigger);
      return;
    default:
      assertNever(side);
  }
}

function inconsistent(message: string, limitPricePaise: Paise, triggerPricePaise: Paise): InvalidCommand {
  return new InvalidCommand('SL_PRICES_INCONSISTENT', message, { limitPricePaise, triggerPricePaise });
}
