export const INSTRUMENTS = Symbol('INSTRUMENTS');
export const MARKET_CALENDAR = Symbol('MARKET_CALENDAR');
