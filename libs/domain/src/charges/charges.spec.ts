import { DomainError } from '../common/errors';
import { CHARGE_SCHEDULES, parseChargeSchedules, scheduleFor } from './charge-schedule';
import { applyBasisPoints, computeCharges } from './charges';

const current = scheduleFor('2025-06-02', CHARGE_SCHEDULES);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
  return undefined;
}

describe('computeCharges', () => {
  it('intraday equity buy of 100 x 2,500.00 rupees', () => {
    // turnover = 100 x 250000 = 25,000,000 paise
    // brokerage = min(25,000,000 x 0.03% = 7500, 2000) = 2000
    // STT = 0 (intraday STT is on the sell side only)
    // exchange = 25,000,000 x 0.00345% = 862.5 -> 863 (half away from zero)
    // SEBI = 25,000,000 x 0.0001% = 25
    // stamp = 25,000,000 x 0.003% = 750
    // GST = 18% x (2000 + 863 + 25 = 2888) = 519.84 -> 520
    // total = 2000 + 0 + 863 + 25 + 750 + 520 = 4158
    expect(computeCharges({ side: 'BUY', product: 'MIS', segment: 'EQ', quantity: 100, pricePaise: 250000 }, current)).toEqual({
      brokeragePaise: 2000,
      sttPaise: 0,
      exchangePaise: 863,
      sebiPaise: 25,
      stampPaise: 750,
      gstPaise: 520,
      totalPaise: 4158,
    });
  });

  it('the matching intraday sell pays STT and no stamp duty', () => {
    // turnover = 25,000,000; brokerage 2000; exchange 863; SEBI 25; GST 520 (as for the buy)
    // STT = 25,000,000 x 0.025% = 6250; stamp = 0 on a sell
    // total = 2000 + 6250 + 863 + 25 + 0 + 520 = 9658
    expect(computeCharges({ side: 'SELL', product: 'MIS', segment: 'EQ', quantity: 100, pricePaise: 250000 }, current)).toEqual({
      brokeragePaise: 2000,
      sttPaise: 6250,
      exchangePaise: 863,
      sebiPaise: 25,
      stampPaise: 0,
      gstPaise: 520,
      totalPaise: 9658,
    });
  });

  it('a small intraday trade pays percentage brokerage under the cap', () => {
    // turnover = 10 x 10000 = 100,000 paise; brokerage = 100,000 x 0.03% = 30 (< 2000)
    // exchange = 100,000 x 0.00345% = 3.45 -> 3; SEBI = 0.1 -> 0; stamp = 100,000 x 0.003% = 3
    // GST = 18% x (30 + 3 + 0 = 33) = 5.94 -> 6; total = 30 + 0 + 3 + 0 + 3 + 6 = 42
    expect(computeCharges({ side: 'BUY', product: 'MIS', segment: 'EQ', quantity: 10, pricePaise: 10000 }, current)).toEqual({
      brokeragePaise: 30,
      sttPaise: 0,
      exchangePaise: 3,
      sebiPaise: 0,
      stampPaise: 3,
      gstPaise: 6,
      totalPaise: 42,
    });
  });

  it('delivery buy of 10 x 1,234.55 rupees: no brokerage, STT and stamp on the buy', () => {
    // turnover = 10 x 123455 = 1,234,550 paise
    // brokerage = 0; STT = 1,234,550 x 0.1% = 1234.55 -> 1235
    // exchange = 1,234,550 x 0.00345% = 42.591975 -> 43; SEBI = 1.23455 -> 1
    // stamp = 1,234,550 x 0.015% = 185.1825 -> 185
    // GST = 18% x (0 + 43 + 1 = 44) = 7.92 -> 8; total = 0 + 1235 + 43 + 1 + 185 + 8 = 1472
    expect(computeCharges({ side: 'BUY', product: 'CNC', segment: 'EQ', quantity: 10, pricePaise: 123455 }, current)).toEqual({
      brokeragePaise: 0,
      sttPaise: 1235,
      exchangePaise: 43,
      sebiPaise: 1,
      stampPaise: 185,
      gstPaise: 8,
      totalPaise: 1472,
    });
  });

  it('delivery sell pays STT too but no stamp duty', () => {
    // same turnover 1,234,550: STT 1235, exchange 43, SEBI 1, GST 8, stamp 0; total = 1235 + 43 + 1 + 8 = 1287
    const charges = computeCharges({ side: 'SELL', product: 'CNC', segment: 'EQ', quantity: 10, pricePaise: 123455 }, current);
    expect(charges.sttPaise).toBe(1235);
    expect(charges.stampPaise).toBe(0);
    expect(charges.totalPaise).toBe(1287);
  });

  it('option sell of 75 x 120.50 premium from 2024-10-01 (STT 0.1% of premium)', () => {
    // turnover = 75 x 12050 = 903,750 paise
    // brokerage = flat 2000; STT = 903,750 x 0.1% = 903.75 -> 904
    // exchange = 903,750 x 0.03503% = 316.583625 -> 317; SEBI = 0.90375 -> 1; stamp 0 (sell)
    // GST = 18% x (2000 + 317 + 1 = 2318) = 417.24 -> 417
    // total = 2000 + 904 + 317 + 1 + 0 + 417 = 3639
    const schedule = scheduleFor('2024-10-01', CHARGE_SCHEDULES);
    expect(computeCharges({ side: 'SELL', product: 'NRML', segment: 'OPT', quantity: 75, pricePaise: 12050 }, schedule)).toEqual({
      brokeragePaise: 2000,
      sttPaise: 904,
      exchangePaise: 317,
      sebiPaise: 1,
      stampPaise: 0,
      gstPaise: 417,
      totalPaise: 3639,
    });
  });

  it('the same option sell on 2024-09-30 pays the older 0.0625% STT', () => {
    // STT = 903,750 x 0.0625% = 564.84375 -> 565; total = 2000 + 565 + 317 + 1 + 0 + 417 = 3300
    const schedule = scheduleFor('2024-09-30', CHARGE_SCHEDULES);
    const charges = computeCharges({ side: 'SELL', product: 'NRML', segment: 'OPT', quantity: 75, pricePaise: 12050 }, schedule);
    expect(charges.sttPaise).toBe(565);
    expect(charges.totalPaise).toBe(3300);
  });

  it('option buy pays flat brokerage and stamp duty, no STT', () => {
    // turnover = 903,750; stamp = 903,750 x 0.003% = 27.1125 -> 27; exchange 317; SEBI 1; GST 417
    // total = 2000 + 0 + 317 + 1 + 27 + 417 = 2762
    const charges = computeCharges({ side: 'BUY', product: 'MIS', segment: 'OPT', quantity: 75, pricePaise: 12050 }, current);
    expect(charges).toEqual({ brokeragePaise: 2000, sttPaise: 0, exchangePaise: 317, sebiPaise: 1, stampPaise: 27, gstPaise: 417, totalPaise: 2762 });
  });

  it('futures buy and sell of 75 x 24,000.00', () => {
    // turnover = 75 x 2,400,000 = 180,000,000 paise
    // brokerage = min(54,000, 2000) = 2000; exchange = 180,000,000 x 0.0019% = 3420; SEBI = 180
    // buy: stamp = 180,000,000 x 0.002% = 3600; GST = 18% x (2000 + 3420 + 180 = 5600) = 1008
    //      total = 2000 + 0 + 3420 + 180 + 3600 + 1008 = 10208
    // sell: STT = 180,000,000 x 0.02% = 36,000; total = 2000 + 36000 + 3420 + 180 + 0 + 1008 = 42608
    const buy = computeCharges({ side: 'BUY', product: 'NRML', segment: 'FUT', quantity: 75, pricePaise: 2_400_000 }, current);
    const sell = computeCharges({ side: 'SELL', product: 'NRML', segment: 'FUT', quantity: 75, pricePaise: 2_400_000 }, current);
    expect(buy).toEqual({ brokeragePaise: 2000, sttPaise: 0, exchangePaise: 3420, sebiPaise: 180, stampPaise: 3600, gstPaise: 1008, totalPaise: 10208 });
    expect(sell.sttPaise).toBe(36000);
    expect(sell.totalPaise).toBe(42608);
  });

  it('futures STT before 2024-10-01 was 0.0125%', () => {
    // 180,000,000 x 0.0125% = 22,500
    const sell = computeCharges({ side: 'SELL', product: 'NRML', segment: 'FUT', quantity: 75, pricePaise: 2_400_000 }, scheduleFor('2024-09-30', CHARGE_SCHEDULES));
    expect(sell.sttPaise).toBe(22500);
  });

  it('refuses products that do not apply to the segment, and bad quantities or prices', () => {
    expect(codeOf(() => computeCharges({ side: 'BUY', product: 'NRML', segment: 'EQ', quantity: 1, pricePaise: 100 }, current))).toBe('PRODUCT_NOT_ALLOWED');
    expect(codeOf(() => computeCharges({ side: 'BUY', product: 'CNC', segment: 'OPT', quantity: 1, pricePaise: 100 }, current))).toBe('PRODUCT_NOT_ALLOWED');
    expect(codeOf(() => computeCharges({ side: 'BUY', product: 'CNC', segment: 'FUT', quantity: 1, pricePaise: 100 }, current))).toBe('PRODUCT_NOT_ALLOWED');
    expect(codeOf(() => computeCharges({ side: 'BUY', product: 'CNC', segment: 'EQ', quantity: 0, pricePaise: 100 }, current))).toBe('QUANTITY_INVALID');
    expect(codeOf(() => computeCharges({ side: 'BUY', product: 'CNC', segment: 'EQ', quantity: 1.5, pricePaise: 100 }, current))).toBe('QUANTITY_INVALID');
    expect(codeOf(() => computeCharges({ side: 'BUY', product: 'CNC', segment: 'EQ', quantity: 1, pricePaise: 10.5 }, current))).toBe('PRICE_INVALID');
  });
});

