import { assertNever } from '../common/errors';
import type { Paise, Side } from '../common/types';

/**
 * A buy stop protects against (or chases) a rise, so it fires when the price reaches the trigger from below:
 * last >= trigger. A sell stop fires on a fall: last <= trigger. The one home of the rule: the TriggerOrder decision
 * and the paper broker call it.
 */
export function stopTriggerReached(side: Side, lastPricePaise: Paise, triggerPricePaise: Paise): boolean {
  switch (side) {
    case 'BUY':
      return lastPricePaise >= triggerPricePaise;
    case 'SELL':
      return lastPricePaise <= triggerPricePaise;
    default:
      return assertNever(side);
  }
}
