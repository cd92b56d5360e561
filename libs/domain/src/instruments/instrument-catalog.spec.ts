import { DomainError } from '../common/errors';
import { buildCatalogData, DEFAULT_CATALOG_DATA, DEFAULT_LOT_SIZES, parseLotSizeTable, type CatalogData } from './catalog-data';
import { futureSymbol, optionSymbol, parseDerivativeSymbol } from './derivative-symbol';
import { InstrumentCatalog } from './instrument-catalog';

const catalog = new InstrumentCatalog();
const EQUITIES = [
  'RELIANCE', 'TCS', 'INFY', 'HDFCBANK', 'ICICIBANK', 'SBIN', 'ITC', 'LT',
  'BHARTIARTL', 'AXISBANK', 'KOTAKBANK', 'HINDUNILVR', 'BAJFINANCE', 'MARUTI', 'TATASTEEL',
];

describe('equities', () => {
  it('lists the 15 equities with tick 5, lot 1 and a reference price on the tick grid', () => {
    const list = catalog.list();
    expect(list.map((i) => i.symbol)).toEqual(EQUITIES);
    for (const i of list) {
      expect(i).toMatchObject({ exchange: 'NSE', segment: 'EQ', tickSizePaise: 5, lotSize: 1, underlying: null, expiry: null, strikePaise: null, optionType: null });
      expect(i.referencePricePaise).toBeGreaterThan(0);
      expect(i.referencePricePaise % 5).toBe(0);
    }
  });

  it('gets an equity by its exact symbol', () => {
    expect(catalog.get('RELIANCE')).toEqual({
      symbol: 'RELIANCE', exchange: 'NSE', segment: 'EQ', tickSizePaise: 5, lotSize: 1,
      referencePricePaise: 148000, underlying: null, expiry: null, strikePaise: null, optionType: null,
    });
    expect(catalog.get('reliance')).toBeNull();
    expect(catalog.get('UNKNOWN')).toBeNull();
  });

  it('hands out copies, so a caller cannot change the catalog', () => {
    const tcs = catalog.get('TCS')!;
    tcs.lotSize = 99;
    expect(catalog.get('TCS')!.lotSize).toBe(1);
  });
});

describe('index options', () => {
  it('resolves a NIFTY call (lot 65 for expiries from January 2026)', () => {
    // level 26,000.00 = 2,600,000 paise; strike 24,000 = 2,400,000 paise
    // intrinsic CE = 2,600,000 - 2,400,000 = 200,000; time value = 2,600,000 / 200 = 13,000
    // premium = 213,000 paise (already on the 5-paise grid)
    expect(catalog.get('NIFTY 2026-12-31 24000 CE')).toEqual({
      symbol: 'NIFTY 2026-12-31 24000 CE', exchange: 'NSE', segment: 'OPT', tickSizePaise: 5, lotSize: 65,
      referencePricePaise: 213000, underlying: 'NIFTY', expiry: '2026-12-31', strikePaise: 2400000, optionType: 'CE',
    });
  });

  it('resolves a BANKNIFTY put with the lot size of its expiry', () => {
    // level 58,000 = 5,800,000 paise; strike 52,000 = 5,200,000: a PE is out of the money, intrinsic 0
    // time value = 5,800,000 / 200 = 29,000 paise
    expect(catalog.get('BANKNIFTY 2026-12-30 52000 PE')).toMatchObject({
      segment: 'OPT', lotSize: 30, strikePaise: 5200000, optionType: 'PE', referencePricePaise: 29000, underlying: 'BANKNIFTY',
    });
    // an in-the-money put: strike 60,000 => intrinsic 6,000,000 - 5,800,000 = 200,000; + 29,000 = 229,000
    expect(catalog.get('BANKNIFTY 2026-12-30 60000 PE')!.referencePricePaise).toBe(229000);
  });

  it('uses the dated lot-size table (BANKNIFTY 30, 35 from the July 2025 expiries, 30 from January 2026)', () => {
    expect(catalog.get('BANKNIFTY 2025-06-26 52000 CE')!.lotSize).toBe(30);
    expect(catalog.get('BANKNIFTY 2025-07-31 52000 CE')!.lotSize).toBe(35);
    expect(catalog.get('BANKNIFTY 2025-12-30 52000 CE')!.lotSize).toBe(35);
    expect(catalog.get('BANKNIFTY 2026-01-27 52000 CE')!.lotSize).toBe(30);
    expect(catalog.get('NIFTY 2024-11-20 24000 CE')!.lotSize).toBe(75);
    // NIFTY: the last weekly at 75 expired 23 Dec 2025 and the last monthly 30 Dec 2025; the first at 65 on 6 Jan 2026
    expect(catalog.get('NIFTY 2025-12-23 24000 CE')!.lotSize).toBe(75);
    expect(catalog.get('NIFTY 2025-12-30 FUT')!.lotSize).toBe(75);
    expect(catalog.get('NIFTY 2026-01-06 24000 CE')!.lotSize).toBe(65);
    expect(catalog.get('NIFTY 2026-01-27 FUT')!.lotSize).toBe(65);
    expect(catalog.get('FINNIFTY 2025-12-30 FUT')!.lotSize).toBe(65);
    expect(catalog.get('FINNIFTY 2026-01-27 FUT')!.lotSize).toBe(60);
    expect(catalog.get('MIDCPNIFTY 2025-12-30 FUT')!.lotSize).toBe(140);
    expect(catalog.get('MIDCPNIFTY 2026-01-27 FUT')!.lotSize).toBe(120);
    expect(catalog.get('NIFTYNXT50 2026-01-27 FUT')!.lotSize).toBe(25);
    // before the table starts the lot size is unknown, so the contract is too
    expect(catalog.get('NIFTY 2024-11-19 24000 CE')).toBeNull();
    expect(catalog.lotSize('BANKNIFTY', '2025-06-30')).toBe(30);
    expect(catalog.lotSize('SENSEX', '2026-01-01')).toBeNull();
  });

  it('rounds the placeholder premium up to the tick', () => {
    const data: CatalogData = {
      equities: [],
      indices: [{ symbol: 'IDX', referenceLevelPaise: 1000005, strikeStepPaise: 100, tickSizePaise: 5, lotSizes: [{ fromExpiry: '2020-01-01', lotSize: 10 }], expiryRules: RULES }],
    };
    // OTM call at strike 20,000 rupees: intrinsic 0; time value = ceil(1,000,005 / 200) = ceil(5000.025) = 5001
    // rounded up to the 5-paise tick = 5005
    expect(new InstrumentCatalog(data).get('IDX 2026-12-31 20000 CE')!.referencePricePaise).toBe(5005);
  });

  it.each([
    ['NIFTY 2026-12-31 24025 CE', 'strike off the 50-rupee grid'],
    ['BANKNIFTY 2026-12-30 52050 PE', 'strike off the 100-rupee grid'],
    ['NIFTY 2026-02-30 24000 CE', 'impossible date'],
    ['NIFTY 2026-12-31 24000 XX', 'bad option type'],
    ['NIFTY 2026-12-31 024000 CE', 'leading zero'],
    ['NIFTY 2026-12-31 0 CE', 'zero strike'],
    ['NIFTY 31-12-2026 24000 CE', 'date format'],
    ['NIFTY  2026-12-31 24000 CE', 'double space'],
    ['SENSEX 2026-12-31 24000 CE', 'unknown underlying (a BSE index)'],
    ['FINNIFTY 2026-12-31 24050 CE', 'strike off the 100-rupee grid'],
    ['RELIANCE 2026-12-31 1500 CE', 'stock options are not in the catalog'],
    ['NIFTY 2026-12-31 24000.5 CE', 'fractional strike'],
    ['NIFTY', 'the index itself is not tradable'],
  ])('%s is null (%s)', (symbol) => {
    expect(catalog.get(symbol)).toBeNull();
  });
});

