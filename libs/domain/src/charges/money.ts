import type { Paise } from '../common/types';

/**
 * Integer money maths shared by charges, positions and accounts.
 * (It would sit in common/ if that folder were open to this module's owners.)
 *
 * Rounding rule, used everywhere a paise amount is divided: round half away from zero.
 * It is symmetric for credits and debits (a -2.5 paise share rounds to -3, a +2.5 to +3),
 * which keeps a long's and a short's allocations mirror images of each other.
 * The division runs on BigInt so that products such as costBasis x quantity never lose
 * precision beyond Number.MAX_SAFE_INTEGER.
 */
export function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = n / d;
  const remainder = n % d;
  // 2r >= d means the fractional part is at least one half: away from zero.
  const magnitude = 2n * remainder >= d ? quotient + 1n : quotient;
  return negative ? -magnitude : magnitude;
}

/** round(amount x part / whole), half away from zero, exact for any safe-integer inputs. */
export function proRataPaise(amount: Paise, part: number, whole: number): Paise {
  return toSafeNumber(divideRoundHalfAwayFromZero(BigInt(amount) * BigInt(part), BigInt(whole)));
}

export function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${value} is beyond the safe integer range`);
  return n;
}

export const isSafeInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
export const isPositiveSafeInt = (value: unknown): value is number => isSafeInt(value) && value > 0;
export const isNonNegativeSafeInt = (value: unknown): value is number => isSafeInt(value) && value >= 0;
