import * as fc from 'fast-check';
import { formatRupees } from './rupees';

describe('formatRupees: paise as rupees with Indian digit grouping', () => {
  it.each([
    [0, 'Rs 0.00'],
    [5, 'Rs 0.05'],
    [99, 'Rs 0.99'],
    [100, 'Rs 1.00'],
    [147_503, 'Rs 1,475.03'],
    [99_999, 'Rs 999.99'],
    [100_000, 'Rs 1,000.00'],
    [9_999_999, 'Rs 99,999.99'],
    [10_000_000, 'Rs 1,00,000.00'],
    [80_000_000, 'Rs 8,00,000.00'],
    [999_999_999, 'Rs 99,99,999.99'],
    [1_000_000_000, 'Rs 1,00,00,000.00'],
    [123_456_789_012, 'Rs 1,23,45,67,890.12'],
    [-5, '-Rs 0.05'],
    [-1_146_750, '-Rs 11,467.50'],
    [-100_000_000, '-Rs 10,00,000.00'],
    [Number.MAX_SAFE_INTEGER, 'Rs 9,00,71,99,25,47,409.91'],
    [Number.MIN_SAFE_INTEGER, '-Rs 9,00,71,99,25,47,409.91'],
    [-0, 'Rs 0.00'],
  ])('%d paise -> %s', (paise, text) => {
    expect(formatRupees(paise)).toBe(text);
  });

  it('leaves the unit out on request, and takes bigints', () => {
    expect(formatRupees(80_000_000, { unit: false })).toBe('8,00,000.00');
    expect(formatRupees(-1_146_750, { unit: false })).toBe('-11,467.50');
    expect(formatRupees(10n ** 20n)).toBe('Rs 10,00,00,00,00,00,00,00,000.00');
  });

  it('shows a value that is no safe integer as it is instead of throwing', () => {
    expect(formatRupees(12.5)).toBe('12.5 paise');
    expect(formatRupees(Number.NaN)).toBe('NaN paise');
    expect(formatRupees(2 ** 60)).toBe(`${2 ** 60} paise`);
  });

  it('is exact: removing the grouping and the point gives the paise back, for every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (paise) => {
        const text = formatRupees(paise);
        expect(text).toMatch(/^-?Rs (\d{1,2},)*\d{1,3}\.\d\d$|^-?Rs \d{1,3}\.\d\d$/);
        const back = BigInt(text.replace(/Rs |,|\./g, ''));
        expect(back).toBe(BigInt(paise === 0 ? 0 : paise));
        // The grouping is the one Intl gives for India (on the whole rupees, as a bigint: exact).
        const rupees = (paise < 0 ? -BigInt(paise) : BigInt(paise)) / 100n;
        expect(text.replace(/^-?Rs /, '').split('.')[0]).toBe(rupees.toLocaleString('en-IN'));
      }),
    );
  });
});
