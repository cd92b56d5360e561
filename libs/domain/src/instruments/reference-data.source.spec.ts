import { DEFAULT_EXPIRY_RULES, DEFAULT_LOT_SIZES } from './catalog-data';

/**
 * Every row of the bundled lot-size and expiry-rule tables (data/lot-sizes.json, data/expiry-rules.json) against the
 * figures as the circulars write them: "NIFTY 75 to 65" "from the January 2026 expiries". The figure is converted here
 * (the revised lot, the first day the rule applies to, the weekday's number) and compared with the row, and the row's
 * own source text must quote the figure.
 */
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "effective 20 Nov 2024" -> 2024-11-20; "from the January 2026 expiries" -> 2026-01-01 (the month's first expiry on). */
function firstExpiryDate(phrase: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  let m = /(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})/.exec(phrase);
  if (m) return `${m[3]}-${pad(SHORT_MONTHS.indexOf(m[2]) + 1)}-${pad(Number(m[1]))}`;
  m = new RegExp(`(${MONTHS.join('|')}) (\\d{4})`).exec(phrase);
  if (m) return `${m[2]}-${pad(MONTHS.indexOf(m[1]) + 1)}-01`;
  throw new Error(`no date in "${phrase}"`);
}

/** "NIFTY 75 to 65" -> 65; "unchanged at 25" -> 25. */
function revisedLot(figure: string): number {
  const m = /(?:\d+ to |unchanged at )(\d+)$/.exec(figure);
  if (!m) throw new Error(`no lot in "${figure}"`);
  return Number(m[1]);
}

type LotRow = [underlying: string, figure: string, effective: string];
const LOT_SOURCES: LotRow[] = [
  ['NIFTY', 'NIFTY 25 to 75', 'effective 20 Nov 2024'],
  ['NIFTY', 'NIFTY 75 to 65', 'from the January 2026 expiries'],
  ['BANKNIFTY', 'BANKNIFTY 15 to 30', 'effective 20 Nov 2024'],
  ['BANKNIFTY', 'BANKNIFTY 30 to 35', 'from the July 2025 monthly expiry'],
  ['BANKNIFTY', 'BANKNIFTY 35 to 30', 'from the January 2026 expiries'],
  ['FINNIFTY', 'FINNIFTY 25 to 65', 'effective 20 Nov 2024'],
  ['FINNIFTY', 'FINNIFTY 65 to 60', 'from the January 2026 expiries'],
  ['MIDCPNIFTY', 'MIDCPNIFTY 50 to 120', 'effective 20 Nov 2024'],
  ['MIDCPNIFTY', 'MIDCPNIFTY 120 to 140', 'from the July 2025 monthly expiry'],
  ['MIDCPNIFTY', 'MIDCPNIFTY 140 to 120', 'from the January 2026 expiries'],
  ['NIFTYNXT50', 'NIFTYNXT50 10 to 25', 'effective 20 Nov 2024'],
];

type RuleRow = [underlying: string, weekly: string, weekday: string, effective: string];
const ONE_WEEKLY_INDEX = 'weekly expiries on one benchmark index per exchange';
const TUESDAY = 'expiry day Tuesday for contracts expiring on or after 1 Sep 2025';
const RULE_SOURCES: RuleRow[] = [
  ['NIFTY', 'NSE keeps weekly contracts on NIFTY only', 'expiry on Thursday', 'from 20 Nov 2024'],
  ['NIFTY', 'weekly contracts stay', TUESDAY, 'on or after 1 Sep 2025'],
  ['BANKNIFTY', 'BANKNIFTY weekly contracts discontinued', 'monthly contracts on the last Thursday', 'after the 13 Nov 2024 expiry'],
  ['BANKNIFTY', 'weekly contracts stay discontinued', TUESDAY, 'on or after 1 Sep 2025'],
  ['FINNIFTY', 'FINNIFTY weekly contracts discontinued', 'monthly contracts on the last Thursday', 'after the 19 Nov 2024 expiry'],
  ['FINNIFTY', 'weekly contracts stay discontinued', TUESDAY, 'on or after 1 Sep 2025'],
  ['MIDCPNIFTY', 'MIDCPNIFTY weekly contracts discontinued', 'monthly contracts on the last Thursday', 'after the 18 Nov 2024 expiry'],
  ['MIDCPNIFTY', 'weekly contracts stay discontinued', TUESDAY, 'on or after 1 Sep 2025'],
  ['NIFTYNXT50', ONE_WEEKLY_INDEX, 'monthly contracts on the last Thursday', 'from 20 Nov 2024'],
  ['NIFTYNXT50', 'weekly contracts stay discontinued', TUESDAY, 'on or after 1 Sep 2025'],
];