describe('index futures', () => {
  it('resolves a future priced at the index level', () => {
    expect(catalog.get('NIFTY 2026-12-31 FUT')).toEqual({
      symbol: 'NIFTY 2026-12-31 FUT', exchange: 'NSE', segment: 'FUT', tickSizePaise: 5, lotSize: 65,
      referencePricePaise: 2600000, underlying: 'NIFTY', expiry: '2026-12-31', strikePaise: null, optionType: null,
    });
    expect(catalog.get('BANKNIFTY 2025-06-26 FUT')).toMatchObject({ segment: 'FUT', lotSize: 30, referencePricePaise: 5800000 });
    expect(catalog.get('NIFTY 2026-13-01 FUT')).toBeNull();
    expect(catalog.get('NIFTY 2026-12-31 FUTURE')).toBeNull();
  });
});

describe('indices()', () => {
  it('describes the five NSE index underlyings with their dated lot sizes and expiry rules', () => {
    const indices = catalog.indices();
    expect(indices.map((i) => [i.symbol, i.referenceLevelPaise, i.strikeStepPaise, i.tickSizePaise])).toEqual([
      ['NIFTY', 2600000, 5000, 5],
      ['BANKNIFTY', 5800000, 10000, 5],
      ['FINNIFTY', 2750000, 10000, 5],
      ['MIDCPNIFTY', 1350000, 2500, 5],
      ['NIFTYNXT50', 6900000, 10000, 5],
    ]);
    expect(indices.map((i) => [i.symbol, i.lotSizes.map((l) => `${l.fromExpiry}:${l.lotSize}`)])).toEqual([
      ['NIFTY', ['2024-11-20:75', '2026-01-01:65']],
      ['BANKNIFTY', ['2024-11-20:30', '2025-07-01:35', '2026-01-01:30']],
      ['FINNIFTY', ['2024-11-20:65', '2026-01-01:60']],
      ['MIDCPNIFTY', ['2024-11-20:120', '2025-07-01:140', '2026-01-01:120']],
      ['NIFTYNXT50', ['2024-11-20:25']],
    ]);
    // one weekly index on NSE: NIFTY
    expect(indices.filter((i) => i.expiryRules.some((r) => r.weekly)).map((i) => i.symbol)).toEqual(['NIFTY']);
  });
});

