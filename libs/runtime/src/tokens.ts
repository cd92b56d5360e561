export const INSTRUMENTS = Symbol('INSTRUMENTS');
export const MARKET_CALENDAR = Symbol('MARKET_CALENDAR');
/** The dated charge schedules in force (bundled, or CHARGES_FILE): `readonly ChargeSchedule[]`. */
export const CHARGE_SCHEDULES_IN_FORCE = Symbol('CHARGE_SCHEDULES_IN_FORCE');
