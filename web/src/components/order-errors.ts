import { ApiFailure, fieldProblems } from '../api/http';

export type TicketField = 'instrument' | 'side' | 'quantity' | 'type' | 'limitPricePaise' | 'triggerPricePaise' | 'product' | 'validity';
const FIELDS: readonly string[] = ['instrument', 'side', 'quantity', 'type', 'limitPricePaise', 'triggerPricePaise', 'product', 'validity'];

/** Which form field a domain or risk code is about; codes not listed are shown above the submit button. */
const CODE_FIELD: Record<string, TicketField> = {
  UNKNOWN_INSTRUMENT: 'instrument',
  INSTRUMENT_EXPIRED: 'instrument',
  QUANTITY_INVALID: 'quantity',
  LOT_SIZE_MISMATCH: 'quantity',
  ORDER_VALUE_LIMIT: 'quantity',
  POSITION_LIMIT: 'quantity',
  INSUFFICIENT_FUNDS: 'quantity',
  INSUFFICIENT_HOLDINGS: 'quantity',
  MODIFY_QUANTITY_BELOW_FILLED: 'quantity',
  LIMIT_PRICE_REQUIRED: 'limitPricePaise',
  LIMIT_PRICE_NOT_ALLOWED: 'limitPricePaise',
  PRICE_INVALID: 'limitPricePaise',
  PRICE_NOT_ON_TICK: 'limitPricePaise',
  TRIGGER_PRICE_REQUIRED: 'triggerPricePaise',
  TRIGGER_PRICE_NOT_ALLOWED: 'triggerPricePaise',
  SL_PRICES_INCONSISTENT: 'triggerPricePaise',
  PRODUCT_NOT_ALLOWED: 'product',
  MIS_CUTOFF_PASSED: 'product',
};

export interface TicketErrors {
  fields: Partial<Record<TicketField, string>>;
  form: string | null;
}

/** Spreads an api error over the form: validation details by field, known codes to their field, the rest on top. */
export function ticketErrors(error: unknown, orderType: string): TicketErrors {
  if (!(error instanceof ApiFailure)) return { fields: {}, form: error instanceof Error ? error.message : 'the order could not be sent' };
  const fields: TicketErrors['fields'] = {};
  for (const problem of fieldProblems(error)) {
    const field = problem.field.split('.')[0];
    // The first problem of a field is the one to fix first; the validators' other ones repeat it in other words.
    if (FIELDS.includes(field) && problem.problems.length > 0) fields[field as TicketField] ??= problem.problems[0];
  }
  if (Object.keys(fields).length > 0) return { fields, form: null };
  let field = CODE_FIELD[error.code];
  // On a stop-loss market order the only price is the trigger.
  if (field === 'limitPricePaise' && orderType === 'SL-M') field = 'triggerPricePaise';
  const rejected = error.status === 422 && (error.details as { orderId?: unknown } | undefined)?.orderId ? ' The order is recorded as rejected.' : '';
  if (field) return { fields: { [field]: `${error.message}${rejected}` }, form: null };
  return { fields: {}, form: `${error.message} (${error.code})${rejected}` };
}
