import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { request } from '../api/http';
import type { OrderType, PlaceOrderBody, Product, Side, Validity } from '../api/types';
import { useApp } from '../app-context';
import { paiseToRupeeText, parseRupees, rupees } from '../lib/format';
import { newKey } from '../lib/ids';
import { ticketErrors, type TicketErrors } from './order-errors';
import { Card, Field, Segmented } from './ui';

const TYPES: readonly OrderType[] = ['MARKET', 'LIMIT', 'SL', 'SL-M'];
const PRODUCTS: readonly Product[] = ['CNC', 'MIS', 'NRML'];
const VALIDITIES: readonly Validity[] = ['DAY', 'IOC'];
const SIDES: readonly Side[] = ['BUY', 'SELL'];

interface Draft {
  side: Side;
  instrument: string;
  quantity: string;
  type: OrderType;
  limitPrice: string;
  triggerPrice: string;
  product: Product;
  validity: Validity;
}

const EMPTY: Draft = { side: 'BUY', instrument: '', quantity: '', type: 'LIMIT', limitPrice: '', triggerPrice: '', product: 'MIS', validity: 'DAY' };
const NO_ERRORS: TicketErrors = { fields: {}, form: null };
const INSTRUMENT = /^[A-Z0-9][A-Z0-9 &._-]{0,39}$/;

interface MarketQuote {
  symbol: string;
  bidPaise: number;
  askPaise: number;
  lastPaise: number;
}

/** The latest quote of the instrument being typed (none while it is not a known symbol). */
function useQuote(instrument: string) {
  const symbol = instrument.trim().toUpperCase();
  return useQuery({
    queryKey: ['quote', symbol],
    queryFn: ({ signal }) => request<{ quotes: MarketQuote[] }>('/api/market/quotes', { signal, query: { symbols: symbol } }).then((a) => a.quotes[0] ?? null),
    enabled: INSTRUMENT.test(symbol),
    retry: false,
    staleTime: 5_000,
  }).data;
}

/** One message for each required field left empty; nothing is sent until they are filled in. */
export function emptyFieldErrors(draft: { instrument: string; quantity: string; limitPrice: string; triggerPrice: string }, needsLimit: boolean, needsTrigger: boolean): TicketErrors['fields'] {
  const fields: TicketErrors['fields'] = {};
  if (draft.instrument.trim() === '') fields.instrument = 'Enter an instrument';
  if (draft.quantity.trim() === '') fields.quantity = 'Enter a quantity';
  if (needsLimit && draft.limitPrice.trim() === '') fields.limitPricePaise = 'Enter a limit price';
  if (needsTrigger && draft.triggerPrice.trim() === '') fields.triggerPricePaise = 'Enter a trigger price';
  return fields;
}

/**
 * The order ticket. Rules live in the api: the ticket converts rupees to paise and sends; whatever the api refuses
 * is shown next to the field it is about. One idempotency key per intended order, so a retried click never places two.
 */
