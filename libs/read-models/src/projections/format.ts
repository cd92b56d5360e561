/** Paise as rupees with two decimals, '-' for negatives: 250000 -> '2500.00', -1250 -> '-12.50'. Text only, never parsed back. */
export function formatPaise(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(paise));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
