/** Display helpers. Money arrives as integer paise and is shown in rupees with Indian digit grouping. */

const GROUPED = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });
const IST_DATE_TIME = new Intl.DateTimeFormat('en-IN', {
  timeZone: 'Asia/Kolkata',
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const IST_SHORT = new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const IST_TIME = new Intl.DateTimeFormat('en-IN', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** ₹1,00,000.00 from 10000000 paise. Fractional paise (display averages) are rounded to whole paise first. */
export function rupees(paise: number | null | undefined, options: { sign?: boolean } = {}): string {
  if (paise === null || paise === undefined || !Number.isFinite(paise)) return '—';
  const whole = Math.round(paise);
  const abs = Math.abs(whole);
  // Integer arithmetic: no float rounding can move a paisa.
  const text = `₹${GROUPED.format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
  if (whole < 0) return `-${text}`;
  return options.sign && whole > 0 ? `+${text}` : text;
}

export function quantity(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : GROUPED.format(value);
}

export function percent(ratio: number | null | undefined, digits = 2): string {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

export function decimal(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** 20 Nov 2026, 10:00:05 IST: every instant is shown in exchange time, whatever the browser's zone. */
export function istDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${IST_DATE_TIME.format(date)} IST`;
}

/** 20 Nov, 10:00:05: for dense tables (the full instant goes in a title). */
export function istShort(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : IST_SHORT.format(date);
}

export function istTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : IST_TIME.format(date);
}

/** A datetime-local value ("2026-11-20T10:00") read as IST, as an ISO instant with its offset. */
export function istInputToInstant(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  return `${value.length === 16 ? `${value}:00` : value}+05:30`;
}

/** The reverse: an instant as a datetime-local value in IST. */
export function instantToIstInput(iso: string): string {
  const ms = new Date(iso).getTime() + 330 * 60_000;
  return new Date(ms).toISOString().slice(0, 19);
}

const RUPEES = /^\d{1,13}(\.\d{1,2})?$/;

/** "2500.05" -> 250005 paise, exactly (no float maths). Undefined when the text is not an amount in rupees. */
export function parseRupees(text: string): number | undefined {
  const trimmed = text.trim().replace(/,/g, '');
  if (!RUPEES.test(trimmed)) return undefined;
  const [whole, fraction = ''] = trimmed.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

export function paiseToRupeeText(paise: number | null | undefined): string {
  if (paise === null || paise === undefined) return '';
  return `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}

export function pnlClass(paise: number | null | undefined): string {
  if (paise === null || paise === undefined || paise === 0) return '';
  return paise > 0 ? 'gain' : 'loss';
}
