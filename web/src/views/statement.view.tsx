import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiFailure } from '../api/http';
import { useApp } from '../app-context';
import { NeedsAccount } from '../components/needs-account';
import { Card, Empty, QueryView } from '../components/ui';
import { pnlClass, rupees } from '../lib/format';
import { downloadCsv, marketApi, type ChargeKey, type StatementFigures } from './market-api';

const CHARGES: [ChargeKey, string][] = [
  ['brokerage', 'Brokerage'],
  ['stt', 'STT'],
  ['exchange', 'Exchange'],
  ['sebi', 'SEBI'],
  ['stamp', 'Stamp'],
  ['gst', 'GST'],
  ['notSplit', 'Not split'],
];

const isoDay = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 10);

export default function StatementView() {
  return <NeedsAccount>{(accountId) => <StatementOf accountId={accountId} />}</NeedsAccount>;
}

function Cells({ f }: { f: StatementFigures }) {
  return (
    <>
      <td className="num">{f.fills}</td>
      <td className="num">{rupees(f.turnoverPaise)}</td>
      <td className={`num ${pnlClass(f.realizedGrossPaise)}`}>{rupees(f.realizedGrossPaise)}</td>
      {CHARGES.map(([k]) => (
        <td key={k} className="num">{rupees(f.charges[k])}</td>
      ))}
      <td className="num">{rupees(f.chargesPaise)}</td>
      <td className={`num ${pnlClass(f.netPaise)}`} data-testid="statement-net">{rupees(f.netPaise)}</td>
    </>
  );
}

/** Daily P&L statement of the account, and the CSV downloads (orders, fills, trades, statement). */
function StatementOf({ accountId }: { accountId: string }) {
  const { notify } = useApp();
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * 86_400_000));
  const statement = useQuery({ queryKey: ['statement', accountId, from, to], queryFn: ({ signal }) => marketApi.statement(accountId, from, to, signal) });

  async function download(kind: 'orders' | 'fills' | 'trades' | 'statement') {
    try {
      notify(`Downloaded ${await downloadCsv(accountId, kind, from, to)}`, 'good');
    } catch (error) {
      notify(error instanceof ApiFailure ? `Export refused: ${error.message} (${error.code})` : 'Export failed', 'bad');
    }
  }

  return (
    <div className="view" data-testid="statement">
      <div className="view-head">
        <h1>Statement and exports</h1>
        <label>
          From <input type="date" data-testid="statement-from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To <input type="date" data-testid="statement-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      <Card
        title="Download CSV"
        actions={
          <span className="button-row">
            {(['orders', 'fills', 'trades', 'statement'] as const).map((kind) => (
              <button key={kind} type="button" data-testid={`export-${kind}`} onClick={() => void download(kind)}>
                {kind[0].toUpperCase() + kind.slice(1)} CSV
              </button>
            ))}
          </span>
        }
      >
        <p className="hint">Money in rupees with two decimals, times in IST; one row per order, fill, closed trade or day.</p>
      </Card>
      <QueryView query={statement} what="Statement">
        {(s) =>
          s.days.length === 0 ? (
            <Empty>No fills between {s.from} and {s.to}.</Empty>
          ) : (
            <Card title={`Daily P&L, ${s.from} to ${s.to}`}>
              <div className="table-scroll" style={{ overflowX: 'auto' }}>
                <table className="table" data-testid="statement-table">
                  <thead>
                    <tr>
                      <th>Day (IST)</th>
                      <th className="num">Fills</th>
                      <th className="num">Turnover</th>
                      <th className="num">Realized</th>
                      {CHARGES.map(([k, label]) => (
                        <th key={k} className="num">{label}</th>
                      ))}
                      <th className="num">Charges</th>
                      <th className="num">Net</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.days.map((d) => (
                      <tr key={d.date} data-testid={`statement-day-${d.date}`}>
                        <td>{d.date}</td>
                        <Cells f={d} />
                      </tr>
                    ))}
                    <tr className="total" data-testid="statement-total">
                      <th>Total</th>
                      <Cells f={s.totals} />
                    </tr>
                  </tbody>
                </table>
              </div>
              <p className="hint">
                Realized: (exit - average cost) x units closed, before charges. Net = realized - the day&apos;s charges. Not split: totals the broker reported, shown as reported.
              </p>
            </Card>
          )
        }
      </QueryView>
    </div>
  );
}
