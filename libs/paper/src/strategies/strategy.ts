import type { InstrumentCatalog, IsoInstant, JsonObject, MarketCalendar, Paise, Side } from '@robo/domain';
import type { Quote, Tick } from '@robo/market-data';
import type { Bar } from './bars';
import type { StrategyIntent } from './order-intent';
import type { PlacedOrder } from './short-straddle';
import type { StrategyContext } from './strategy-context';

/** A fill of one of the strategy's own orders, as the broker reported it. */
export interface StrategyFill {
  orderId: string;
  clientOrderId: string | null;
  instrument: string;
  side: Side;
  quantity: number;
  pricePaise: Paise;
  feesPaise: Paise;
  occurredAt: IsoInstant;
}

/** The strategy's own position in one instrument: signed quantity (short < 0) and the absolute entry value. */
export interface StrategyPosition {
  quantity: number;
  costBasisPaise: Paise;
}

/** What a strategy may look up: reference data and the latest quotes. Nothing here reads a clock. */
export interface StrategyMarket {
  catalog: InstrumentCatalog;
  calendar: MarketCalendar;
  quote(symbol: string): Quote | null;
}

/**
 * Everything one step gives a strategy. `now` is business time (the market step's instant), never the wall clock;
 * `bars` are the bars of the instrument the strategy asked for (see StrategyDefinition.bars) that closed at this step.
 */
export interface StrategyStepInput {
  now: IsoInstant;
  ticks: readonly Tick[];
  bars: readonly Bar[];
  /** Fills of the strategy's own orders since its previous step, oldest first. */
  fills: readonly StrategyFill[];
  /** Its own positions, by instrument (absent = flat). */
  positions: Readonly<Record<string, StrategyPosition>>;
  /** The orders it placed on the IST trading day of `now`, by client order id (how a restart finds its place). */
  placedToday: ReadonlyMap<string, PlacedOrder>;
  market: StrategyMarket;
}

export interface StrategyStepResult<S> {
  state: S;
  intents: StrategyIntent[];
}

/**
 * A JSON Schema (draft 2020-12, as ajv 8 reads it) for the parameters object: `type: 'object'`, its `properties`
 * with their `default`s, `required`, `additionalProperties: false`. Defaults are filled in before `parse` sees them.
 */
export type ParameterSchema = JsonObject & { type: 'object'; properties: JsonObject };

/**
 * A strategy: a pure function of (its state, what happened, its parameters) to (new state, order intents). It never
 * reads a clock, draws random numbers or does I/O: time comes in as `input.now`, and client order ids are derived
 * from the strategy id and business time, so the same inputs always give the same intents (which is what makes a
 * backtest reproducible and a decision repeated after a restart a duplicate, not a second order).
 *
 * The runner (paper trading, a backtest) calls `initialState` once (at start, and after the parameters change),
 * then `step` at every market step; intents become ordinary PlaceOrder / CancelOrder commands with the same pre-trade
 * risk checks as a trader's orders.
 */
export interface StrategyDefinition<P = unknown, S = unknown> {
  /** The `kind` a registered strategy names, e.g. `ma-crossover`: lower case, digits and dashes. */
  kind: string;
  /** One line for people. */
  description: string;
  parameterSchema: ParameterSchema;
  /**
   * Parameters that pass the schema and `parse`: registration makes a dry call with them, so a module that throws or
   * returns something else than `{ state, intents: [] }` is refused before any account trusts it.
   */
  exampleParameters: JsonObject;
  /**
   * Checks what a schema cannot say (fastPeriod < slowPeriod) and returns the typed parameters; throw an Error to
   * refuse. Without it the parameters (with the schema's defaults filled in) are used as they are.
   */
  parse?(parameters: JsonObject): P;
  /** The instrument whose closed bars (of barSeconds) `step` receives in `input.bars`; none: ticks only. */
  bars?(params: P): { instrument: string; barSeconds: number } | null;
  initialState(params: P, context: StrategyContext, input: StrategyStepInput): S;
  step(state: S, input: StrategyStepInput, params: P, context: StrategyContext): StrategyStepResult<S>;
}

/** Spelled out for module authors: `export default defineStrategy({...})` type-checks the definition. */
export function defineStrategy<P, S>(definition: StrategyDefinition<P, S>): StrategyDefinition<P, S> {
  return definition;
}
