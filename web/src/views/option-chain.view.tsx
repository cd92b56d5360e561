import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, QueryView } from '../components/ui';
import { decimal, percent, quantity, rupees } from '../lib/format';
import { marketApi, type ChainSide } from './market-api';

const UNDERLYINGS = ['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY', 'NIFTYNXT50'];

function Side({ side, prefix }: { side: ChainSide; prefix: string }) {
  return (
    <>
      <td className="num" data-testid={`${prefix}-oi`}>{quantity(side.openInterest)}</td>
      <td className="num" data-testid={`${prefix}-iv`}>{percent(side.iv, 1)}</td>
      <td className="num">{decimal(side.delta, 3)}</td>
      <td className="num">{decimal(side.gamma, 5)}</td>
      <td className="num">{decimal(side.theta, 2)}</td>
      <td className="num">{decimal(side.vega, 2)}</td>
      <td className="num">{rupees(side.bidPaise)}</td>
      <td className="num">{rupees(side.askPaise)}</td>
      <td className="num">{rupees(side.lastPaise)}</td>
    </>
  );
}

const SIDE_HEADS = ['OI', 'IV', 'Delta', 'Gamma', 'Theta/day', 'Vega/pt', 'Bid', 'Ask', 'Last'];

/** Calls and puts around the money for one expiry: OI, IV and greeks, bid/ask/last per strike (the simulated market). */
export default function OptionChainView() {
  const [underlying, setUnderlying] = useState('NIFTY');
  const [expiry, setExpiry] = useState<string | undefined>(undefined);
  const chain = useQuery({ queryKey: ['option-chain', underlying, expiry], queryFn: ({ signal }) => marketApi.optionChain(underlying, expiry, 8, signal), refetchInterval: 5000 });
  return (
    <div className="view" data-testid="option-chain">
      <div className="view-head">
        <h1>Option chain</h1>
        <label>
          Underlying{' '}
          <select data-testid="chain-underlying" value={underlying} onChange={(e) => (setUnderlying(e.target.value), setExpiry(undefined))}>
            {UNDERLYINGS.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
        </label>
        {chain.data && (
          <label>
            Expiry{' '}
            <select data-testid="chain-expiry" value={chain.data.expiry} onChange={(e) => setExpiry(e.target.value)}>
              {chain.data.expiries.map((e) => (
                <option key={e.date} value={e.date}>
                  {e.date} ({e.kind.toLowerCase()})
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <QueryView query={chain} what="Option chain">
        {(c) => (
          <Card title={`${c.underlying} ${c.expiry}: spot ${rupees(c.spotPaise)}, lot ${c.lotSize}`}>
            <div className="table-scroll" style={{ overflowX: 'auto' }}>
              <table className="table chain" data-testid="chain-table">
                <thead>
                  <tr>
                    <th colSpan={SIDE_HEADS.length}>Calls (CE)</th>
                    <th />
                    <th colSpan={SIDE_HEADS.length}>Puts (PE)</th>
                  </tr>
                  <tr>
                    {SIDE_HEADS.map((h) => (
                      <th key={`c${h}`} className="num">{h}</th>
                    ))}
                    <th>Strike</th>
                    {SIDE_HEADS.map((h) => (
                      <th key={`p${h}`} className="num">{h}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {c.rows.map((r) => (
                    <tr key={r.strikePaise} style={r.strikePaise === c.atmStrikePaise ? { fontWeight: 600, background: 'rgba(47, 111, 223, 0.1)' } : undefined} data-testid={`chain-row-${r.strikePaise / 100}`}>
                      <Side side={r.call} prefix="call" />
                      <th>{quantity(r.strikePaise / 100)}</th>
                      <Side side={r.put} prefix="put" />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="hint" data-testid="chain-model">
              {String(c.model.name)}, rate {percent(Number(c.model.rate), 1)}, time to expiry: {String(c.model.timeToExpiry)}. Greeks {String(c.model.greeks)}. Open interest:{' '}
              {String(c.model.openInterest)}.
            </p>
          </Card>
        )}
      </QueryView>
    </div>
  );
}