describe('applyBasisPoints', () => {
  it('uses the decimal as written, so float artefacts never shift a rounding', () => {
    // 1.15 bp of 100,000 = 11.5 -> 12 exactly; in floats 100000 x 1.15 / 10000 = 11.499999999999998 -> 11
    expect(applyBasisPoints(100_000, 1.15)).toBe(12);
    // 0.345 bp of 1,000,000 = 34.5 -> 35
    expect(applyBasisPoints(1_000_000, 0.345)).toBe(35);
    // 2.5 bp of 1,000,000 = 250; 1e-7 bp of 10^11 = 1 (exponent notation parsed too)
    expect(applyBasisPoints(1_000_000, 2.5)).toBe(250);
    expect(applyBasisPoints(100_000_000_000, 1e-7)).toBe(1);
  });
});

describe('scheduleFor', () => {
  it('picks the latest schedule whose effectiveFrom is not after the date', () => {
    expect(scheduleFor('2024-10-01', CHARGE_SCHEDULES).effectiveFrom).toBe('2024-10-01');
    expect(scheduleFor('2024-09-30', CHARGE_SCHEDULES).effectiveFrom).toBe('2023-04-01');
    expect(scheduleFor('2030-01-01', CHARGE_SCHEDULES).effectiveFrom).toBe('2024-10-01');
  });

  it('fails for a date before every schedule, and for a malformed date', () => {
    expect(codeOf(() => scheduleFor('2020-01-01', CHARGE_SCHEDULES))).toBe('CHARGE_SCHEDULE_NOT_FOUND');
    expect(codeOf(() => scheduleFor('2024-10-01T10:00:00Z', CHARGE_SCHEDULES))).toBe('DATE_INVALID');
  });
});

