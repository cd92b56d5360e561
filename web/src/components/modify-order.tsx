import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { Order } from '../api/types';
import { useApp } from '../app-context';
import { paiseToRupeeText, parseRupees } from '../lib/format';
import { ticketErrors, type TicketErrors } from './order-errors';
import { Field } from './ui';

/** Change quantity or prices of an open order; only the fields that changed are sent (risk checks run again). */
export function ModifyOrder({ order, done }: { order: Order; done: () => void }) {
  const { notify } = useApp();
  const client = useQueryClient();
  const [qty, setQty] = useState(String(order.quantity));
  const [limit, setLimit] = useState(paiseToRupeeText(order.limitPricePaise));
  const [trigger, setTrigger] = useState(paiseToRupeeText(order.triggerPricePaise));
  const [errors, setErrors] = useState<TicketErrors>({ fields: {}, form: null });
  const [busy, setBusy] = useState(false);
  const hasLimit = order.orderType === 'LIMIT' || order.orderType === 'SL';
  const hasTrigger = order.orderType === 'SL' || order.orderType === 'SL-M';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body: { quantity?: number; limitPricePaise?: number; triggerPricePaise?: number } = {};
    const fields: TicketErrors['fields'] = {};
    if (Number(qty) !== order.quantity) body.quantity = Number(qty);
    if (hasLimit) {
      const paise = parseRupees(limit);
      if (paise === undefined) fields.limitPricePaise = 'Enter a price in rupees, e.g. 2500.05';
      else if (paise !== order.limitPricePaise) body.limitPricePaise = paise;
    }
    if (hasTrigger) {
      const paise = parseRupees(trigger);
      if (paise === undefined) fields.triggerPricePaise = 'Enter a price in rupees, e.g. 2480.00';
      else if (paise !== order.triggerPricePaise) body.triggerPricePaise = paise;
    }
    if (Object.keys(fields).length) return setErrors({ fields, form: null });
    setBusy(true);
    try {
      await api.modifyOrder(order.orderId, body);
      notify(`Order ${order.instrument} modified`);
      await client.invalidateQueries({ predicate: (q) => q.queryKey.includes(order.accountId) });
      done();
    } catch (error) {
      setErrors(ticketErrors(error, order.orderType));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="modify-form" onSubmit={submit} noValidate data-testid="modify-form">
      <Field label="Quantity" htmlFor={`m-qty-${order.orderId}`} error={errors.fields.quantity}>
        <input id={`m-qty-${order.orderId}`} inputMode="numeric" value={qty} onChange={(e) => setQty(e.target.value)} />
      </Field>
      {hasLimit && (
        <Field label="Limit (₹)" htmlFor={`m-limit-${order.orderId}`} error={errors.fields.limitPricePaise}>
          <input id={`m-limit-${order.orderId}`} inputMode="decimal" value={limit} onChange={(e) => setLimit(e.target.value)} />
        </Field>
      )}
      {hasTrigger && (
        <Field label="Trigger (₹)" htmlFor={`m-trigger-${order.orderId}`} error={errors.fields.triggerPricePaise}>
          <input id={`m-trigger-${order.orderId}`} inputMode="decimal" value={trigger} onChange={(e) => setTrigger(e.target.value)} />
        </Field>
      )}
      {errors.form && (
        <div className="form-error" role="alert">
          {errors.form}
        </div>
      )}
      <div className="row">
        <button className="btn btn-primary btn-small" disabled={busy}>
          Save
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={done}>
          Close
        </button>
      </div>
    </form>
  );
}
