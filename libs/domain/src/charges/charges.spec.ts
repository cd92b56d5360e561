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

describe('computeCharges on the current schedule (from 2024-10-01), one hand-computed case per kind of trade', () => {
  it('schedule in force on 2025-06-02 is the one from 2024-10-01', () => {
    expect(current.effectiveFrom).toBe('2024-10-01');
  });

  it('intraday equity buy of 100 x 2,500.00 rupees', () => {
    // turnover = 100 x 250000 = 25,000,000 paise
    // brokerage = min(25,000,000 x 0.03% = 7500, 2000) = 2000
    // STT = 0 (intraday STT is on the sell side only)
    // exchange = 25,000,000 x Rs 2.97 per lakh (0.00297%) = 742.5 -> 743 (half away from zero)
    // SEBI = 25,000,000 x Rs 10 per crore (0.0001%) = 25
    // stamp = 25,000,000 x 0.003% = 750
    // GST = 18% x (2000 + 743 + 25 = 2768) = 498.24 -> 498
    // total = 2000 + 0 + 743 + 25 + 750 + 498 = 4016
    expect(computeCharges({ side: 'BUY', product: 'MIS', segment: 'EQ', quantity: 100, pricePaise: 250000 }, current)).toEqual({
      brokeragePaise: 2000,
      sttPaise: 0,
      exchangePaise: 743,
      sebiPaise: 25,
      stampPaise: 750,
      gstPaise: 498,
      totalPaise: 4016,
    });
  });

  it('the matching intraday sell pays STT and no stamp duty', () => {
    // turnover = 25,000,000; brokerage 2000; exchange 743; SEBI 25; GST 498 (as for the buy)
    // STT = 25,000,000 x 0.025% = 6250; stamp = 0 on a sell
    // total = 2000 + 6250 + 743 + 25 + 0 + 498 = 9516
    expect(computeCharges({ side: 'SELL', product: 'MIS', segment: 'EQ', quantity: 100, pricePaise: 250000 }, current)).toEqual({
      brokeragePaise: 2000,
      sttPaise: 6250,
      exchangePaise: 743,
      sebiPaise: 25,
      stampPaise: 0,
      gstPaise: 498,
      totalPaise: 9516,
    });
  });

  it('the same intraday buy on 2024-09-30 paid NSE\'s older 0.00345%', () => {
    // exchange = 25,000,000 x 0.00345% = 862.5 -> 863; GST = 18% x (2000 + 863 + 25 = 2888) = 519.84 -> 520
    // total = 2000 + 0 + 863 + 25 + 750 + 520 = 4158
    const charges = computeCharges({ side: 'BUY', product: 'MIS', segment: 'EQ', quantity: 100, pricePaise: 250000 }, scheduleFor('2024-09-30', CHARGE_SCHEDULES));
    expect(charges).toMatchObject({ exchangePaise: 863, gstPaise: 520, totalPaise: 4158 });
  });

  it('a small intraday trade pays percentage brokerage under the cap', () => {
    // turnover = 10 x 10000 = 100,000 paise; brokerage = 100,000 x 0.03% = 30 (< 2000)
    // exchange = 100,000 x 0.00297% = 2.97 -> 3; SEBI = 0.1 -> 0; stamp = 100,000 x 0.003% = 3
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
    // exchange = 1,234,550 x 0.00297% = 36.666135 -> 37; SEBI = 1.23455 -> 1
    // stamp = 1,234,550 x 0.015% = 185.1825 -> 185
    // GST = 18% x (0 + 37 + 1 = 38) = 6.84 -> 7; total = 0 + 1235 + 37 + 1 + 185 + 7 = 1465
    expect(computeCharges({ side: 'BUY', product: 'CNC', segment: 'EQ', quantity: 10, pricePaise: 123455 }, current)).toEqual({
      brokeragePaise: 0,
      sttPaise: 1235,
      exchangePaise: 37,
      sebiPaise: 1,
      stampPaise: 185,
      gstPaise: 7,
      totalPaise: 1465,
    });
  });

  it('delivery sell pays STT too but no stamp duty', () => {
    // same turnover 1,234,550: STT 1235, exchange 37, SEBI 1, GST 7, stamp 0; total = 1235 + 37 + 1 + 7 = 1280
    const charges = computeCharges({ side: 'SELL', product: 'CNC', segment: 'EQ', quantity: 10, pricePaise: 123455 }, current);
    expect(charges).toEqual({ brokeragePaise: 0, sttPaise: 1235, exchangePaise: 37, sebiPaise: 1, stampPaise: 0, gstPaise: 7, totalPaise: 1280 });
  });

  it('option sell of one NIFTY lot (65) x 120.50 premium (STT 0.1% of premium)', () => {
    // turnover = 65 x 12050 = 783,250 paise of premium
    // brokerage = flat 2000; STT = 783,250 x 0.1% = 783.25 -> 783
    // exchange = 783,250 x Rs 35.03 per lakh (0.03503%) = 274.372475 -> 274; SEBI = 0.78325 -> 1; stamp 0 (sell)
    // GST = 18% x (2000 + 274 + 1 = 2275) = 409.5 -> 410 (half away from zero)
    // total = 2000 + 783 + 274 + 1 + 0 + 410 = 3468
    expect(computeCharges({ side: 'SELL', product: 'NRML', segment: 'OPT', quantity: 65, pricePaise: 12050 }, current)).toEqual({
      brokeragePaise: 2000,
      sttPaise: 783,
      exchangePaise: 274,
      sebiPaise: 1,
      stampPaise: 0,
      gstPaise: 410,
      totalPaise: 3468,
    });
  });

  it('the same option sell on 2024-09-30 paid the older 0.0625% STT and 0.053% exchange charge', () => {
    // STT = 783,250 x 0.0625% = 489.53125 -> 490; exchange = 783,250 x 0.053% = 415.1225 -> 415
    // GST = 18% x (2000 + 415 + 1 = 2416) = 434.88 -> 435; total = 2000 + 490 + 415 + 1 + 0 + 435 = 3341
    const schedule = scheduleFor('2024-09-30', CHARGE_SCHEDULES);
    const charges = computeCharges({ side: 'SELL', product: 'NRML', segment: 'OPT', quantity: 65, pricePaise: 12050 }, schedule);
    expect(charges).toEqual({ brokeragePaise: 2000, sttPaise: 490, exchangePaise: 415, sebiPaise: 1, stampPaise: 0, gstPaise: 435, totalPaise: 3341 });
  });

  it('option buy pays flat brokerage and stamp duty, no STT', () => {
    // turnover = 783,250; stamp = 783,250 x 0.003% = 23.4975 -> 23; exchange 274; SEBI 1; GST 410
    // total = 2000 + 0 + 274 + 1 + 23 + 410 = 2708
    const charges = computeCharges({ side: 'BUY', product: 'MIS', segment: 'OPT', quantity: 65, pricePaise: 12050 }, current);
    expect(charges).toEqual({ brokeragePaise: 2000, sttPaise: 0, exchangePaise: 274, sebiPaise: 1, stampPaise: 23, gstPaise: 410, totalPaise: 2708 });
  });

  it('futures buy and sell of one NIFTY lot (65) x 24,000.00', () => {
    // turnover = 65 x 2,400,000 = 156,000,000 paise
    // brokerage = min(46,800, 2000) = 2000; exchange = 156,000,000 x Rs 1.73 per lakh (0.00173%) = 2698.8 -> 2699
    // SEBI = 156,000,000 x 0.0001% = 156
    // buy: stamp = 156,000,000 x 0.002% = 3120; GST = 18% x (2000 + 2699 + 156 = 4855) = 873.9 -> 874
    //      total = 2000 + 0 + 2699 + 156 + 3120 + 874 = 8849
    // sell: STT = 156,000,000 x 0.02% = 31,200; total = 2000 + 31200 + 2699 + 156 + 0 + 874 = 36929
    const buy = computeCharges({ side: 'BUY', product: 'NRML', segment: 'FUT', quantity: 65, pricePaise: 2_400_000 }, current);
    const sell = computeCharges({ side: 'SELL', product: 'NRML', segment: 'FUT', quantity: 65, pricePaise: 2_400_000 }, current);
    expect(buy).toEqual({ brokeragePaise: 2000, sttPaise: 0, exchangePaise: 2699, sebiPaise: 156, stampPaise: 3120, gstPaise: 874, totalPaise: 8849 });
    expect(sell).toEqual({ brokeragePaise: 2000, sttPaise: 31200, exchangePaise: 2699, sebiPaise: 156, stampPaise: 0, gstPaise: 874, totalPaise: 36929 });
  });

  it('futures before 2024-10-01: STT 0.0125% and exchange 0.002%', () => {
    // STT = 156,000,000 x 0.0125% = 19,500; exchange = 156,000,000 x 0.002% = 3120
    const sell = computeCharges({ side: 'SELL', product: 'NRML', segment: 'FUT', quantity: 65, pricePaise: 2_400_000 }, scheduleFor('2024-09-30', CHARGE_SCHEDULES));
    expect(sell).toMatchObject({ sttPaise: 19500, exchangePaise: 3120 });
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

  it('rejects a schedule that does not name the source of every group of lines', () => {
    expect(codeOf(() => parseChargeSchedules([valid]))).toBeUndefined();
    expect(codeOf(() => parseChargeSchedules([{ ...valid, sources: { ...valid.sources, exchange: ' ' } }]))).toBe('CHARGE_SCHEDULE_INVALID');
    const { stamp: _stamp, ...withoutStamp } = valid.sources;
    expect(codeOf(() => parseChargeSchedules([{ ...valid, sources: withoutStamp as never }]))).toBe('CHARGE_SCHEDULE_INVALID');
    const { sources: _sources, ...withoutSources } = valid;
    expect(codeOf(() => parseChargeSchedules([withoutSources]))).toBe('CHARGE_SCHEDULE_INVALID');
  });
});
