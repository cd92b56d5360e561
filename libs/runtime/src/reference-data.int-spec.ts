import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHARGE_SCHEDULES, DEFAULT_EXPIRY_RULES, DEFAULT_LOT_SIZES } from '@robo/domain';
import { ConfigError } from './config/app-config';
import { loadChargeSchedules, loadInstrumentCatalog } from './reference-data';

/** Reference-data files read at start, from real files on disk. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-refdata-'));
let n = 0;
function file(content: unknown): string {
  const f = path.join(dir, `f${(n += 1)}.json`);
  fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

function refusal(run: () => unknown): { variable: string; message: string } | null {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return { variable: error.variable, message: error.message };
    throw error;
  }
  return null;
}

const NO_FILES = { lotSizesFile: null, expiryRulesFile: null } as const;

describe('CHARGES_FILE', () => {
  it('unset: the bundled schedules; set: the schedules of the file', () => {
    expect(loadChargeSchedules(null)).toBe(CHARGE_SCHEDULES);
    const edited = CHARGE_SCHEDULES.map((s) => ({ ...s, sebiBp: 0.02 }));
    expect(loadChargeSchedules(file({ schedules: edited })).map((s) => s.sebiBp)).toEqual([0.02, 0.02]);
  });

  it.each<[string, unknown]>([
    ['not JSON', '{ schedules: '],
    ['an empty list', { schedules: [] }],
    ['a rate that is a string', { schedules: [{ ...CHARGE_SCHEDULES[1], gstBp: '18%' }] }],
    ['no source for the exchange charges', { schedules: [{ ...CHARGE_SCHEDULES[1], sources: { ...CHARGE_SCHEDULES[1].sources, exchange: undefined } }] }],
  ])('refuses %s, naming CHARGES_FILE', (_label, content) => {
    expect(refusal(() => loadChargeSchedules(file(content)))).toMatchObject({ variable: 'CHARGES_FILE' });
  });

  it('refuses a file that does not exist', () => {
    expect(refusal(() => loadChargeSchedules(path.join(dir, 'missing.json')))).toMatchObject({ variable: 'CHARGES_FILE' });
  });
});

describe('LOT_SIZES_FILE and EXPIRY_RULES_FILE', () => {
  it('unset: the bundled tables; set: the tables of the files', () => {
    expect(loadInstrumentCatalog(NO_FILES).lotSize('NIFTY', '2026-12-29')).toBe(65);
    const lots = DEFAULT_LOT_SIZES.map((r) => (r.underlying === 'BANKNIFTY' ? { ...r, lotSize: 15 } : r));
    const rules = DEFAULT_EXPIRY_RULES.map((r) => (r.underlying === 'FINNIFTY' ? { ...r, weekly: true } : r));
    const catalog = loadInstrumentCatalog({ lotSizesFile: file({ lotSizes: lots }), expiryRulesFile: file({ expiryRules: rules }) });
    expect(catalog.get('BANKNIFTY 2026-12-29 FUT')!.lotSize).toBe(15);
    expect(catalog.indices().find((i) => i.symbol === 'FINNIFTY')!.expiryRules.every((r) => r.weekly)).toBe(true);
  });

  it.each<[string, { lotSizesFile?: string; expiryRulesFile?: string }, string, RegExp]>([
    ['a lot size that is not JSON', { lotSizesFile: '[' }, 'LOT_SIZES_FILE', /could not be read/],
    ['a lot size of zero', { lotSizesFile: JSON.stringify([...DEFAULT_LOT_SIZES, { ...DEFAULT_LOT_SIZES[0], fromExpiry: '2027-01-01', lotSize: 0 }]) }, 'LOT_SIZES_FILE', /lotSize/],
    ['no lot sizes for MIDCPNIFTY', { lotSizesFile: JSON.stringify(DEFAULT_LOT_SIZES.filter((r) => r.underlying !== 'MIDCPNIFTY')) }, 'LOT_SIZES_FILE', /MIDCPNIFTY/],
    ['lot sizes of an index the catalog lacks', { lotSizesFile: JSON.stringify([...DEFAULT_LOT_SIZES, { ...DEFAULT_LOT_SIZES[0], underlying: 'SENSEX' }]) }, 'LOT_SIZES_FILE', /SENSEX/],
    ['an expiry rule on a Saturday', { expiryRulesFile: JSON.stringify([...DEFAULT_EXPIRY_RULES, { ...DEFAULT_EXPIRY_RULES[0], fromExpiry: '2027-01-01', weekday: 6 }]) }, 'EXPIRY_RULES_FILE', /weekday/],
    ['no expiry rules for NIFTYNXT50', { expiryRulesFile: JSON.stringify(DEFAULT_EXPIRY_RULES.filter((r) => r.underlying !== 'NIFTYNXT50')) }, 'EXPIRY_RULES_FILE', /NIFTYNXT50/],
  ])('refuses %s, naming the variable', (_label, contents, variable, message) => {
    const files = {
      lotSizesFile: contents.lotSizesFile === undefined ? null : file(contents.lotSizesFile),
      expiryRulesFile: contents.expiryRulesFile === undefined ? null : file(contents.expiryRulesFile),
    };
    const refused = refusal(() => loadInstrumentCatalog(files));
    expect(refused?.variable).toBe(variable);
    expect(refused?.message).toMatch(message);
  });
});
