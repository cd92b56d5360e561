import {
  CHARGE_KINDS,
  fillChargesByKind,
  parseInstantMs,
  toIst,
  type ChargeKind,
  type ChargeSchedule,
  type ChargesByKind,
  type IstDate,
  type Paise,
  type Segment,
} from '@robo/domain';
import { InvalidQueryError } from '../errors';
import type { DocumentReader } from '../read-model-store.port';
import { readAll } from './performance-reader';
import { ACCOUNT_DAYS_COLLECTION, type AccountDayDoc } from '../projections/account-performance.projection';
import { ORDERS_COLLECTION, type OrderDoc } from '../projections/orders.projection';
import { POSITION_CYCLES_COLLECTION, type PositionCycleDoc } from '../projections/positions.projection';

/**
 * Exports of an account over a range of IST dates (orders, fills, closed trades) and its daily P&L statement.
 * Every row comes from the read models; the charge lines of a fill come from the domain (fillChargesByKind).
 */

/** The most rows one export answers; a wider range is refused (narrow it) rather than cut silently. */
export const MAX_EXPORT_ROWS = 10_000;
/** The widest range one export covers, in days. */
export const MAX_EXPORT_DAYS = 366;

export interface DateRange {
  from: IstDate;
  to: IstDate;
}

export class ExportTooLargeError extends Error {
  readonly code = 'EXPORT_TOO_LARGE';
  constructor(
    readonly what: string,
    readonly rows: number,
  ) {
    super(`${rows} ${what} in the range, more than the ${MAX_EXPORT_ROWS} one export holds: narrow from/to`);
  }
}

/** The range asked for, defaults filled: `to` today (IST), `from` 29 days before `to` (30 days in all); then checked. */
export function exportRange(asked: { from?: string; to?: string }, todayIst: IstDate): DateRange {
  const to = asked.to ?? todayIst;
  const from = asked.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  return checkRange({ from, to });
}

