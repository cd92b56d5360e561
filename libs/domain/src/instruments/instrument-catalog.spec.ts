import { DomainError } from '../common/errors';
import { DEFAULT_CATALOG_DATA, type CatalogData } from './catalog-data';
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
  it('resolves a NIFTY call', () => {
    // level 26,000.00 = 2,600,000 paise; strike 24,000 = 2,400,000 paise
    // intrinsic CE = 2,600,000 - 2,400,000 = 200,000; time value = 2,600,000 / 200 = 13,000
    // premium = 213,000 paise (already on the 5-paise grid)
    expect(catalog.get('NIFTY 2026-12-31 24000 CE')).toEqual({
      symbol: 'NIFTY 2026-12-31 24000 CE', exchange: 'NSE', segment: 'OPT', tickSizePaise: 5, lotSize: 75,
      referencePricePaise: 213000, underlying: 'NIFTY', expiry: '2026-12-31', strikePaise: 2400000, optionType: 'CE',
    });
  });

  it('resolves a BANKNIFTY put with the lot size of its expiry', () => {
    // level 58,000 = 5,800,000 paise; strike 52,000 = 5,200,000: a PE is out of the money, intrinsic 0
    // time value = 5,800,000 / 200 = 29,000 paise
    expect(catalog.get('BANKNIFTY 2026-12-30 52000 PE')).toMatchObject({
      segment: 'OPT', lotSize: 35, strikePaise: 5200000, optionType: 'PE', referencePricePaise: 29000, underlying: 'BANKNIFTY',
    });
    // an in-the-money put: strike 60,000 => intrinsic 6,000,000 - 5,800,000 = 200,000; + 29,000 = 229,000
    expect(catalog.get('BANKNIFTY 2026-12-30 60000 PE')!.referencePricePaise).toBe(229000);
  });

  it('uses the dated lot-size table (BANKNIFTY 30 before the July 2025 expiries, 35 from them)', () => {
    expect(catalog.get('BANKNIFTY 2025-06-26 52000 CE')!.lotSize).toBe(30);
    expect(catalog.get('BANKNIFTY 2025-07-01 52000 CE')!.lotSize).toBe(35);
    expect(catalog.get('NIFTY 2024-11-20 24000 CE')!.lotSize).toBe(75);
    // before the table starts the lot size is unknown, so the contract is too
    expect(catalog.get('NIFTY 2024-11-19 24000 CE')).toBeNull();
    expect(catalog.lotSize('BANKNIFTY', '2025-06-30')).toBe(30);
    expect(catalog.lotSize('SENSEX', '2026-01-01')).toBeNull();
  });

  it('rounds the placeholder premium up to the tick', () => {
    const data: CatalogData = {
      equities: [],
      indices: [{ symbol: 'IDX', referenceLevelPaise: 1000005, strikeStepPaise: 100, tickSizePaise: 5, lotSizes: [{ fromExpiry: '2020-01-01', lotSize: 10 }] }],
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
    ['FINNIFTY 2026-12-31 24000 CE', 'unknown underlying'],
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
      symbol: 'NIFTY 2026-12-31 FUT', exchange: 'NSE', segment: 'FUT', tickSizePaise: 5, lotSize: 75,
      referencePricePaise: 2600000, underlying: 'NIFTY', expiry: '2026-12-31', strikePaise: null, optionType: null,
    });
    expect(catalog.get('BANKNIFTY 2025-06-26 FUT')).toMatchObject({ segment: 'FUT', lotSize: 30, referencePricePaise: 5800000 });
    expect(catalog.get('NIFTY 2026-13-01 FUT')).toBeNull();
    expect(catalog.get('NIFTY 2026-12-31 FUTURE')).toBeNull();
  });
});

describe('indices()', () => {
  it('describes the underlyings', () => {
    expect(catalog.indices()).toEqual([
      { symbol: 'NIFTY', referenceLevelPaise: 2600000, strikeStepPaise: 5000, tickSizePaise: 5, lotSizes: [{ fromExpiry: '2024-11-20', lotSize: 75 }] },
      {
        symbol: 'BANKNIFTY', referenceLevelPaise: 5800000, strikeStepPaise: 10000, tickSizePaise: 5,
        lotSizes: [{ fromExpiry: '2024-11-20', lotSize: 30 }, { fromExpiry: '2025-07-01', lotSize: 35 }],
      },
    ]);
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

describe('catalog data validation', () => {
  const valid = DEFAULT_CATALOG_DATA;
  it.each<[string, CatalogData]>([
    ['off-tick reference price', { ...valid, equities: [{ symbol: 'X', tickSizePaise: 5, lotSize: 1, referencePricePaise: 101 }] }],
    ['zero lot', { ...valid, equities: [{ symbol: 'X', tickSizePaise: 5, lotSize: 0, referencePricePaise: 100 }] }],
    ['duplicate symbol', { ...valid, equities: [...valid.equities, valid.equities[0]] }],
    ['lowercase symbol', { ...valid, equities: [{ symbol: 'abc', tickSizePaise: 5, lotSize: 1, referencePricePaise: 100 }] }],
    [
      'unordered lot table',
      { equities: [], indices: [{ symbol: 'I', referenceLevelPaise: 100, strikeStepPaise: 100, tickSizePaise: 5, lotSizes: [{ fromExpiry: '2025-01-01', lotSize: 1 }, { fromExpiry: '2024-01-01', lotSize: 2 }] }] },
    ],
    ['empty lot table', { equities: [], indices: [{ symbol: 'I', referenceLevelPaise: 100, strikeStepPaise: 100, tickSizePaise: 5, lotSizes: [] }] }],
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
