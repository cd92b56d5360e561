import {
  formatRupees,
  applyBasisPoints,
  DEFAULT_MIS_CUTOFFS,
  istTimeOffset,
  NSE_SESSIONS,
  InvalidCommand,
  istTradingDay,
  lotSizeForExpiry,
  marketPhase,
  optionSymbol,
  parseHhMm,
  toIst,
  type IndexData,
  type IsoInstant,
  type IstDate,
  type JsonObject,
  type MarketCalendar,
  type OptionType,
  type Paise,
  type Weekday,
} from '@robo/domain';
import { atmStrike, weeklyExpiries } from '@robo/market-data';
import { deterministicId } from '../ids';
import type { OrderIntent, StrategyIntent } from './order-intent';
import type { StrategyContext } from './strategy-context';
import type { StrategyDefinition } from './strategy';

export interface ShortStraddleParams {
  /** The index whose weekly options are sold, e.g. NIFTY. */
  underlying: string;
  /** Lots sold per leg. */
  lots: number;
  /** IST `HH:MM`: sell the straddle at or after this time (not before the open settles). */
  entryTime: string;
  /** IST `HH:MM`: buy back whatever is still open; keep it before the derivatives MIS cut-off (15:25). */
  exitTime: string;
  /** Stop-loss per leg, percent of the leg's entry premium: 30 puts a buy stop at premium x 1.30. */
  stopLossPct: number;
  product: 'MIS' | 'NRML';
  /**
   * A fixed weekly expiry weekday (0 = Sunday ... 6). Unset (the default): the index's dated expiry rules, so the
   * straddle sells contracts the exchange lists (NIFTY weeklies; none for an index without weekly contracts).
   */
  expiryWeekday?: Weekday;
}

/** A leg as the strategy sees its position: signed quantity (short < 0) and the absolute entry value. */
export interface LegPosition {
  quantity: number;
  costBasisPaise: Paise;
}

export interface StraddleLeg {
  optionType: OptionType;
  symbol: string;
  quantity: number;
  /** Client order id of the leg's stop, once placed. */
  stopClientOrderId: string | null;
}

export interface ShortStraddleState {
  /** The IST trading day the state is about; a new day starts WAITING again. */
  day: IstDate | null;
  phase: 'WAITING' | 'ENTERING' | 'ENTERED' | 'DONE';
  legGroupId: string | null;
  legs: StraddleLeg[];
}

export const initialShortStraddleState: ShortStraddleState = { day: null, phase: 'WAITING', legGroupId: null, legs: [] };

export interface ShortStraddleInput {
  now: IsoInstant;
  /** The index level now. */
  spotPaise: Paise;
  index: IndexData;
  calendar: MarketCalendar;
  /** The strategy's positions in its legs, by symbol (absent = flat). */
  legs: Readonly<Record<string, LegPosition>>;
}

export interface ShortStraddleDecision {
  state: ShortStraddleState;
  intents: StrategyIntent[];
}

/**
 * Short straddle on the index's nearest weekly expiry, one basket a day:
 * 1. at entryTime (normal market, trading day): sell the at-the-money CE and PE, lots x lot size each, as one
 *    basket (same legGroupId), MARKET;
 * 2. as each leg's sale shows in its position, place its stop: an SL-M BUY for the leg's quantity with trigger =
 *    entry premium x (1 + stopLossPct / 100), rounded up to the tick (a stop rounds against the trader);
 * 3. at exitTime: cancel the stops and buy back every leg still short, MARKET.
 * A leg whose stop fired is flat and is not bought back again. Client order ids derive from the strategy, the day
 * and the leg, so a decision repeated after a restart is refused as a duplicate instead of doubling the position.
 */