export function checkRange(range: DateRange): DateRange {
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const to = Date.parse(`${range.to}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) throw new InvalidQueryError('from and to must be YYYY-MM-DD dates');
  if (from > to) throw new InvalidQueryError(`from ${range.from} is after to ${range.to}`);
  if ((to - from) / 86_400_000 + 1 > MAX_EXPORT_DAYS) throw new InvalidQueryError(`a range covers at most ${MAX_EXPORT_DAYS} days`);
  return range;
}

const inRange = (date: IstDate | null, range: DateRange): boolean => date !== null && date >= range.from && date <= range.to;
const istDate = (instant: string): IstDate | null => (parseInstantMs(instant) === null ? null : toIst(instant).date);

/** `YYYY-MM-DD HH:MM:SS` in IST (what a statement shows), from any ISO instant. */
export function istDateTime(instant: string): string {
  const ms = parseInstantMs(instant);
  if (ms === null) return instant;
  return new Date(ms + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}


export interface FillRow {
  date: IstDate;
  occurredAt: string;
  orderId: string;
  fillId: string;
  instrument: string;
  side: OrderDoc['side'];
  product: OrderDoc['product'];
  quantity: number;
  pricePaise: Paise;
  turnoverPaise: Paise;
  feesPaise: Paise;
  /** The schedule's lines of the recorded charges, or null: a total the broker reported, shown as it is, not split. */
  charges: ChargesByKind | null;
  strategyId: string | null;
}

/** The fills of these orders with the charge split of each (the order's fills in their recorded order). */
export function fillRows(orders: readonly OrderDoc[], segmentOf: (instrument: string) => Segment | null, schedules: readonly ChargeSchedule[]): FillRow[] {
  const rows: FillRow[] = [];
  for (const order of orders) {
    const segment = segmentOf(order.instrument);
    let filledValuePaise = 0;
    let feesPaise = 0;
    for (const fill of order.fills) {
      const date = istDate(fill.occurredAt);
      const charges =
        segment === null || date === null
          ? null
          : fillChargesByKind({ side: order.side, product: order.product, filledValuePaise, feesPaise }, segment, fill, schedules);
      rows.push({
        date: date ?? '',
        occurredAt: fill.occurredAt,
        orderId: order.orderId,
        fillId: fill.fillId,
        instrument: order.instrument,
        side: order.side,
        product: order.product,
        quantity: fill.quantity,
        pricePaise: fill.pricePaise,
        turnoverPaise: fill.quantity * fill.pricePaise,
        feesPaise: fill.feesPaise,
        charges,
        strategyId: order.strategyId,
      });
      filledValuePaise += fill.quantity * fill.pricePaise;
      feesPaise += fill.feesPaise;
    }
  }
  return rows.sort((a, b) => (parseInstantMs(a.occurredAt) ?? 0) - (parseInstantMs(b.occurredAt) ?? 0) || (a.fillId < b.fillId ? -1 : a.fillId > b.fillId ? 1 : 0));
}

export type StatementCharges = ChargesByKind & {
  /** Charges recorded as a total the broker reported: not split by kind (never invented). */
  notSplit: Paise;
};

export interface StatementDay {
  /** IST trading day. */
  date: IstDate;
  /** Fills executed that day. */
  fills: number;
  /** Σ quantity x price of the day's fills. */
  turnoverPaise: Paise;
  /** (exit - average) x closed units of the day's reductions, before charges (position maths, average cost). */
  realizedGrossPaise: Paise;
  /** Charges paid on the day's fills, by kind; they add up to chargesPaise. */
  charges: StatementCharges;
  chargesPaise: Paise;
  /** realizedGross - charges of the day (charges of fills that opened positions still open included). */
  netPaise: Paise;
  /** The account's realized P&L of the day: net of the entry and exit charges of the closed parts only. */
  realizedNetPaise: Paise;
}

export interface Statement {
  accountId: string;
  from: IstDate;
  to: IstDate;
  days: StatementDay[];
  totals: Omit<StatementDay, 'date'>;
}

const zeroCharges = (): StatementCharges => ({ brokerage: 0, stt: 0, exchange: 0, sebi: 0, stamp: 0, gst: 0, notSplit: 0 });

/**
 * The daily P&L statement: a row per IST day with fills or realized P&L in the range. Realized figures come from the
 * account's day documents (the settlement's own numbers), charges and turnover from the fills of that day, so
 * Σ days realizedNet = the account's realized P&L over the range and Σ charges = the fees recorded on those fills.
 */
export function dailyStatement(accountId: string, range: DateRange, days: readonly AccountDayDoc[], fills: readonly FillRow[]): Statement {
  const rows = new Map<IstDate, StatementDay>();
  const row = (date: IstDate): StatementDay => {
    let found = rows.get(date);
    if (found === undefined) {
      found = { date, fills: 0, turnoverPaise: 0, realizedGrossPaise: 0, charges: zeroCharges(), chargesPaise: 0, netPaise: 0, realizedNetPaise: 0 };
      rows.set(date, found);
    }
    return found;
  };
  for (const day of days) {
    if (!inRange(day.date, range) || (day.fillsCount === 0 && day.realizedNetPaise === 0 && (day.realizedGrossPaise ?? 0) === 0)) continue;
    const r = row(day.date);
    r.realizedNetPaise += day.realizedNetPaise;
    r.realizedGrossPaise += day.realizedGrossPaise ?? 0;
  }
  for (const fill of fills) {
    if (!inRange(fill.date, range)) continue;
    const r = row(fill.date);
    r.fills += 1;
    r.turnoverPaise += fill.turnoverPaise;
    r.chargesPaise += fill.feesPaise;
    if (fill.charges === null) r.charges.notSplit += fill.feesPaise;
    else for (const kind of CHARGE_KINDS) r.charges[kind] += fill.charges[kind];
  }
  const sorted = [...rows.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  for (const r of sorted) r.netPaise = r.realizedGrossPaise - r.chargesPaise;
  const totals: Omit<StatementDay, 'date'> = { fills: 0, turnoverPaise: 0, realizedGrossPaise: 0, charges: zeroCharges(), chargesPaise: 0, netPaise: 0, realizedNetPaise: 0 };
  for (const r of sorted) {
    totals.fills += r.fills;
    totals.turnoverPaise += r.turnoverPaise;
    totals.realizedGrossPaise += r.realizedGrossPaise;
    totals.chargesPaise += r.chargesPaise;
    totals.netPaise += r.netPaise;
    totals.realizedNetPaise += r.realizedNetPaise;
    for (const kind of [...CHARGE_KINDS, 'notSplit'] as (ChargeKind | 'notSplit')[]) totals.charges[kind] += r.charges[kind];
  }
  return { accountId, from: range.from, to: range.to, days: sorted, totals };
}

export interface ExportSources {
  store: DocumentReader;
  segmentOf: (instrument: string) => Segment | null;
  schedules: readonly ChargeSchedule[];
}

const bounded = <T>(what: string, rows: T[]): T[] => {
  if (rows.length > MAX_EXPORT_ROWS) throw new ExportTooLargeError(what, rows.length);
  return rows;
};

/** Orders placed on an IST date of the range, oldest first. */
export async function exportOrders(store: DocumentReader, accountId: string, range: DateRange): Promise<OrderDoc[]> {
  const orders = await readAll(store, ORDERS_COLLECTION, { accountId }, 'seq');
  return bounded('orders', orders.filter((o) => inRange(istDate(o.placedAt), range)));
}

/** Fills executed on an IST date of the range (whenever their order was placed), oldest first. */
export async function exportFills(sources: ExportSources, accountId: string, range: DateRange): Promise<FillRow[]> {
  const orders = await readAll<OrderDoc>(sources.store, ORDERS_COLLECTION, { accountId }, 'seq');
  return bounded('fills', fillRows(orders, sources.segmentOf, sources.schedules).filter((f) => inRange(f.date, range)));
}

/** Closed trades (position cycles, flat to flat) that closed on an IST date of the range, oldest first. */
export async function exportTrades(store: DocumentReader, accountId: string, range: DateRange): Promise<PositionCycleDoc[]> {
  const cycles = await readAll(store, POSITION_CYCLES_COLLECTION, { accountId }, 'openedAt');
  const closed = cycles.filter((c) => c.status === 'CLOSED' && c.closedAt !== null && inRange(istDate(c.closedAt), range));
  return bounded('trades', closed.sort((a, b) => (parseInstantMs(a.closedAt!) ?? 0) - (parseInstantMs(b.closedAt!) ?? 0)));
}

export async function readStatement(sources: ExportSources, accountId: string, range: DateRange): Promise<Statement> {
  const days = await readAll<AccountDayDoc>(sources.store, ACCOUNT_DAYS_COLLECTION, { accountId }, 'date');
  const fills = await exportFills(sources, accountId, range);
  return dailyStatement(accountId, range, days, fills);
}
