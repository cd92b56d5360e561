import { InstrumentCatalog, type DomainError } from '@robo/domain';
import { atmStrike, buildOptionChain, optionPremiumPaise } from './option-chain';

const catalog = new InstrumentCatalog();
const [nifty, banknifty] = catalog.indices();
const pricing = { volatility: 0.13, rate: 0.065 };

describe('option chain', () => {
  // One week before expiry: T = 7 / 365 = 0.0191781 years; spot 26,000.00 = 2,600,000 paise
  const chain = buildOptionChain({ index: nifty, spotPaise: 2_600_000, now: '2026-11-17T15:30:00+05:30', expiry: '2026-11-24', strikesEachSide: 2, ...pricing });

  it('lists strikes around the money on the 50-rupee grid with the dated lot size (NIFTY 65 from January 2026)', () => {
    expect(chain).toMatchObject({ underlying: 'NIFTY', expiry: '2026-11-24', atmStrikePaise: 2_600_000, lotSize: 65 });
    expect(chain.yearsToExpiry).toBeCloseTo(7 / 365, 15);
    expect(chain.rows.map((r) => r.strikePaise)).toEqual([2_590_000, 2_595_000, 2_600_000, 2_605_000, 2_610_000]);
  });

  it('prices the at-the-money pair with Black-Scholes on the 5-paise grid', () => {
    // d1 = (0 + (0.065 + 0.13^2 / 2) x 0.0191781) / (0.13 x sqrt(0.0191781)) = 0.0014087 / 0.0180034 = 0.078244
    // d2 = 0.078244 - 0.018003 = 0.060241; N(d1) = 0.531183, N(d2) = 0.524018; K e^-rT = 2,600,000 x 0.998754 = 2,596,761
    // call = 2,600,000 x 0.531183 - 2,596,761 x 0.524018 = 20,326.03 -> 20,325 paise (nearest tick)
    // put = call - S + K e^-rT = 20,326.03 - 3,239.08 = 17,086.95 -> 17,085 paise
    const atm = chain.rows[2];
    expect(atm.call).toEqual({ symbol: 'NIFTY 2026-11-24 26000 CE', premiumPaise: 20_325, delta: expect.closeTo(0.531183, 6) });
    expect(atm.put).toEqual({ symbol: 'NIFTY 2026-11-24 26000 PE', premiumPaise: 17_085, delta: expect.closeTo(-0.468817, 6) });
  });

  it('calls cheapen and puts dearen as the strike rises; every premium is on the tick grid and at least one tick', () => {
    const calls = chain.rows.map((r) => r.call.premiumPaise);
    const puts = chain.rows.map((r) => r.put.premiumPaise);
    expect([...calls].sort((a, b) => b - a)).toEqual(calls);
    expect([...puts].sort((a, b) => a - b)).toEqual(puts);
    for (const p of [...calls, ...puts]) expect(p % 5 === 0 && p >= 5).toBe(true);
    // a far out-of-the-money option is worth less than a tick but still quoted at one tick
    expect(optionPremiumPaise(2_600_000, 3_500_000, 'CE', 7 / 365, pricing, 5).premiumPaise).toBe(5);
  });

  it('uses symbols the instrument catalog resolves, with the same lot size', () => {
    for (const row of chain.rows) {
      for (const side of [row.call, row.put]) expect(catalog.get(side.symbol)).toMatchObject({ segment: 'OPT', lotSize: 65, underlying: 'NIFTY', expiry: '2026-11-24' });
    }
  });

  it('BANKNIFTY uses its 100-rupee grid and the lot size of the expiry (30, 35 from July 2025, 30 from January 2026)', () => {
    const now = '2025-06-20T10:00:00+05:30';
    const june = buildOptionChain({ index: banknifty, spotPaise: 5_612_345, now, expiry: '2025-06-26', strikesEachSide: 1, ...pricing });
    expect(june.atmStrikePaise).toBe(5_610_000); // 56,123.45 -> nearest 100: 56,100
    expect(june.rows.map((r) => r.strikePaise)).toEqual([5_600_000, 5_610_000, 5_620_000]);
    expect(june.lotSize).toBe(30);
    expect(buildOptionChain({ index: banknifty, spotPaise: 5_612_345, now, expiry: '2025-07-31', strikesEachSide: 0, ...pricing }).lotSize).toBe(35);
    expect(buildOptionChain({ index: banknifty, spotPaise: 5_612_345, now, expiry: '2026-01-27', strikesEachSide: 0, ...pricing }).lotSize).toBe(30);
  });

  it('refuses an expiry before the lot-size table starts', () => {
    let caught: unknown;
    try {
      buildOptionChain({ index: nifty, spotPaise: 2_400_000, now: '2024-11-01T10:00:00+05:30', expiry: '2024-11-07', strikesEachSide: 1, ...pricing });
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).code).toBe('LOT_SIZE_UNKNOWN');
  });

  it('rounds the at-the-money strike half up', () => {
    expect(atmStrike(2_602_500, 5000)).toBe(2_605_000);
    expect(atmStrike(2_602_499, 5000)).toBe(2_600_000);
  });
});
