import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiFailure } from '../api/http';
import { Card, Empty, QueryView } from '../components/ui';
import { istTime, quantity, rupees } from '../lib/format';
import { readStoredJson, writeStored } from '../lib/storage';
import { marketApi } from './market-api';

const KEY = 'robo.watchlist';
const DEFAULT = ['NIFTY', 'BANKNIFTY', 'RELIANCE', 'INFY', 'TCS'];
/** The live feed carries account changes, not ticks: quotes are asked for again every 2 seconds. */
const REFRESH_MS = 2000;

/** Quotes of the symbols the user keeps (in this browser's localStorage): bid, ask, last, spread, volume. */
export default function WatchlistView() {
  const [symbols, setSymbols] = useState<string[]>(() => readStoredJson<string[]>(KEY, DEFAULT));
  const [adding, setAdding] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const quotes = useQuery({
    queryKey: ['quotes', symbols],
    queryFn: ({ signal }) => marketApi.quotes(symbols, signal),
    enabled: symbols.length > 0,
    refetchInterval: REFRESH_MS,
  });

  function save(next: string[]) {
    setSymbols(next);
    writeStored(KEY, JSON.stringify(next));
  }

  async function add(event: React.FormEvent) {
    event.preventDefault();
    const symbol = adding.trim().toUpperCase();
    if (symbol === '' || symbols.includes(symbol)) return setAdding('');
    try {
      await marketApi.quotes([symbol]);
      save([...symbols, symbol]);
      setAdding('');
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? `${symbol}: ${error.message}` : `${symbol} cannot be quoted`);
    }
  }

  return (
    <div className="view" data-testid="watchlist">
      <div className="view-head">
        <h1>Watchlist</h1>
      </div>
      <Card
        title="Quotes"
        actions={
          <form onSubmit={add} className="inline-form">
            <label htmlFor="watch-add" className="sr-only">
              Add a symbol
            </label>
            <input id="watch-add" data-testid="watch-add" placeholder="Symbol, e.g. ITC or NIFTY 2026-12-29 26000 CE" value={adding} onChange={(e) => setAdding(e.target.value)} />
            <button type="submit" data-testid="watch-add-submit">
              Add
            </button>
          </form>
        }
      >
        {problem && (
          <p className="error" role="alert" data-testid="watch-problem">
            {problem}
          </p>
        )}
        {symbols.length === 0 ? (
          <Empty>No symbols: add one above.</Empty>
        ) : (
          <QueryView query={quotes} what="Quotes">
            {(data) => (
              <table className="table" data-testid="watch-table">
                <thead>
                  <tr>
                    <th>Symbol</th>
                    <th className="num">Bid</th>
                    <th className="num">Ask</th>
                    <th className="num">Last</th>
                    <th className="num">Spread</th>
                    <th className="num">Volume</th>
                    <th>At (IST)</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.quotes.map((q) => (
                    <tr key={q.symbol} data-testid={`watch-row-${q.symbol}`}>
                      <td>{q.symbol}</td>
                      <td className="num">{rupees(q.bidPaise)}</td>
                      <td className="num">{rupees(q.askPaise)}</td>
                      <td className="num" data-testid="watch-last">
                        {rupees(q.lastPaise)}
                      </td>
                      <td className="num">{rupees(q.askPaise - q.bidPaise)}</td>
                      <td className="num">{quantity(q.volume)}</td>
                      <td>{istTime(q.at)}</td>
                      <td>
                        <button type="button" aria-label={`Remove ${q.symbol}`} data-testid={`watch-remove-${q.symbol}`} onClick={() => save(symbols.filter((s) => s !== q.symbol))}>
                          Remove
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryView>
        )}
        <p className="hint">Kept in this browser. Refreshed every {REFRESH_MS / 1000} s.</p>
      </Card>
    </div>
  );
}
