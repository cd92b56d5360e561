import type { IstDate, Paise } from '../common/types';

export type Segment = 'EQ' | 'FUT' | 'OPT';
export type OptionType = 'CE' | 'PE';

export interface Instrument {
  /** The trading symbol, e.g. `RELIANCE` or `NIFTY 2026-12-31 24000 CE`. */
  symbol: string;
  exchange: 'NSE';
  segment: Segment;
  tickSizePaise: Paise;
  lotSize: number;
  /** Price used to value MARKET orders until a trade has been seen. */
  referencePricePaise: Paise;
  underlying: string | null;
  expiry: IstDate | null;
  strikePaise: Paise | null;
  optionType: OptionType | null;
}
