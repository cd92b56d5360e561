import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { Order, Performance, Portfolio } from '../api/types';
import { useApp } from '../app-context';
import { StaleMark } from '../components/live-badge';
import { NeedsAccount } from '../components/needs-account';
import { EquityCharts } from '../components/performance';
import { formatStatistic, headline } from '../components/statistics-table';
import { Badge, Card, Empty, QueryView, Stat } from '../components/ui';
import { istDateTime, percent, quantity, rupees } from '../lib/format';
import { navigate } from '../lib/route';

export default function OverviewView() {
  return <NeedsAccount>{(accountId) => <Overview accountId={accountId} />}</NeedsAccount>;
}

function Overview({ accountId }: { accountId: string }) {
  const { theme, route } = useApp();
  const strategyId = route.params.get('strategy') ?? '';
  const account = useQuery({ queryKey: ['account', accountId], queryFn: ({ signal }) => api.account(accountId, signal) });
  const portfolio = useQuery({ queryKey: ['portfolio', accountId], queryFn: ({ signal }) => api.portfolio(accountId, signal) });
  const strategies = useQuery({ queryKey: ['strategies'], queryFn: ({ signal }) => api.strategies(signal) });
  const performance = useQuery<Performance>({
    queryKey: strategyId ? ['performance', 'strategy', strategyId, accountId] : ['performance', 'account', accountId],
    queryFn: ({ signal }) => (strategyId ? api.strategyPerformance(strategyId, signal) : api.accountPerformance(accountId, signal)),
  });
  const orders = useQuery({ queryKey: ['orders', accountId, 'recent', 50], queryFn: ({ signal }) => api.orders({ accountId, limit: 50 }, signal) });

  return (
    <div className="view" data-testid="overview">
      <div className="view-head">
        <h1>
          {account.data?.name ?? 'Overview'} <StaleMark />
        </h1>
        <div className="view-tools">
          {account.data?.halted && (
            <Badge tone="bad" title={account.data.haltReason ?? undefined}>
              Trading halted
            </Badge>
          )}
          {strategies.isSuccess && (
            <label className="inline-label">
              Strategy
              <select value={strategyId} onChange={(e) => navigate('overview', [], { strategy: e.target.value || undefined })} data-testid="strategy-filter">
                <option value="">Whole account</option>
                {strategies.data.map((s) => (
                  <option key={s.strategyId} value={s.strategyId}>
                    {s.name ?? s.strategyId}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </div>

      <QueryView query={portfolio} what="The portfolio">
        {(p) => <Figures portfolio={p} dayPnl={account.data?.tradingDay ? account.data.dayRealizedNetPaise : null} tradingDay={account.data?.tradingDay ?? null} />}
      </QueryView>

      {strategyId && performance.data && (
        <Card title="Strategy figures">
          <div className="stats-grid">
            {['netPnlPaise', 'feesPaise', 'tradeCount', 'winRate', 'maxDrawdownPaise', 'sharpe'].map((key) => (
              <Stat key={key} label={key.replace(/Paise$/, '')} value={formatStatistic(key, headline(performance.data.statistics, key))} />
            ))}
          </div>
        </Card>
      )}

      {performance.data ? (
        <EquityCharts performance={performance.data} theme={theme} />
      ) : performance.isPending ? null : (
        <Card title="Equity curve and drawdown">
          <QueryView query={performance} what="Performance history">
            {() => null}
          </QueryView>
        </Card>
      )}

      <Card title="Recent fills">
        <QueryView query={orders} what="Orders">
          {(page) => <RecentFills orders={page.items} />}
        </QueryView>
      </Card>
    </div>
  );
}

function Figures({ portfolio: p, dayPnl, tradingDay }: { portfolio: Portfolio; dayPnl: number | null; tradingDay: string | null }) {
  const open = p.positions.filter((x) => x.quantity !== 0);
  const exposure = open.reduce((sum, x) => sum + Math.abs(x.marketValuePaise), 0);
  const total = p.totalPnlPaise ?? p.realizedNetPaise + p.unrealizedPnlPaise;
  const openCharges = p.openChargesPaise ?? 0;
  return (
    <>
      <div className="stats-grid stats-grid-main" data-testid="figures">
        <Stat label="Equity" value={rupees(p.equityPaise)} testId="equity" hint="cash + market value" />
        <Stat label="Cash" value={rupees(p.cashPaise)} testId="cash" hint={`${rupees(p.reservedPaise)} held for open orders`} />
        <Stat label="Buying power" value={rupees(p.buyingPowerPaise ?? p.cashPaise - p.reservedPaise)} testId="buying-power" />
        <Stat label="Exposure" value={rupees(exposure)} testId="exposure" hint={p.equityPaise > 0 ? `${percent(exposure / p.equityPaise, 1)} of equity` : undefined} />
        <Stat label="Open positions" value={quantity(open.length)} testId="open-positions" />
        <Stat label="P&L today" value={dayPnl === null ? '—' : rupees(dayPnl, { sign: true })} tone={dayPnl} testId="pnl-today" hint={tradingDay ? `realized, net · ${tradingDay}` : 'no fills yet'} />
      </div>
      <div className="stats-grid" data-testid="pnl">
        <Stat label="Realized gross" value={rupees(p.realizedGrossPaise, { sign: true })} tone={p.realizedGrossPaise} testId="realized-gross" />
        <Stat label="Fees" value={rupees(p.feesPaise)} testId="fees" />
        <Stat label="Realized net" value={rupees(p.realizedNetPaise, { sign: true })} tone={p.realizedNetPaise} testId="realized-net" />
        <Stat label="Unrealized" value={rupees(p.unrealizedPnlPaise, { sign: true })} tone={p.unrealizedPnlPaise} testId="unrealized" />
        <Stat label="Charges on open" value={rupees(openCharges)} testId="open-charges" hint="paid on open positions, not yet realized" />
        <Stat label="Total P&L" value={rupees(total, { sign: true })} tone={total} testId="total-pnl" hint="equity - money put in = realized net + unrealized - charges on open" />
      </div>
    </>
  );
}

function RecentFills({ orders }: { orders: Order[] }) {
  const fills = useMemo(
    () =>
      orders
        .flatMap((o) => o.fills.map((f) => ({ ...f, order: o })))
        .sort((a, b) => (a.occurredAt < b.occurredAt ? 1 : -1))
        .slice(0, 10),
    [orders],
  );
  if (fills.length === 0) return <Empty>No fills yet.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="recent-fills">
        <thead>
          <tr>
            <th>Time (IST)</th>
            <th>Instrument</th>
            <th>Side</th>
            <th className="num">Qty</th>
            <th className="num">Price</th>
            <th className="num">Fees</th>
          </tr>
        </thead>
        <tbody>
          {fills.map((f) => (
            <tr key={`${f.order.orderId}-${f.fillId}`}>
              <td>{istDateTime(f.occurredAt)}</td>
              <td>{f.order.instrument}</td>
              <td className={f.order.side === 'BUY' ? 'side-buy' : 'side-sell'}>{f.order.side}</td>
              <td className="num">{quantity(f.quantity)}</td>
              <td className="num">{rupees(f.pricePaise)}</td>
              <td className="num">{rupees(f.feesPaise)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
