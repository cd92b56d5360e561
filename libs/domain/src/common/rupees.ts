import type { Paise } from './types';

/**
 * Money for people: integer paise as rupees with Indian digit grouping (the last three digits, then pairs) and two
 * decimals, the sign before the unit: 80000000 -> "Rs 8,00,000.00", -1146750 -> "-Rs 11,467.50", 5 -> "Rs 0.05".
 * Exact for every safe integer (string digits, no floating point). `unit: false` leaves out "Rs " (a table column
 * that says rupees in its heading). Data fields stay integer paise; this is for messages, summaries and tables only.
 * A value that is not a safe integer (never money in this system) is shown as it is, with "paise", rather than throw
 * while an error message is being written.
 */
export function formatRupees(paise: Paise | bigint, options: { unit?: boolean } = {}): string {
  if (typeof paise === 'number' && !Number.isSafeInteger(paise)) return `${String(paise)} paise`;
  const value = BigInt(paise);
  const digits = (value < 0n ? -value : value).toString().padStart(3, '0');
  const whole = digits.slice(0, -2);
  const fraction = digits.slice(-2);
  const sign = value < 0n ? '-' : '';
  return `${sign}${options.unit === false ? '' : 'Rs '}${groupIndian(whole)}.${fraction}`;
}

/** "12345678" -> "1,23,45,678". */
function groupIndian(whole: string): string {
  if (whole.length <= 3) return whole;
  const head = whole.slice(0, -3);
  const pairs: string[] = [];
  for (let end = head.length; end > 0; end -= 2) pairs.unshift(head.slice(Math.max(0, end - 2), end));
  return `${pairs.join(',')},${whole.slice(-3)}`;
}
