import { useQuery } from '@tanstack/react-query';
import { ApiFailure } from '../api/http';
import { Card, Stat } from '../components/ui';
import { quantity, rupees, pnlClass } from '../lib/format';
import { marketApi } from './market-api';

/** The strategy's multi-leg basket of its latest day: legs, net premium, P&L at market marks, payoff at expiry. */
export function BasketPanel({ strategyId }: { strategyId: string }) {
  const basket = useQuery({ queryKey: ['basket', strategyId], queryFn: ({ signal }) => marketApi.basket(strategyId, undefined, signal), retry: false });
  if (basket.error instanceof ApiFailure && basket.error.code === 'BASKET_NOT_FOUND') return null; // no derivative legs: not a basket strategy
  if (!basket.data) return null;
  const b = basket.data;
  const unlimited = (v: number | null) => (v === null ? 'unlimited' : rupees(v));
  const points = b.payoff.points;
  const max = Math.max(1, ...points.map((p) => Math.abs(p.pnlPaise)));
  return (
    <Card title={`Basket of ${b.day} (${b.payoff.underlying})`} className="basket">
      <div className="stats" data-testid="basket-stats">
        <Stat label="Net premium" value={rupees(b.netPremiumPaise)} hint="credit > 0" />
        <Stat label="P&L now" value={rupees(b.combined.totalNetPaise)} tone={b.combined.totalNetPaise} testId="basket-pnl" />
        <Stat label="Max profit" value={unlimited(b.payoff.maxProfitPaise)} testId="basket-max-profit" />
        <Stat label="Max loss" value={unlimited(b.payoff.maxLossPaise)} testId="basket-max-loss" />
        <Stat label="Breakevens" value={b.payoff.breakevensPaise.map((x) => rupees(x)).join(', ') || '—'} testId="basket-breakevens" />
      </div>
      <table className="table" data-testid="basket-legs">
        <thead>
          <tr>
            <th>Leg</th>
            <th className="num">Quantity</th>
            <th className="num">Mark</th>
            <th className="num">Realized</th>
            <th className="num">Unrealized</th>
            <th className="num">P&amp;L</th>
          </tr>
        </thead>
        <tbody>
          {b.legs.map((l) => (
            <tr key={l.legId}>
              <td>{l.instrument}</td>
              <td className="num">{quantity(l.quantity)}</td>
              <td className="num" title={l.markSource}>{rupees(l.lastPricePaise)}</td>
              <td className="num">{rupees(l.realizedNetPaise)}</td>
              <td className="num">{rupees(l.unrealizedNetPaise)}</td>
              <td className={`num ${pnlClass(l.totalNetPaise)}`}>{rupees(l.totalNetPaise)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <svg viewBox={`0 0 ${points.length * 10} 100`} className="payoff" role="img" aria-label="Payoff at expiry" data-testid="basket-payoff" preserveAspectRatio="none" width="100%" height="120">
        <line x1="0" y1="50" x2={points.length * 10} y2="50" stroke="currentColor" strokeOpacity="0.3" />
        <polyline fill="none" stroke="currentColor" strokeWidth="1.5" points={points.map((p, i) => `${i * 10 + 5},${50 - (p.pnlPaise / max) * 45}`).join(' ')} />
      </svg>
      <p className="hint">
        Payoff at expiry from {rupees(points[0]?.underlyingPaise)} to {rupees(points[points.length - 1]?.underlyingPaise)} of {b.payoff.underlying}; legs marked at the market&apos;s last price.
      </p>
    </Card>
  );
}