/** Whether a phrase lists weekly contracts for this underlying: only NSE's one weekly index keeps them. */
function listsWeekly(underlying: string, phrase: string, previous: boolean | null): boolean {
  // The Tuesday circular changed the day only: what was listed before stays listed, what was not stays not.
  if (phrase === 'weekly contracts stay' || phrase === 'weekly contracts stay discontinued') {
    const stays = phrase === 'weekly contracts stay';
    if (previous !== stays) throw new Error(`"${phrase}" after a rule with weekly ${String(previous)}`);
    return stays;
  }
  if (phrase.includes('discontinued')) return false;
  if (phrase === ONE_WEEKLY_INDEX) return underlying === 'NIFTY';
  if (phrase.includes(`weekly contracts on ${underlying} only`)) return true;
  throw new Error(`cannot read "${phrase}"`);
}

/** The first expiry a rule applies to: the day after "after the 13 Nov 2024 expiry" is ruled by the one-weekly rule. */
function ruleStart(phrase: string): string {
  // The one-weekly-index rule applies from 20 Nov 2024 for every NSE index, whatever its last weekly was.
  return phrase.startsWith('after the ') ? '2024-11-20' : firstExpiryDate(phrase);
}

describe('bundled lot sizes against their circulars', () => {
  const perUnderlying = new Map<string, number>();
  const cases = LOT_SOURCES.map(([underlying, figure, effective]) => {
    const k = perUnderlying.get(underlying) ?? 0;
    perUnderlying.set(underlying, k + 1);
    return [underlying, k, figure, effective] as const;
  });

  it.each(cases)('%s entry %i: "%s" %s', (underlying, k, figure, effective) => {
    const rows = DEFAULT_LOT_SIZES.filter((r) => r.underlying === underlying).sort((a, b) => a.fromExpiry.localeCompare(b.fromExpiry));
    const row = rows[k];
    expect(row).toBeDefined();
    expect({ lotSize: row.lotSize, fromExpiry: row.fromExpiry }).toEqual({ lotSize: revisedLot(figure), fromExpiry: firstExpiryDate(effective) });
    expect(row.source).toContain(figure);
    expect(row.source).toContain(effective);
  });

  it('checks every row of the table', () => {
    expect(DEFAULT_LOT_SIZES).toHaveLength(LOT_SOURCES.length);
    expect([...new Set(DEFAULT_LOT_SIZES.map((r) => r.underlying))].sort()).toEqual([...perUnderlying.keys()].sort());
  });

  it('NIFTYNXT50 is unchanged at 25 by the October 2025 circular', () => {
    const row = DEFAULT_LOT_SIZES.find((r) => r.underlying === 'NIFTYNXT50')!;
    expect(row.source).toContain('unchanged at 25 by NSE/FAOP/70616');
    expect(revisedLot('unchanged at 25')).toBe(row.lotSize);
  });
});

describe('bundled expiry rules against their circulars', () => {
  const perUnderlying = new Map<string, number>();
  const cases = RULE_SOURCES.map(([underlying, weekly, weekday, effective]) => {
    const k = perUnderlying.get(underlying) ?? 0;
    perUnderlying.set(underlying, k + 1);
    return [underlying, k, weekly, weekday, effective] as const;
  });

  it.each(cases)('%s rule %i: "%s", "%s", %s', (underlying, k, weeklyPhrase, weekdayPhrase, effective) => {
    const rows = DEFAULT_EXPIRY_RULES.filter((r) => r.underlying === underlying).sort((a, b) => a.fromExpiry.localeCompare(b.fromExpiry));
    const row = rows[k];
    expect(row).toBeDefined();
    const previous = k > 0 ? rows[k - 1].weekly : null;
    const weekday = WEEKDAYS.findIndex((d) => weekdayPhrase.includes(d));
    expect({ fromExpiry: row.fromExpiry, weekly: row.weekly, weekday: row.weekday }).toEqual({
      fromExpiry: ruleStart(effective),
      weekly: listsWeekly(underlying, weeklyPhrase, previous),
      weekday,
    });
    if (!weeklyPhrase.startsWith('weekly contracts stay')) expect(row.source).toContain(weeklyPhrase);
    expect(row.source).toContain(weekdayPhrase);
    expect(row.source).toContain(effective);
  });

  it('checks every row of the table; NIFTY is the only NSE weekly index, on Tuesday now', () => {
    expect(DEFAULT_EXPIRY_RULES).toHaveLength(RULE_SOURCES.length);
    const latest = [...perUnderlying.keys()].map((u) => DEFAULT_EXPIRY_RULES.filter((r) => r.underlying === u).sort((a, b) => b.fromExpiry.localeCompare(a.fromExpiry))[0]);
    expect(latest.filter((r) => r.weekly).map((r) => [r.underlying, WEEKDAYS[r.weekday]])).toEqual([['NIFTY', 'Tuesday']]);
  });

  it('reads the dates the way the circulars write them', () => {
    expect(firstExpiryDate('effective 20 Nov 2024')).toBe('2024-11-20');
    expect(firstExpiryDate('from the January 2026 expiries')).toBe('2026-01-01');
    expect(firstExpiryDate('on or after 1 Sep 2025')).toBe('2025-09-01');
    expect(revisedLot('NIFTY 75 to 65')).toBe(65);
  });
});
