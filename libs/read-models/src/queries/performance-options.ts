import { isIsoDate, type IstDate } from '@robo/domain';
import { InvalidQueryError } from '../errors';
import type { PerformanceOptions } from './performance.types';

export interface ValidOptions {
  from: IstDate | undefined;
  to: IstDate | undefined;
  riskFreeRate: number;
  capitalPaise: number | undefined;
  tradingDays: readonly IstDate[];
}

/** Options come from a query string: anything malformed is INVALID_QUERY (400), never a wrong figure. */
export function validated(options: PerformanceOptions = {}): ValidOptions {
  const { from, to, riskFreeRate = 0, capitalPaise, tradingDays = [] } = options;
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (value !== undefined && !isIsoDate(value)) throw new InvalidQueryError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`, { [name]: value });
  }
  if (from !== undefined && to !== undefined && from > to) throw new InvalidQueryError(`from ${from} is after to ${to}`, { from, to });
  if (typeof riskFreeRate !== 'number' || !Number.isFinite(riskFreeRate) || riskFreeRate <= -1 || riskFreeRate > 1) {
    throw new InvalidQueryError('riskFreeRate must be an annual rate as a fraction, above -1 and at most 1', { riskFreeRate });
  }
  if (capitalPaise !== undefined && (!Number.isSafeInteger(capitalPaise) || capitalPaise <= 0)) {
    throw new InvalidQueryError('capitalPaise must be a positive integer amount of paise', { capitalPaise });
  }
  const badDay = tradingDays.find((d) => !isIsoDate(d));
  if (badDay !== undefined) throw new InvalidQueryError(`tradingDays must be dates YYYY-MM-DD, got ${JSON.stringify(badDay)}`);
  return { from, to, riskFreeRate, capitalPaise, tradingDays };
}
