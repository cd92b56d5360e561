import { CHARGE_SCHEDULES, type ChargeLine, type ChargeSchedule } from './charge-schedule';

/**
 * Every figure of the bundled charge schedules (data/charge-schedules.json), written as its source writes it,
 * converted here to the unit of the file (basis points of turnover, or paise) with exact fractions, and compared
 * with the file. The source text of the schedule's line must also quote the figure, so the citation and the value
 * cannot drift apart.
 */
type Row = [effectiveFrom: string, field: string, line: ChargeLine, figure: string];

const BROKERAGE: [string, ChargeLine, string][] = [
  ['brokerage.deliveryBp', 'brokerage', 'free'],
  ['brokerage.percentBp', 'brokerage', '0.03%'],
  ['brokerage.capPaise', 'brokerage', 'Rs 20'],
  ['brokerage.optionsFlatPaise', 'brokerage', 'Rs 20'],
];
const LEVIES: [string, ChargeLine, string][] = [
  ['stt.deliveryBp', 'stt', '0.1%'],
  ['stt.intradaySellBp', 'stt', '0.025%'],
  ['sebiBp', 'sebi', 'Rs 10 per crore'],
  ['stamp.deliveryBuyBp', 'stamp', '0.015%'],
  ['stamp.intradayBuyBp', 'stamp', '0.003%'],
  ['stamp.futuresBuyBp', 'stamp', '0.002%'],
  ['stamp.optionsBuyBp', 'stamp', '0.003%'],
  ['gstBp', 'gst', '18%'],
];

const ROWS: Row[] = [
  // Finance Act 2023 STT; NSE transaction charges before 1 Oct 2024
  ...[...BROKERAGE, ...LEVIES].map(([field, line, figure]): Row => ['2023-04-01', field, line, figure]),
  ['2023-04-01', 'stt.futuresSellBp', 'stt', '0.0125%'],
  ['2023-04-01', 'stt.optionsSellBp', 'stt', '0.0625%'],
  ['2023-04-01', 'exchange.equityBp', 'exchange', '0.00345%'],
  ['2023-04-01', 'exchange.futuresBp', 'exchange', '0.002%'],
  ['2023-04-01', 'exchange.optionsBp', 'exchange', '0.053%'],
  // Finance (No. 2) Act 2024 STT; NSE circular of 27 Sep 2024 (flat charges under SEBI's uniform-fee circular)
  ...[...BROKERAGE, ...LEVIES].map(([field, line, figure]): Row => ['2024-10-01', field, line, figure]),
  ['2024-10-01', 'stt.futuresSellBp', 'stt', '0.02%'],
  ['2024-10-01', 'stt.optionsSellBp', 'stt', '0.1%'],
  ['2024-10-01', 'exchange.equityBp', 'exchange', 'Rs 2.97 per lakh'],
  ['2024-10-01', 'exchange.futuresBp', 'exchange', 'Rs 1.73 per lakh'],
  ['2024-10-01', 'exchange.optionsBp', 'exchange', 'Rs 35.03 per lakh'],
];

/** An exact fraction [numerator, denominator]. */
type Fraction = [bigint, bigint];

/** A decimal as written ("2.97", "0.0125") as an exact fraction. */
function decimal(text: string): Fraction {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a plain decimal: ${text}`);
  const fraction = match[2] ?? '';
  return [BigInt(match[1] + fraction), 10n ** BigInt(fraction.length)];
}

const times = ([n, d]: Fraction, factor: bigint, divisor = 1n): Fraction => [n * factor, d * divisor];

/**
 * A source figure in the file's unit: a rate as basis points (1 bp = 1/10,000), an amount in rupees as paise.
 * "Rs X per lakh" is X / 100,000 of turnover = X x 10,000 / 100,000 bp; "Rs X per crore" is X / 10,000,000.
 */
function inFileUnit(figure: string, field: string): Fraction {
  const isAmount = field.endsWith('Paise');
  let m: RegExpExecArray | null;
  if (figure === 'free') return [0n, 1n];
  if ((m = /^Rs ([\d.]+) per lakh$/.exec(figure))) return times(decimal(m[1]), 10_000n, 100_000n);
  if ((m = /^Rs ([\d.]+) per crore$/.exec(figure))) return times(decimal(m[1]), 10_000n, 10_000_000n);
  if ((m = /^([\d.]+)%$/.exec(figure)) && !isAmount) return times(decimal(m[1]), 100n);
  if ((m = /^Rs ([\d.]+)$/.exec(figure)) && isAmount) return times(decimal(m[1]), 100n);
  throw new Error(`no conversion for "${figure}" into the unit of ${field}`);
}

/** The value of the file as the exact decimal it is written as. */
function fileValue(schedule: ChargeSchedule, field: string): Fraction {
  const value = field.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], schedule);
  if (typeof value !== 'number') throw new Error(`${schedule.effectiveFrom} ${field} is not a number`);
  return decimal(String(value));
}

const equal = ([a, b]: Fraction, [c, d]: Fraction) => a * d === b * c;

function numericFields(node: unknown, prefix = ''): string[] {
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => {
    const name = prefix + key;
    if (typeof value === 'number') return [name];
    if (typeof value === 'object' && value !== null && key !== 'sources') return numericFields(value, `${name}.`);
    return [];
  });
}

describe('bundled charge schedules against their sources', () => {
  const byDate = new Map(CHARGE_SCHEDULES.map((s) => [s.effectiveFrom, s]));

  it.each(ROWS)('%s %s = %s (%s)', (effectiveFrom, field, line, figure) => {
    const schedule = byDate.get(effectiveFrom)!;
    expect(schedule).toBeDefined();
    const expected = inFileUnit(figure, field);
    const actual = fileValue(schedule, field);
    expect({ field, equal: equal(actual, expected), file: `${actual[0]}/${actual[1]}`, source: `${expected[0]}/${expected[1]}` }).toMatchObject({ field, equal: true });
    expect(schedule.sources[line]).toContain(figure);
  });

  it('checks every value of every schedule, and no schedule the table does not know', () => {
    const inFile = CHARGE_SCHEDULES.flatMap((s) => numericFields(s).map((field) => `${s.effectiveFrom} ${field}`)).sort();
    const inTable = ROWS.map(([date, field]) => `${date} ${field}`).sort();
    expect(inTable).toEqual(inFile);
  });

  it('the conversions themselves: Rs 2.97 per lakh is 0.297 bp, Rs 10 per crore 0.01 bp, 0.00345% 0.345 bp, Rs 20 2000 paise', () => {
    expect(equal(inFileUnit('Rs 2.97 per lakh', 'x'), decimal('0.297'))).toBe(true);
    expect(equal(inFileUnit('Rs 35.03 per lakh', 'x'), decimal('3.503'))).toBe(true);
    expect(equal(inFileUnit('Rs 10 per crore', 'x'), decimal('0.01'))).toBe(true);
    expect(equal(inFileUnit('0.00345%', 'x'), decimal('0.345'))).toBe(true);
    expect(equal(inFileUnit('Rs 20', 'capPaise'), [2000n, 1n])).toBe(true);
    expect(equal(inFileUnit('Rs 2.97 per lakh', 'x'), decimal('0.345'))).toBe(false);
  });
});
