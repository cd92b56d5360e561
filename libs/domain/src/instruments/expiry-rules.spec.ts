import type { DomainError } from '../common/errors';
import { buildCatalogData, DEFAULT_EXPIRY_RULES } from './catalog-data';
import { expiryRuleOn, parseExpiryRules } from './expiry-rules';
import { InstrumentCatalog } from './instrument-catalog';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as DomainError).code;
  }
  return undefined;
}

const row = { underlying: 'NIFTY', fromExpiry: '2025-09-01', weekly: true, weekday: 2, source: 'NSE/FAOP/68589' };

describe('expiry rules', () => {
  it('the rule in force on a date is the latest that started on or before it', () => {
    const nifty = DEFAULT_EXPIRY_RULES.filter((r) => r.underlying === 'NIFTY');
    expect(expiryRuleOn(nifty, '2025-08-28')).toMatchObject({ weekly: true, weekday: 4 });
    expect(expiryRuleOn(nifty, '2025-09-01')).toMatchObject({ weekly: true, weekday: 2 });
    expect(expiryRuleOn(nifty, '2024-11-19')).toBeNull();
    const banknifty = DEFAULT_EXPIRY_RULES.filter((r) => r.underlying === 'BANKNIFTY');
    expect(expiryRuleOn(banknifty, '2026-12-01')).toMatchObject({ weekly: false, weekday: 2 });
  });

  it('a replacing table is joined into the catalog per index', () => {
    const rules = parseExpiryRules({ expiryRules: DEFAULT_EXPIRY_RULES.map((r) => (r.underlying === 'BANKNIFTY' ? { ...r, weekly: true } : r)) });
    const catalog = new InstrumentCatalog(buildCatalogData({ expiryRules: rules }));
    expect(catalog.indices().find((i) => i.symbol === 'BANKNIFTY')!.expiryRules.every((r) => r.weekly)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an empty list', []],
    ['not a list', { expiryRules: {} }],
    ['a weekday out of range', [{ ...row, weekday: 7 }]],
    ['a Sunday', [{ ...row, weekday: 0 }]],
    ['weekly not a boolean', [{ ...row, weekly: 'yes' }]],
    ['an impossible date', [{ ...row, fromExpiry: '2025-02-29' }]],
    ['no source', [{ ...row, source: ' ' }]],
    ['the same underlying and date twice', [row, { ...row, weekday: 3 }]],
  ])('refuses %s with EXPIRY_RULES_INVALID', (_label, input) => {
    expect(codeOf(() => parseExpiryRules(input))).toBe('EXPIRY_RULES_INVALID');
  });

  it('refuses rules for an underlying the catalog does not have, and an index left without rules', () => {
    expect(codeOf(() => buildCatalogData({ expiryRules: [...DEFAULT_EXPIRY_RULES, { ...row, underlying: 'SENSEX', weekday: 4 }] }))).toBe('EXPIRY_RULES_INVALID');
    expect(codeOf(() => new InstrumentCatalog(buildCatalogData({ expiryRules: DEFAULT_EXPIRY_RULES.filter((r) => r.underlying !== 'NIFTY') })))).toBe('INVALID_CATALOG');
  });
});