export function shortStraddleStep(
  state: ShortStraddleState,
  input: ShortStraddleInput,
  params: ShortStraddleParams,
  context: StrategyContext,
): ShortStraddleDecision {
  if (input.index.symbol !== params.underlying) {
    throw new InvalidCommand('STRATEGY_INPUT_INVALID', `short straddle on ${params.underlying} was given ${input.index.symbol} index data`);
  }
  const day = istTradingDay(input.now);
  const current: ShortStraddleState = state.day === day ? state : { ...initialShortStraddleState, day };
  const idle = { state: current, intents: [] };
  if (marketPhase(input.now, input.calendar).phase !== 'OPEN') return idle;
  const minutes = toIst(input.now).minutes;
  const entry = parseHhMm(params.entryTime)!;
  const exit = parseHhMm(params.exitTime)!;

  if (current.phase === 'WAITING') {
    if (minutes < entry || minutes >= exit) return idle;
    return enter(current, input, params, context, day);
  }
  if (current.phase === 'DONE') return idle;
  if (minutes >= exit) return leave(current, input, params, context);
  return protect(current, input, params, context);
}

/** An order the strategy placed, as the log recorded it. */
export interface PlacedOrder {
  instrument: string;
  quantity: number;
}

/**
 * The state the straddle reached on the trading day of `now`, from the orders it placed that day (by client order
 * id): a restart goes on with the day's basket (stops, exit) instead of selling a second one under the same ids.
 */
export function restoreShortStraddleState(strategyId: string, now: IsoInstant, placed: ReadonlyMap<string, PlacedOrder>): ShortStraddleState {
  const day = istTradingDay(now);
  const legGroupId = deterministicId(strategyId, 'straddle', day);
  const legs: StraddleLeg[] = [];
  for (const optionType of ['CE', 'PE'] as const) {
    const entry = placed.get(deterministicId(legGroupId, 'entry', optionType));
    if (!entry) continue;
    const stop = deterministicId(legGroupId, 'stop', optionType);
    legs.push({ optionType, symbol: entry.instrument, quantity: entry.quantity, stopClientOrderId: placed.has(stop) ? stop : null });
  }
  if (legs.length === 0) return { ...initialShortStraddleState, day };
  const exited = legs.some((leg) => placed.has(deterministicId(legGroupId, 'exit', leg.optionType)));
  const phase = exited ? 'DONE' : legs.every((leg) => leg.stopClientOrderId !== null) ? 'ENTERED' : 'ENTERING';
  return { day, phase, legGroupId, legs };
}

function enter(state: ShortStraddleState, input: ShortStraddleInput, params: ShortStraddleParams, context: StrategyContext, day: IstDate): ShortStraddleDecision {
  const rules = params.expiryWeekday === undefined ? { rules: input.index.expiryRules } : { weekday: params.expiryWeekday };
  const [expiry] = weeklyExpiries(input.now, 1, { ...rules, calendar: input.calendar });
  const lotSize = expiry === undefined ? null : lotSizeForExpiry(input.index, expiry);
  if (expiry === undefined || lotSize === null) return { state: { ...state, phase: 'DONE' }, intents: [] };
  const strike = atmStrike(input.spotPaise, input.index.strikeStepPaise);
  const legGroupId = deterministicId(context.strategyId, 'straddle', day);
  const quantity = params.lots * lotSize;
  const legs: StraddleLeg[] = (['CE', 'PE'] as const).map((optionType) => ({
    optionType,
    symbol: optionSymbol(params.underlying, expiry, strike, optionType),
    quantity,
    stopClientOrderId: null,
  }));
  const intents = legs.map(
    (leg): OrderIntent => ({
      ...order(context, legGroupId, 'entry', leg),
      side: 'SELL',
      orderType: 'MARKET',
      triggerPricePaise: null,
      product: params.product,
      reason: `short straddle: sell ${leg.symbol} at ${formatRupees(input.spotPaise)} spot`,
    }),
  );
  return { state: { ...state, phase: 'ENTERING', legGroupId, legs }, intents };
}