describe('symbols', () => {
  it('builds the canonical spelling that get() resolves', () => {
    expect(optionSymbol('NIFTY', '2026-12-31', 2400000, 'CE')).toBe('NIFTY 2026-12-31 24000 CE');
    expect(futureSymbol('BANKNIFTY', '2026-12-30')).toBe('BANKNIFTY 2026-12-30 FUT');
    expect(parseDerivativeSymbol('NIFTY 2026-12-31 24000 PE')).toEqual({
      kind: 'OPT', underlying: 'NIFTY', expiry: '2026-12-31', strikePaise: 2400000, optionType: 'PE',
    });
    expect(() => optionSymbol('NIFTY', '2026-12-31', 2400050, 'CE')).toThrow(DomainError);
  });
});

const RULES = [{ fromExpiry: '2020-01-01', weekly: false, weekday: 2 as const, source: 'test' }];

describe('catalog data validation', () => {
  const valid = DEFAULT_CATALOG_DATA;
  it.each<[string, CatalogData]>([
    ['off-tick reference price', { ...valid, equities: [{ symbol: 'X', tickSizePaise: 5, lotSize: 1, referencePricePaise: 101 }] }],
    ['zero lot', { ...valid, equities: [{ symbol: 'X', tickSizePaise: 5, lotSize: 0, referencePricePaise: 100 }] }],
    ['duplicate symbol', { ...valid, equities: [...valid.equities, valid.equities[0]] }],
    ['lowercase symbol', { ...valid, equities: [{ symbol: 'abc', tickSizePaise: 5, lotSize: 1, referencePricePaise: 100 }] }],
    [
      'unordered lot table',
      { equities: [], indices: [{ symbol: 'I', referenceLevelPaise: 100, strikeStepPaise: 100, tickSizePaise: 5, lotSizes: [{ fromExpiry: '2025-01-01', lotSize: 1 }, { fromExpiry: '2024-01-01', lotSize: 2 }], expiryRules: RULES }] },
    ],
    ['empty lot table', { equities: [], indices: [{ symbol: 'I', referenceLevelPaise: 100, strikeStepPaise: 100, tickSizePaise: 5, lotSizes: [], expiryRules: RULES }] }],
    ['empty expiry-rule table', { equities: [], indices: [{ symbol: 'I', referenceLevelPaise: 100, strikeStepPaise: 100, tickSizePaise: 5, lotSizes: [{ fromExpiry: '2024-01-01', lotSize: 2 }], expiryRules: [] }] }],
  ])('rejects %s with INVALID_CATALOG', (_label, data) => {
    let caught: unknown;
    try {
      new InstrumentCatalog(data);
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).code).toBe('INVALID_CATALOG');
  });
});

describe('lot-size tables from configuration', () => {
  const codeOf = (run: () => unknown): string | undefined => {
    try {
      run();
    } catch (error) {
      return (error as DomainError).code;
    }
    return undefined;
  };
  const row = { underlying: 'NIFTY', fromExpiry: '2026-01-01', lotSize: 65, source: 'NSE/FAOP/70616' };

  it('replace the bundled table: every contract takes its lot from the table given', () => {
    const table = parseLotSizeTable({ lotSizes: DEFAULT_LOT_SIZES.map((r) => (r.underlying === 'NIFTY' && r.fromExpiry === '2026-01-01' ? { ...r, lotSize: 50 } : r)) });
    const replaced = new InstrumentCatalog(buildCatalogData({ lotSizes: table }));
    expect(replaced.get('NIFTY 2026-12-31 24000 CE')!.lotSize).toBe(50);
    expect(replaced.get('NIFTY 2025-12-30 FUT')!.lotSize).toBe(75);
  });

  it.each<[string, unknown]>([
    ['an empty list', { lotSizes: [] }],
    ['not a list', { lotSizes: 'NIFTY 65' }],
    ['a zero lot', [{ ...row, lotSize: 0 }]],
    ['a fractional lot', [{ ...row, lotSize: 6.5 }]],
    ['an impossible date', [{ ...row, fromExpiry: '2026-02-30' }]],
    ['no source', [{ ...row, source: '' }]],
    ['a lowercase underlying', [{ ...row, underlying: 'nifty' }]],
    ['the same underlying and date twice', [row, { ...row, lotSize: 75 }]],
  ])('refuse %s with LOT_SIZES_INVALID', (_label, input) => {
    expect(codeOf(() => parseLotSizeTable(input))).toBe('LOT_SIZES_INVALID');
  });

  it('refuse rows for an underlying the catalog does not have, and an index left without lot sizes', () => {
    expect(codeOf(() => buildCatalogData({ lotSizes: [...DEFAULT_LOT_SIZES, { ...row, underlying: 'SENSEX' }] }))).toBe('LOT_SIZES_INVALID');
    expect(codeOf(() => new InstrumentCatalog(buildCatalogData({ lotSizes: DEFAULT_LOT_SIZES.filter((r) => r.underlying !== 'FINNIFTY') })))).toBe('INVALID_CATALOG');
  });
});
