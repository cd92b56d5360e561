import type { Bar } from '@robo/paper';

/** A bars file that cannot be read as bars; `problems` are `line N: ...`, in file order (at most 20). */
export class BarsFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
    this.name = 'BarsFileError';
  }
}

const HEADER = ['datetime', 'open', 'high', 'low', 'close', 'volume'];
const MAX_PROBLEMS = 20;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(\+05:30)?$/;
const RUPEES = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** `2026-11-20 09:15` (IST, or with an explicit +05:30) -> the UTC instant; null when it is no such time. */
export function parseIstDateTime(text: string): string | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? '0')) - 330 * 60_000;
  const back = new Date(ms + 330 * 60_000);
  // 2026-02-30 or 25:00 would roll over into another date: refuse them instead.
  if (back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h) || back.getUTCMonth() !== Number(mo) - 1) return null;
  return new Date(ms).toISOString();
}

/** `2500.5` rupees -> 250050 paise, exactly (no float arithmetic); null when it is not a plain amount. */
export function rupeesToPaise(text: string): number | null {
  const m = RUPEES.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * Historical bars of one instrument from CSV text: a header `datetime,open,high,low,close,volume`, then one bar a
 * line: NSE time in IST (`2026-11-20 09:15`, seconds and `+05:30` optional), prices in rupees (at most two
 * decimals), volume in shares. Bars must be in time order, each later than the one before; low <= open, close <=
 * high. Blank lines are skipped. Every problem is reported with its line number (the first 20).
 */
export function parseBarsCsv(text: string, symbol: string, source = 'bars'): Bar[] {
  const lines = text.split(/\r?\n/);
  const problems: string[] = [];
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/[-_ ]/g, ''));
  if (header.join(',') !== HEADER.join(',')) throw new BarsFileError(source, [`line 1: the header must be ${HEADER.join(',')}, got "${lines[0] ?? ''}"`]);
  const bars: Bar[] = [];
  for (let i = 1; i < lines.length && problems.length < MAX_PROBLEMS; i += 1) {
    const line = lines[i].trim();
    if (line === '') continue;
    const n = i + 1;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 6) {
      problems.push(`line ${n}: expected 6 values, got ${cells.length}`);
      continue;
    }
    const at = parseIstDateTime(cells[0]);
    if (at === null) problems.push(`line ${n}: "${cells[0]}" is not an IST date-time (YYYY-MM-DD HH:MM)`);
    const prices = cells.slice(1, 5).map(rupeesToPaise);
    prices.forEach((p, k) => {
      if (p === null || p <= 0) problems.push(`line ${n}: ${HEADER[k + 1]} "${cells[k + 1]}" is not a positive amount in rupees (at most two decimals)`);
    });
    const volume = /^\d{1,15}$/.test(cells[5]) ? Number(cells[5]) : null;
    if (volume === null) problems.push(`line ${n}: volume "${cells[5]}" is not a whole number of shares`);
    if (at === null || volume === null || prices.some((p) => p === null || p <= 0)) continue;
    const [open, high, low, close] = prices as number[];
    if (low > Math.min(open, close) || high < Math.max(open, close)) {
      problems.push(`line ${n}: low must be at most open and close, high at least both`);
      continue;
    }
    const previous = bars[bars.length - 1];
    if (previous && Date.parse(at) <= Date.parse(previous.startAt)) {
      problems.push(`line ${n}: ${cells[0]} is not later than the bar before it`);
      continue;
    }
    bars.push({ symbol, startAt: at, openPaise: open, highPaise: high, lowPaise: low, closePaise: close, volume });
  }
  if (problems.length > 0) throw new BarsFileError(source, problems);
  if (bars.length === 0) throw new BarsFileError(source, ['the file holds no bars']);
  return bars;
}