export function OrderTicket({ accountId, instruments, strategyId }: { accountId: string; instruments: string[]; strategyId?: string }) {
  const { notify } = useApp();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<TicketErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newKey);

  const needsLimit = draft.type === 'LIMIT' || draft.type === 'SL';
  const needsTrigger = draft.type === 'SL' || draft.type === 'SL-M';
  const quote = useQuote(draft.instrument);
  // Hints, never values: the price hint is the instrument's last traded price when it is known.
  const priceHint = quote ? `near ${paiseToRupeeText(quote.lastPaise)}` : 'price in ₹';

  function change<K extends keyof Draft>(field: K, value: Draft[K]) {
    setDraft((d) => ({ ...d, [field]: value }));
    setKey(newKey());
    setErrors(NO_ERRORS);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: TicketErrors['fields'] = emptyFieldErrors(draft, needsLimit, needsTrigger);
    const limitPricePaise = needsLimit && draft.limitPrice.trim() ? parseRupees(draft.limitPrice) : undefined;
    const triggerPricePaise = needsTrigger && draft.triggerPrice.trim() ? parseRupees(draft.triggerPrice) : undefined;
    // Only what the api cannot see: text that is not an amount of rupees at all.
    if (needsLimit && draft.limitPrice.trim() && limitPricePaise === undefined) local.limitPricePaise = 'Enter a price in rupees, e.g. 2500.05';
    if (needsTrigger && draft.triggerPrice.trim() && triggerPricePaise === undefined) local.triggerPricePaise = 'Enter a price in rupees, e.g. 2480.00';
    if (Object.keys(local).length) return setErrors({ fields: local, form: null });
    const typed = draft.quantity.trim().replace(/,/g, '');
    const body: PlaceOrderBody = {
      accountId,
      instrument: draft.instrument.trim().toUpperCase(),
      side: draft.side,
      // Text that is not a number goes as typed: the api's validation says what is wrong with it.
      quantity: typed !== '' && Number.isFinite(Number(typed)) ? Number(typed) : typed,
      type: draft.type,
      product: draft.product,
      validity: draft.validity,
      ...(limitPricePaise !== undefined ? { limitPricePaise } : {}),
      ...(triggerPricePaise !== undefined ? { triggerPricePaise } : {}),
      ...(strategyId ? { strategyId } : {}),
    };
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const result = await api.placeOrder(body, key);
      notify(`${body.side} ${body.quantity} ${body.instrument}: ${result.status}`);
      setDraft((d) => ({ ...d, quantity: '', limitPrice: '', triggerPrice: '' }));
      setKey(newKey());
      await client.invalidateQueries({ predicate: (q) => q.queryKey.includes(accountId) });
    } catch (error) {
      setErrors(ticketErrors(error, draft.type));
      // A risk rejection is recorded: the blotter shows the REJECTED order.
      void client.invalidateQueries({ predicate: (q) => q.queryKey.includes(accountId) });
    } finally {
      setBusy(false);
    }
  }

  const f = errors.fields;
  return (
    <Card title="Order ticket" className="ticket">
      <form onSubmit={submit} noValidate data-testid="order-ticket">
        <div className={`ticket-side ${draft.side === 'BUY' ? 'buy' : 'sell'}`}>
          <Segmented name="side" label="Side" value={draft.side} options={SIDES} onChange={(v) => change('side', v)} />
        </div>
        <div className="ticket-grid">
          <Field label="Instrument" htmlFor="instrument" error={f.instrument}>
            <input
              id="instrument"
              list="instrument-list"
              value={draft.instrument}
              onChange={(e) => change('instrument', e.target.value.toUpperCase())}
              placeholder="symbol, e.g. INFY"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={!!f.instrument}
            />
            <datalist id="instrument-list">
              {instruments.map((i) => (
                <option key={i} value={i} />
              ))}
            </datalist>
          </Field>
          <Field label="Quantity" htmlFor="quantity" error={f.quantity}>
            <input id="quantity" inputMode="numeric" value={draft.quantity} onChange={(e) => change('quantity', e.target.value)} placeholder="shares" aria-invalid={!!f.quantity} />
          </Field>
          <Field label="Type" htmlFor="type" error={f.type}>
            <select id="type" value={draft.type} onChange={(e) => change('type', e.target.value as OrderType)}>
              {TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </Field>
          <Field label="Limit price (₹)" htmlFor="limitPricePaise" error={f.limitPricePaise}>
            <input
              id="limitPricePaise"
              inputMode="decimal"
              value={needsLimit ? draft.limitPrice : ''}
              disabled={!needsLimit}
              placeholder={needsLimit ? priceHint : 'at market'}
              onChange={(e) => change('limitPrice', e.target.value)}
              aria-invalid={!!f.limitPricePaise}
            />
          </Field>
          <Field label="Trigger price (₹)" htmlFor="triggerPricePaise" error={f.triggerPricePaise}>
            <input
              id="triggerPricePaise"
              inputMode="decimal"
              value={needsTrigger ? draft.triggerPrice : ''}
              disabled={!needsTrigger}
              placeholder={needsTrigger ? priceHint : 'SL, SL-M only'}
              onChange={(e) => change('triggerPrice', e.target.value)}
              aria-invalid={!!f.triggerPricePaise}
            />
          </Field>
          <Field label="Product" htmlFor="product" error={f.product}>
            <select id="product" value={draft.product} onChange={(e) => change('product', e.target.value as Product)}>
              {PRODUCTS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </Field>
          <Field label="Validity" htmlFor="validity" error={f.validity}>
            <select id="validity" value={draft.validity} onChange={(e) => change('validity', e.target.value as Validity)}>
              {VALIDITIES.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </Field>
        </div>
        {quote && (
          <p className="muted small ticket-quote" data-testid="ticket-quote">
            {quote.symbol}: last {rupees(quote.lastPaise)} · bid {rupees(quote.bidPaise)} · ask {rupees(quote.askPaise)}
          </p>
        )}
        {errors.form && (
          <div className="form-error" role="alert" data-testid="ticket-error">
            {errors.form}
          </div>
        )}
        <button className={`btn btn-block ${draft.side === 'BUY' ? 'btn-buy' : 'btn-sell'}`} disabled={busy} data-testid="ticket-submit">
          {busy ? 'Sending…' : `${draft.side === 'BUY' ? 'Buy' : 'Sell'} ${draft.instrument || ''}`.trim()}
        </button>
      </form>
    </Card>
  );
}
