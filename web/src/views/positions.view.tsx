import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiFailure } from '../api/http';
import { canTrade } from '../api/session';
import type { Order, PortfolioPosition, Product } from '../api/types';
import { useApp } from '../app-context';
import { StaleMark } from '../components/live-badge';
import { ConfirmButton } from '../components/confirm-button';
import { NeedsAccount } from '../components/needs-account';
import { Badge, Card, Empty, QueryView } from '../components/ui';
import { pnlClass, quantity, rupees } from '../lib/format';
import { newKey } from '../lib/ids';

export default function PositionsView() {
  return <NeedsAccount>{(accountId) => <Positions accountId={accountId} />}</NeedsAccount>;
}

/** The product the position was built with: the latest filled order on the instrument says it (MIS when unknown). */
function productFor(orders: Order[] | undefined, instrument: string): Product {
  const last = orders?.find((o) => o.instrument === instrument && o.filledQuantity > 0);
  return last?.product ?? 'MIS';
}

function Positions({ accountId }: { accountId: string }) {
  const { session, notify } = useApp();
  const client = useQueryClient();
  const [showClosed, setShowClosed] = useState(false);
  const [closing, setClosing] = useState<string | null>(null);
  const portfolio = useQuery({ queryKey: ['portfolio', accountId], queryFn: ({ signal }) => api.portfolio(accountId, signal) });
  const orders = useQuery({ queryKey: ['orders', accountId, 'recent', 200], queryFn: ({ signal }) => api.orders({ accountId, limit: 200 }, signal) });
  const trader = canTrade(session);

  async function close(position: PortfolioPosition) {
    setClosing(position.instrument);
    const side = position.quantity > 0 ? 'SELL' : 'BUY';
    try {
      const result = await api.placeOrder(
        {
          accountId,
          instrument: position.instrument,
          side,
          quantity: Math.abs(position.quantity),
          type: 'MARKET',
          product: productFor(orders.data?.items, position.instrument),
          validity: 'DAY',
        },
        newKey(),
      );
      notify(`Close order placed: ${side} ${Math.abs(position.quantity)} ${position.instrument} at market (${result.status})`);
      await client.invalidateQueries({ predicate: (q) => q.queryKey.includes(accountId) });
    } catch (error) {
      notify(error instanceof ApiFailure ? `Close refused: ${error.message} (${error.code})` : 'Close failed', 'bad');
    } finally {
      setClosing(null);
    }
  }

  return (
    <div className="view" data-testid="positions">
      <div className="view-head">
        <h1>
          Positions <StaleMark />
        </h1>
        <label className="inline-label">
          <input type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} /> Show closed
        </label>
      </div>
      <Card>
        <QueryView query={portfolio} what="Positions">
          {(p) => {
            const rows = p.positions.filter((x) => showClosed || x.quantity !== 0);
            if (rows.length === 0) return <Empty>{p.positions.length ? 'No open positions (closed ones are hidden).' : 'No positions yet.'}</Empty>;
            return (
              <div className="table-wrap">
                <table className="table" data-testid="positions-table">
                  <thead>
                    <tr>
                      <th>Instrument</th>
                      <th className="num">Qty</th>
                      <th className="num">Avg price</th>
                      <th className="num">Last</th>
                      <th className="num">Market value</th>
                      <th className="num">Unrealized</th>
                      <th className="num">Realized net</th>
                      <th className="num hide-narrow">Fees</th>
                      {trader && <th aria-label="Actions" />}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((x) => (
                      <tr key={x.instrument} data-testid={`position-${x.instrument}`}>
                        <td>
                          {x.instrument} {x.quantity === 0 && <Badge>closed</Badge>}
                          {x.quantity < 0 && <Badge tone="warn">short</Badge>}
                        </td>
                        <td className="num" data-testid="qty">
                          {quantity(x.quantity)}
                        </td>
                        <td className="num">{x.quantity === 0 ? '—' : rupees(x.averagePricePaise)}</td>
                        <td className="num" data-testid="mark" title={x.markSource === 'MARKET' && x.markedAt ? `market price at ${x.markedAt}` : undefined}>
                          {x.markSource === 'COST' ? <Badge tone="warn">at cost</Badge> : rupees(x.lastPricePaise)}
                        </td>
                        <td className="num">{rupees(x.marketValuePaise)}</td>
                        <td className={`num ${pnlClass(x.unrealizedPnlPaise)}`} data-testid="unrealized">
                          {rupees(x.unrealizedPnlPaise, { sign: true })}
                        </td>
                        <td className={`num ${pnlClass(x.realizedNetPaise)}`} title={`gross ${rupees(x.realizedGrossPaise)}`}>
                          {rupees(x.realizedNetPaise, { sign: true })}
                        </td>
                        <td className="num hide-narrow">{rupees(x.feesPaise)}</td>
                        {trader && (
                          <td className="actions">
                            {x.quantity !== 0 && (
                              <ConfirmButton
                                disabled={closing !== null}
                                question={`${x.quantity > 0 ? 'Sell' : 'Buy'} ${Math.abs(x.quantity)} ${x.instrument} at market?`}
                                confirmLabel="Yes, close"
                                onConfirm={() => void close(x)}
                                testId={`close-${x.instrument}`}
                                title={`${x.quantity > 0 ? 'Sell' : 'Buy'} ${Math.abs(x.quantity)} at market`}
                              >
                                {closing === x.instrument ? 'Closing…' : 'Close'}
                              </ConfirmButton>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
          }}
        </QueryView>
      </Card>
    </div>
  );
}