describe('parseChargeSchedules', () => {
  const valid = CHARGE_SCHEDULES[0];

  it('sorts schedules by effectiveFrom', () => {
    const parsed = parseChargeSchedules([CHARGE_SCHEDULES[1], CHARGE_SCHEDULES[0]]);
    expect(parsed.map((s) => s.effectiveFrom)).toEqual(['2023-04-01', '2024-10-01']);
  });

  it('rejects a negative rate, a missing field, duplicate dates and an empty list', () => {
    expect(codeOf(() => parseChargeSchedules([{ ...valid, sebiBp: -1 }]))).toBe('CHARGE_SCHEDULE_INVALID');
    expect(codeOf(() => parseChargeSchedules([{ ...valid, stt: { ...valid.stt, optionsSellBp: undefined } }]))).toBe('CHARGE_SCHEDULE_INVALID');
    expect(codeOf(() => parseChargeSchedules([{ ...valid, brokerage: { ...valid.brokerage, capPaise: 20.5 } }]))).toBe('CHARGE_SCHEDULE_INVALID');
    expect(codeOf(() => parseChargeSchedules([valid, { ...valid }]))).toBe('CHARGE_SCHEDULE_INVALID');
    expect(codeOf(() => parseChargeSchedules({ schedules: [] }))).toBe('CHARGE_SCHEDULE_INVALID');
  });
});
