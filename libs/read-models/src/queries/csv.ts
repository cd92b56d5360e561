import { CHARGE_KINDS, type Paise } from '@robo/domain';
import type { OrderDoc } from '../projections/orders.projection';
import type { PositionCycleDoc } from '../projections/positions.projection';
import { istDateTime, type FillRow, type Statement, type StatementDay } from './statement';

/**
 * CSV as RFC 4180 writes it: a header row, CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF,
 * quotes inside doubled. Money is rupees with two decimals (no digit grouping: spreadsheets read it as a number);
 * times are IST (`YYYY-MM-DD HH:MM:SS`).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Integer paise as rupees with two decimals: -123456 -> "-1234.56". */
export function rupeesText(paise: Paise): string {
  const abs = Math.abs(paise);
  return `${paise < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const money = (paise: Paise | null): string | null => (paise === null ? null : rupeesText(paise));

export function ordersCsv(orders: readonly OrderDoc[]): string {
  return toCsv(
    ['placed_at_ist', 'order_id', 'client_order_id', 'instrument', 'side', 'type', 'product', 'validity', 'quantity', 'filled_quantity', 'limit_price', 'trigger_price', 'average_fill_price', 'status', 'reason', 'fees', 'strategy_id'],
    orders.map((o) => [
      istDateTime(o.placedAt),
      o.orderId,
      o.clientOrderId,
      o.instrument,
      o.side,
      o.orderType,
      o.product,
      o.validity,
      o.quantity,
      o.filledQuantity,
      money(o.limitPricePaise),
      money(o.triggerPricePaise),
      o.filledQuantity > 0 ? (o.filledValuePaise / o.filledQuantity / 100).toFixed(4) : null,
      o.status,
      o.rejectReason ?? o.closeReason,
      money(o.feesPaise),
      o.strategyId,
    ]),
  );
}

export function fillsCsv(fills: readonly FillRow[]): string {
  return toCsv(
    ['time_ist', 'order_id', 'fill_id', 'instrument', 'side', 'product', 'quantity', 'price', 'turnover', 'charges', ...CHARGE_KINDS, 'charges_split'],
    fills.map((f) => [
      istDateTime(f.occurredAt),
      f.orderId,
      f.fillId,
      f.instrument,
      f.side,
      f.product,
      f.quantity,
      money(f.pricePaise),
      money(f.turnoverPaise),
      money(f.feesPaise),
      ...CHARGE_KINDS.map((k) => (f.charges === null ? null : money(f.charges[k]))),
      f.charges === null ? 'reported total, not split' : 'schedule',
    ]),
  );
}

export function tradesCsv(trades: readonly PositionCycleDoc[]): string {
  return toCsv(
    ['opened_at_ist', 'closed_at_ist', 'instrument', 'direction', 'cycle', 'max_quantity', 'fills', 'realized_gross', 'charges', 'realized_net'],
    trades.map((t) => [
      istDateTime(t.openedAt),
      t.closedAt === null ? null : istDateTime(t.closedAt),
      t.instrument,
      t.direction,
      t.cycle,
      t.maxAbsQuantity,
      t.fillsCount,
      money(t.realizedGrossPaise),
      money(t.feesPaise),
      money(t.realizedNetPaise),
    ]),
  );
}

const dayCells = (d: Omit<StatementDay, 'date'>) => [
  d.fills,
  money(d.turnoverPaise),
  money(d.realizedGrossPaise),
  ...CHARGE_KINDS.map((k) => money(d.charges[k])),
  money(d.charges.notSplit),
  money(d.chargesPaise),
  money(d.netPaise),
  money(d.realizedNetPaise),
];

/** One row per IST day, then a TOTAL row. */
export function statementCsv(statement: Statement): string {
  return toCsv(
    ['date', 'fills', 'turnover', 'realized_gross', ...CHARGE_KINDS, 'charges_not_split', 'charges', 'net', 'realized_net'],
    [...statement.days.map((d) => [d.date, ...dayCells(d)]), ['TOTAL', ...dayCells(statement.totals)]],
  );
}
