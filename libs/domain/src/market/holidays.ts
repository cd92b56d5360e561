import type { IstDate } from '../common/types';
import holidayData from './data/nse-holidays.json';

/**
 * The default NSE holiday list (see the note in data/nse-holidays.json: partial, fixed-date
 * holidays only). Production configuration should pass the exchange's published list.
 */
export const DEFAULT_NSE_HOLIDAYS: readonly IstDate[] = Object.freeze([...holidayData.holidays]);
