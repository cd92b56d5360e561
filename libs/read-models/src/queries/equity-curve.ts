import { markHolding, type IstDate } from '@robo/domain';
import type { DailyCloseDoc } from '../projections/daily-closes.projection';
import type { EquityCurvePoint, LedgerDay, OpenHolding, StrategyCurvePoint } from './performance.types';

/* The equity curve: a ledger of daily changes run forward and valued at each close, and its start point. */

interface Holding {
  quantity: number;
  costBasisPaise: number;
}

export interface CurveRow {
  point: StrategyCurvePoint;
  holdings: OpenHolding[];
}

export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Runs the ledger forward over every date that matters (ledger dates, closes of instruments it traded, extra trading
 * days) and values each close. cash starts at cashBase (a strategy's capital; 0 for an account, whose opening cash is a flow).
 */
export function buildCurve(ledger: readonly LedgerDay[], closes: readonly DailyCloseDoc[], tradingDays: readonly IstDate[], to: IstDate | undefined, cashBase: number): CurveRow[] {
  const days = [...ledger].sort((a, b) => byText(a.date, b.date));
  if (days.length === 0) return [];
  const first = days[0].date;
  const traded = new Set(days.flatMap((d) => d.positions.map((p) => p.instrument)));
  const closesOn = new Map<IstDate, DailyCloseDoc[]>();
  for (const close of closes) {
    if (!traded.has(close.instrument)) continue;
    closesOn.set(close.date, [...(closesOn.get(close.date) ?? []), close]);
  }
  const ledgerOn = new Map<IstDate, LedgerDay[]>();
  for (const day of days) ledgerOn.set(day.date, [...(ledgerOn.get(day.date) ?? []), day]);
  const dates = [...new Set([...ledgerOn.keys(), ...closesOn.keys(), ...tradingDays])].filter((d) => d >= first && (to === undefined || d <= to)).sort(byText);

  let cash = cashBase;
  let realized = 0;
  let fees = 0;
  const holdings = new Map<string, Holding>();
  const lastClose = new Map<string, { pricePaise: number; date: IstDate }>();
  const rows: CurveRow[] = [];
  for (const date of dates) {
    let flows = 0;
    for (const day of ledgerOn.get(date) ?? []) {
      cash += day.cashChangePaise;
      flows += day.flowsPaise;
      realized += day.realizedNetPaise;
      fees += day.feesPaise;
      for (const p of day.positions) {
        const held = holdings.get(p.instrument) ?? { quantity: 0, costBasisPaise: 0 };
        holdings.set(p.instrument, { quantity: held.quantity + p.quantityChange, costBasisPaise: held.costBasisPaise + p.costChangePaise });
      }
    }
    for (const close of closesOn.get(date) ?? []) lastClose.set(close.instrument, { pricePaise: close.pricePaise, date });

    let marketValue = 0;
    let gross = 0;
    const open: OpenHolding[] = [];
    for (const [instrument, held] of [...holdings.entries()].sort(([a], [b]) => byText(a, b))) {
      if (held.quantity === 0) continue;
      const close = lastClose.get(instrument);
      // Without a close: valued at its own average cost (sign x costBasis), adding no unrealized P&L.
      const value = markHolding(held.quantity, held.costBasisPaise, close ? { pricePaise: close.pricePaise, at: close.date } : undefined).marketValuePaise;
      marketValue += value;
      gross += Math.abs(value);
      open.push({ instrument, ...held, closePricePaise: close?.pricePaise ?? null, closeDate: close?.date ?? null, marketValuePaise: value });
    }
    rows.push({
      point: {
        date,
        kind: 'CLOSE',
        equityPaise: cash + marketValue,
        cashPaise: cash,
        marketValuePaise: marketValue,
        grossExposurePaise: gross,
        flowsPaise: flows,
        unpricedInstruments: open.filter((h) => h.closePricePaise === null).map((h) => h.instrument),
        realizedNetPaise: realized,
        feesPaise: fees,
      },
      holdings: open,
    });
  }
  return rows;
}

/**
 * The curve with its start point first: the equity the window starts from, dated the window's first date. At
 * inception that is the cash base (a strategy's capital) plus the first day's flows, which are then no longer a flow
 * of the first close; for a later window it is the close before the window (its flows are not the window's).
 */
export function withStart<P extends EquityCurvePoint>(closes: readonly P[], previous: P | null, cashBase: number): P[] {
  if (closes.length === 0) return [];
  const [first, ...rest] = closes;
  if (previous !== null) return [{ ...previous, date: first.date, kind: 'START', flowsPaise: 0 }, ...closes];
  const base = cashBase + first.flowsPaise;
  const start = {
    ...first,
    kind: 'START' as const,
    equityPaise: base,
    cashPaise: base,
    marketValuePaise: 0,
    grossExposurePaise: 0,
    flowsPaise: first.flowsPaise,
    unpricedInstruments: [],
    ...('realizedNetPaise' in first ? { realizedNetPaise: 0, feesPaise: 0 } : {}),
  } as P;
  return [start, { ...first, flowsPaise: 0 }, ...rest];
}
