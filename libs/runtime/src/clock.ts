/** The clocks live in @robo/clock (the one module that reads the wall clock); here are their Nest tokens. */
export { SimulatedClock, SteeredClock, SystemClock, systemWallClock, type Clock, type WallClock } from '@robo/clock';

/** Business time (a Clock): what commands and events are dated with. */
export const CLOCK = Symbol('CLOCK');
/** Wall time (a WallClock): timeouts, leases, backoffs, durations. */
export const WALL_CLOCK = Symbol('WALL_CLOCK');
