import { Fragment, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiFailure } from '../api/http';
import { canTrade } from '../api/session';
import { FINAL_STATUSES, ORDER_STATUSES, type Order } from '../api/types';
import { useApp } from '../app-context';
import { StaleMark } from '../components/live-badge';
import { ConfirmButton } from '../components/confirm-button';
import { ModifyOrder } from '../components/modify-order';
import { NeedsAccount } from '../components/needs-account';
import { OrderTicket } from '../components/order-ticket';
import { Card, Empty, QueryView, StatusBadge } from '../components/ui';
import { istDateTime, istShort, quantity, rupees, shortId } from '../lib/format';
import { href } from '../lib/route';

const PAGE = 25;

export default function OrdersView() {
  return <NeedsAccount>{(accountId) => <Orders accountId={accountId} />}</NeedsAccount>;
}

function Orders({ accountId }: { accountId: string }) {
  const { session } = useApp();
  const [status, setStatus] = useState('');
  const [instrument, setInstrument] = useState('');
  // Cursor of each page seen so far: "previous" walks back along it.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const filter = { status: status || undefined, instrument: instrument.trim().toUpperCase() || undefined };
  const blotter = useQuery({
    queryKey: ['orders', accountId, 'blotter', filter.status ?? '', filter.instrument ?? '', cursor ?? ''],
    queryFn: ({ signal }) => api.orders({ accountId, ...filter, limit: PAGE, cursor }, signal),
    // Paging and filtering keep the rows on screen until the next page arrives (same account only).
    placeholderData: (previous, query) => (query?.queryKey[1] === accountId ? previous : undefined),
  });
  const portfolio = useQuery({ queryKey: ['portfolio', accountId], queryFn: ({ signal }) => api.portfolio(accountId, signal) });
  const instruments = useMemo(() => {
    const seen = new Set<string>(['RELIANCE', 'INFY', 'TCS', 'HDFCBANK', 'ICICIBANK', 'SBIN']);
    for (const p of portfolio.data?.positions ?? []) seen.add(p.instrument);
    for (const o of blotter.data?.items ?? []) seen.add(o.instrument);
    return [...seen].sort();
  }, [portfolio.data, blotter.data]);
  const trader = canTrade(session);

  function resetPaging() {
    setCursors([null]);
  }

  return (
    <div className={`view orders-layout ${trader ? 'with-ticket' : ''}`} data-testid="orders">
      <div className="orders-main">
        <div className="view-head">
          <h1>
            Orders <StaleMark />
          </h1>
          <div className="view-tools filters">
            <label className="inline-label">
              Status
              <select
                value={status}
                onChange={(e) => {
                  setStatus(e.target.value);
                  resetPaging();
                }}
                data-testid="filter-status"
              >
                <option value="">All</option>
                {ORDER_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-label">
              Instrument
              <input
                value={instrument}
                onChange={(e) => {
                  setInstrument(e.target.value);
                  resetPaging();
                }}
                placeholder="any"
                size={10}
                data-testid="filter-instrument"
              />
            </label>
          </div>
        </div>
        <Card>
          <QueryView query={blotter} what="The order blotter">
            {(page) => (
              <>
                {page.items.length === 0 ? <Empty>No orders{status || instrument ? ' match these filters' : ' yet'}.</Empty> : <Blotter orders={page.items} trader={trader} />}
                <div className="pager">
                  <button type="button" className="btn btn-small btn-ghost" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                    ← Newer
                  </button>
                  <span className="muted small">Page {cursors.length}</span>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    disabled={!page.nextCursor}
                    onClick={() => page.nextCursor && setCursors((c) => [...c, page.nextCursor])}
                    data-testid="next-page"
                  >
                    Older →
                  </button>
                </div>
              </>
            )}
          </QueryView>
        </Card>
      </div>
      {trader && (
        <aside className="orders-side">
          <OrderTicket accountId={accountId} instruments={instruments} />
        </aside>
      )}
    </div>
  );
}

/** The order's price terms; a market order shows what it was filled at, once it has fills. */
function priceText(o: Order): string {
  if (o.orderType === 'MARKET') return o.averageFillPricePaise !== null && o.filledQuantity > 0 ? `avg ${rupees(o.averageFillPricePaise)}` : 'at market';
  if (o.orderType === 'SL-M') return `trg ${rupees(o.triggerPricePaise)}`;
  if (o.orderType === 'SL') return `${rupees(o.limitPricePaise)} · trg ${rupees(o.triggerPricePaise)}`;
  return rupees(o.limitPricePaise);
}

function Blotter({ orders, trader }: { orders: Order[]; trader: boolean }) {
  const { notify } = useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [modifying, setModifying] = useState<string | null>(null);

  async function cancel(order: Order) {
    try {
      await api.cancelOrder(order.orderId, 'cancelled from the dashboard');
      notify(`Order ${order.instrument} cancelled`);
      await client.invalidateQueries({ predicate: (q) => q.queryKey.includes(order.accountId) });
    } catch (error) {
      notify(error instanceof ApiFailure ? `Cancel refused: ${error.message}` : 'Cancel failed', 'bad');
    }
  }

  return (
    <div className="table-wrap">
      <table className="table blotter" data-testid="blotter">
        <thead>
          <tr>
            <th>Placed (IST)</th>
            <th>Instrument</th>
            <th>Side / type</th>
            <th className="num">Filled / Qty</th>
            <th className="num">Price</th>
            <th className="num hide-mid hide-narrow">Avg fill</th>
            <th>Status</th>
            {trader && <th className="actions" aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => {
            const final = FINAL_STATUSES.includes(o.status);
            return (
              <Fragment key={o.orderId}>
                <tr className={`clickable ${open === o.orderId ? 'selected' : ''}`} onClick={() => setOpen(open === o.orderId ? null : o.orderId)} data-testid={`order-${o.orderId}`}>
                  <td className="placed" title={istDateTime(o.placedAt)} data-testid="placed">
                    {istShort(o.placedAt)}
                  </td>
                  <td className="instrument" title={o.instrument}>
                    {o.instrument}
                  </td>
                  <td className="side-type">
                    <span className={o.side === 'BUY' ? 'side-buy' : 'side-sell'}>{o.side}</span> {o.orderType}{' '}
                    <span className="muted small">{o.product}</span>
                  </td>
                  <td className="num">
                    {quantity(o.filledQuantity)} / {quantity(o.quantity)}
                  </td>
                  <td className="num">{priceText(o)}</td>
                  <td className="num hide-mid hide-narrow">{rupees(o.averageFillPricePaise)}</td>
                  <td data-testid="order-status">
                    <StatusBadge status={o.status} />
                  </td>
                  {trader && (
                    <td className="actions" onClick={(e) => e.stopPropagation()}>
                      {!final && (
                        <>
                          <button type="button" className="btn btn-small btn-ghost" onClick={() => setModifying(modifying === o.orderId ? null : o.orderId)} data-testid="modify">
                            Modify
                          </button>
                          <ConfirmButton question={`Cancel ${o.side} ${o.quantity - o.filledQuantity} ${o.instrument}?`} confirmLabel="Yes, cancel" onConfirm={() => void cancel(o)} testId="cancel">
                            Cancel
                          </ConfirmButton>
                        </>
                      )}
                    </td>
                  )}
                </tr>
                {/* An order that is no longer working cannot be modified: its form goes away with it. */}
                {modifying === o.orderId && !final && (
                  <tr className="detail-row">
                    <td colSpan={trader ? 8 : 7}>
                      <ModifyOrder order={o} done={() => setModifying(null)} />
                    </td>
                  </tr>
                )}
                {open === o.orderId && (
                  <tr className="detail-row">
                    <td colSpan={trader ? 8 : 7}>
                      <OrderDetail order={o} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function OrderDetail({ order: o }: { order: Order }) {
  return (
    <div className="order-detail">
      <dl className="kv">
        <dt>Order id</dt>
        <dd>
          <code>{o.orderId}</code>
        </dd>
        <dt>Placed</dt>
        <dd>{istDateTime(o.placedAt)}</dd>
        <dt>Product / validity</dt>
        <dd>
          {o.product} / {o.validity}
        </dd>
        {o.strategyId && (
          <>
            <dt>Strategy</dt>
            <dd>{o.strategyId}</dd>
          </>
        )}
        {o.rejectReason && (
          <>
            <dt>Rejected</dt>
            <dd className="loss">
              {o.rejectReason} <code className="code">{o.rejectReasonCode}</code>
            </dd>
          </>
        )}
        {o.closeReason && (
          <>
            <dt>Closed</dt>
            <dd>{o.closeReason}</dd>
          </>
        )}
        <dt>Fees</dt>
        <dd>{rupees(o.feesPaise)}</dd>
        <dt>History</dt>
        <dd>
          <a href={href('audit', [], { stream: `order-${o.orderId}` })}>events of order {shortId(o.orderId)} in the audit trail</a>
        </dd>
      </dl>
      {o.fills.length > 0 && (
        <table className="table table-compact">
          <thead>
            <tr>
              <th>Fill</th>
              <th>Time (IST)</th>
              <th className="num">Qty</th>
              <th className="num">Price</th>
              <th className="num">Fees</th>
            </tr>
          </thead>
          <tbody>
            {o.fills.map((f) => (
              <tr key={f.fillId}>
                <td>{f.fillId}</td>
                <td>{istDateTime(f.occurredAt)}</td>
                <td className="num">{quantity(f.quantity)}</td>
                <td className="num">{rupees(f.pricePaise)}</td>
                <td className="num">{rupees(f.feesPaise)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
