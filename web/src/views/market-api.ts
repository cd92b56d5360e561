/** Calls of the quotes, option-chain, statement, export and basket views (their shapes as the api answers them). */
import { ApiFailure, request } from '../api/http';
import { currentToken } from '../api/session';

export interface Quote {
  symbol: string;
  bidPaise: number;
  askPaise: number;
  lastPaise: number;
  volume: number;
  at: string;
}

export interface ChainSide {
  symbol: string;
  bidPaise: number | null;
  askPaise: number | null;
  lastPaise: number;
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  openInterest: number;
}

export interface OptionChain {
  underlying: string;
  expiry: string;
  spotPaise: number;
  atmStrikePaise: number;
  lotSize: number;
  rows: { strikePaise: number; call: ChainSide; put: ChainSide }[];
  expiries: { date: string; kind: string }[];
  model: Record<string, string | number>;
}

export type ChargeKey = 'brokerage' | 'stt' | 'exchange' | 'sebi' | 'stamp' | 'gst' | 'notSplit';
export interface StatementFigures {
  fills: number;
  turnoverPaise: number;
  realizedGrossPaise: number;
  charges: Record<ChargeKey, number>;
  chargesPaise: number;
  netPaise: number;
  realizedNetPaise: number;
}
export interface Statement {
  accountId: string;
  from: string;
  to: string;
  days: (StatementFigures & { date: string })[];
  totals: StatementFigures;
}

export interface BasketLeg {
  legId: string;
  instrument: string;
  quantity: number;
  lastPricePaise: number | null;
  markSource: string;
  realizedNetPaise: number;
  unrealizedNetPaise: number;
  totalNetPaise: number;
  feesPaise: number;
}
export interface Basket {
  strategyId: string;
  day: string;
  days: string[];
  spotPaise: number | null;
  netPremiumPaise: number;
  legs: BasketLeg[];
  combined: { totalNetPaise: number; realizedNetPaise: number; unrealizedNetPaise: number; feesPaise: number };
  payoff: { underlying: string; points: { underlyingPaise: number; pnlPaise: number }[]; maxProfitPaise: number | null; maxLossPaise: number | null; breakevensPaise: number[] };
}

export const marketApi = {
  quotes: (symbols: string[], signal?: AbortSignal) => request<{ at: string; quotes: Quote[] }>('/api/market/quotes', { query: { symbols: symbols.join(',') }, signal }),
  optionChain: (underlying: string, expiry: string | undefined, strikes: number, signal?: AbortSignal) =>
    request<OptionChain>('/api/market/option-chain', { query: { underlying, expiry, strikes }, signal }),
  statement: (accountId: string, from: string, to: string, signal?: AbortSignal) => request<Statement>(`/api/accounts/${accountId}/statement`, { query: { from, to }, signal }),
  basket: (strategyId: string, day: string | undefined, signal?: AbortSignal) => request<Basket>(`/api/strategies/${encodeURIComponent(strategyId)}/basket`, { query: { day }, signal }),
};

/** Fetches a CSV export with the session's token and hands it to the browser as a download. */
export async function downloadCsv(accountId: string, kind: 'orders' | 'fills' | 'trades' | 'statement', from: string, to: string): Promise<string> {
  const response = await fetch(`/api/accounts/${accountId}/exports/${kind}?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${currentToken() ?? ''}`, accept: 'text/csv' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiFailure(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${kind}.csv`;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