function protect(state: ShortStraddleState, input: ShortStraddleInput, params: ShortStraddleParams, context: StrategyContext): ShortStraddleDecision {
  const intents: OrderIntent[] = [];
  const legs = state.legs.map((leg) => {
    const position = input.legs[leg.symbol];
    // Wait until the whole sale shows: a stop for part of the leg would leave the rest unprotected.
    if (leg.stopClientOrderId !== null || !position || position.quantity !== -leg.quantity) return leg;
    const tick = input.index.tickSizePaise;
    // entry value x (100 + pct)% in paise, then per unit and up to the tick
    const stopValue = applyBasisPoints(position.costBasisPaise, Math.round((100 + params.stopLossPct) * 100));
    const trigger = Math.ceil(stopValue / (leg.quantity * tick)) * tick;
    const stop: OrderIntent = {
      ...order(context, state.legGroupId!, 'stop', leg),
      side: 'BUY',
      orderType: 'SL-M',
      triggerPricePaise: trigger,
      product: params.product,
      reason: `short straddle: stop-loss for ${leg.symbol} at ${formatRupees(trigger)}`,
    };
    intents.push(stop);
    return { ...leg, stopClientOrderId: stop.clientOrderId };
  });
  const phase = legs.every((l) => l.stopClientOrderId !== null) ? 'ENTERED' : state.phase;
  return { state: { ...state, legs, phase }, intents };
}

function leave(state: ShortStraddleState, input: ShortStraddleInput, params: ShortStraddleParams, context: StrategyContext): ShortStraddleDecision {
  const intents: StrategyIntent[] = [];
  for (const leg of state.legs) {
    // A stop that already fired cannot be cancelled; the runner may ignore that refusal.
    if (leg.stopClientOrderId !== null) {
      intents.push({ kind: 'CANCEL', clientOrderId: leg.stopClientOrderId, accountId: context.accountId, strategyId: context.strategyId, reason: 'short straddle: exit time' });
    }
  }
  for (const leg of state.legs) {
    const short = -(input.legs[leg.symbol]?.quantity ?? 0);
    if (short <= 0) continue;
    intents.push({
      ...order(context, state.legGroupId!, 'exit', { ...leg, quantity: short }),
      side: 'BUY',
      orderType: 'MARKET',
      triggerPricePaise: null,
      product: params.product,
      reason: `short straddle: exit time, buy back ${leg.symbol}`,
    });
  }
  return { state: { ...state, phase: 'DONE' }, intents };
}

/**
 * The straddle's defaults: enter 5 minutes after the normal market opens (09:20 IST), exit 15 minutes before the
 * options' MIS square-off (15:10 IST) so the strategy, not the broker, closes the legs; a 30% stop per leg.
 */
export const SHORT_STRADDLE_DEFAULTS = {
  lots: 1,
  entryTime: istTimeOffset(NSE_SESSIONS.OPEN.from, 5),
  exitTime: istTimeOffset(DEFAULT_MIS_CUTOFFS.derivatives, -15),
  stopLossPct: 30,
  product: 'MIS',
} as const;

/** The fields every leg order shares. */
function order(context: StrategyContext, legGroupId: string, step: string, leg: StraddleLeg): Omit<OrderIntent, 'side' | 'orderType' | 'triggerPricePaise' | 'product' | 'reason'> {
  return {
    kind: 'PLACE',
    clientOrderId: deterministicId(legGroupId, step, leg.optionType),
    accountId: context.accountId,
    instrument: leg.symbol,
    quantity: leg.quantity,
    limitPricePaise: null,
    validity: 'DAY',
    strategyId: context.strategyId,
    legGroupId,
  };
}

/** Reads and checks the parameters stored on the strategy aggregate. */
export function parseShortStraddleParams(raw: JsonObject): ShortStraddleParams {
  const problems: string[] = [];
  const underlying = raw.underlying ?? 'NIFTY';
  if (typeof underlying !== 'string' || !/^[A-Z][A-Z0-9&-]*$/.test(underlying)) problems.push('underlying must be an index symbol');
  const lots = raw.lots ?? SHORT_STRADDLE_DEFAULTS.lots;
  if (typeof lots !== 'number' || !Number.isSafeInteger(lots) || lots <= 0 || lots > 100) problems.push('lots must be an integer from 1 to 100');
  const time = (name: string, fallback: string): string => {
    const value = raw[name] ?? fallback;
    if (typeof value !== 'string' || parseHhMm(value) === null) problems.push(`${name} must be HH:MM`);
    return value as string;
  };
  const entryTime = time('entryTime', SHORT_STRADDLE_DEFAULTS.entryTime);
  const exitTime = time('exitTime', SHORT_STRADDLE_DEFAULTS.exitTime);
  if (problems.length === 0 && parseHhMm(entryTime)! >= parseHhMm(exitTime)!) problems.push('entryTime must be before exitTime');
  const stopLossPct = raw.stopLossPct ?? SHORT_STRADDLE_DEFAULTS.stopLossPct;
  if (typeof stopLossPct !== 'number' || !Number.isFinite(stopLossPct) || stopLossPct <= 0 || stopLossPct > 1000 || Math.abs(stopLossPct * 100 - Math.round(stopLossPct * 100)) > 1e-9) {
    problems.push('stopLossPct must be a number in (0, 1000] with at most two decimals');
  }
  const product = raw.product ?? SHORT_STRADDLE_DEFAULTS.product;
  if (product !== 'MIS' && product !== 'NRML') problems.push('product must be MIS or NRML');
  const expiryWeekday = raw.expiryWeekday;
  if (expiryWeekday !== undefined && (typeof expiryWeekday !== 'number' || !Number.isInteger(expiryWeekday) || expiryWeekday < 0 || expiryWeekday > 6)) {
    problems.push('expiryWeekday must be 0..6');
  }
  if (problems.length > 0) throw new InvalidCommand('STRATEGY_PARAMETERS_INVALID', `short-straddle: ${problems.join('; ')}`, { problems });
  return {
    underlying: underlying as string,
    lots: lots as number,
    entryTime,
    exitTime,
    stopLossPct: stopLossPct as number,
    product: product as 'MIS' | 'NRML',
    ...(expiryWeekday === undefined ? {} : { expiryWeekday: expiryWeekday as Weekday }),
  };
}

/** The short straddle as a strategy module (see strategy.ts): it reads the index's spot from the market each step. */
export const shortStraddleStrategy: StrategyDefinition<ShortStraddleParams, ShortStraddleState> = {
  kind: 'short-straddle',
  description: 'Sells the at-the-money weekly CE and PE of an index at entryTime, a stop-loss per leg, buys back at exitTime',
  parameterSchema: {
    type: 'object',
    properties: {
      underlying: { type: 'string', pattern: '^[A-Z][A-Z0-9&-]*$', default: 'NIFTY', description: 'the index' },
      lots: { type: 'integer', minimum: 1, maximum: 100, default: SHORT_STRADDLE_DEFAULTS.lots, description: 'lots sold per leg' },
      entryTime: { type: 'string', pattern: '^\\d{2}:\\d{2}$', default: SHORT_STRADDLE_DEFAULTS.entryTime, description: 'IST HH:MM to sell' },
      exitTime: { type: 'string', pattern: '^\\d{2}:\\d{2}$', default: SHORT_STRADDLE_DEFAULTS.exitTime, description: 'IST HH:MM to buy back' },
      stopLossPct: { type: 'number', exclusiveMinimum: 0, maximum: 1000, default: SHORT_STRADDLE_DEFAULTS.stopLossPct, description: 'stop per leg, percent of its premium' },
      product: { enum: ['MIS', 'NRML'], default: SHORT_STRADDLE_DEFAULTS.product },
      expiryWeekday: { type: 'integer', minimum: 0, maximum: 6, description: 'a fixed expiry weekday; unset: the index expiry rules' },
    },
  },
  exampleParameters: {},
  parse: parseShortStraddleParams,
  initialState: (_params, context, input) => restoreShortStraddleState(context.strategyId, input.now, input.placedToday),
  step(state, input, params, context) {
    const index = input.market.catalog.indices().find((i) => i.symbol === params.underlying);
    const spot = input.market.quote(params.underlying);
    if (!index || !spot) return { state, intents: [] };
    return shortStraddleStep(state, { now: input.now, spotPaise: spot.lastPaise, index, calendar: input.market.calendar, legs: input.positions }, params, context);
  },
};
