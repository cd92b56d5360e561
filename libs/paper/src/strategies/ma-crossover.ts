import { formatRupees, InvalidCommand, type IsoInstant, type JsonObject, type Paise } from '@robo/domain';
import { deterministicId } from '../ids';
import type { OrderIntent } from './order-intent';
import { compactInstant, type StrategyContext } from './strategy-context';
import type { StrategyDefinition, StrategyStepResult } from './strategy';

export interface MaCrossoverParams {
  instrument: string;
  /** Bars in the fast and the slow simple moving average (fast < slow). */
  fastPeriod: number;
  slowPeriod: number;
  /** Bar length the runner aggregates ticks into; default 60 seconds. */
  barSeconds: number;
  /** MIS (intraday, squared off by the broker) or CNC (delivery); default MIS. */
  product: 'MIS' | 'CNC';
  /** false (default): long or flat. true: long or short (MIS only: delivery cannot be sold short). */
  allowShort: boolean;
}

export interface MaCrossoverState {
  /** The last slowPeriod closes, oldest first. */
  closes: Paise[];
  /** Where the fast average was against the slow one at the last bar that told them apart. */
  relation: 'ABOVE' | 'BELOW' | null;
}

export const initialMaCrossoverState: MaCrossoverState = { closes: [], relation: null };

export interface MaCrossoverDecision {
  state: MaCrossoverState;
  signal: 'BUY' | 'SELL' | null;
  intents: OrderIntent[];
}

/**
 * Moving-average crossover on closed bars. When the fast SMA crosses above the slow one the strategy goes long
 * floor(capital / close) shares (in whole lots); when it crosses below it goes flat, or short as many shares when
 * allowShort. Only a cross signals (not "fast is above"), so a pending order is not repeated bar after bar. The
 * averages are compared exactly in integers: fastSum x slow vs slowSum x fast. The order is sized from the
 * position the strategy holds now (positionQuantity, from its position read model), so a missed fill is made up
 * at the next signal rather than compounded.
 */
export function maCrossoverOnBar(
  state: MaCrossoverState,
  bar: { closePaise: Paise; at: IsoInstant },
  params: MaCrossoverParams,
  context: StrategyContext & { positionQuantity: number; lotSize?: number },
): MaCrossoverDecision {
  const closes = [...state.closes, bar.closePaise].slice(-params.slowPeriod);
  if (closes.length < params.slowPeriod) return { state: { ...state, closes }, signal: null, intents: [] };
  const sum = (values: Paise[]) => values.reduce((s, v) => s + v, 0);
  const fastScaled = sum(closes.slice(-params.fastPeriod)) * params.slowPeriod;
  const slowScaled = sum(closes) * params.fastPeriod;
  const relation = fastScaled > slowScaled ? 'ABOVE' : fastScaled < slowScaled ? 'BELOW' : state.relation;
  const crossed = state.relation !== null && relation !== state.relation;
  const next: MaCrossoverState = { closes, relation };
  if (!crossed) return { state: next, signal: null, intents: [] };

  const signal = relation === 'ABOVE' ? 'BUY' : 'SELL';
  const lot = context.lotSize ?? 1;
  const size = Math.floor(context.capitalAllocationPaise / bar.closePaise / lot) * lot;
  const target = signal === 'BUY' ? size : params.allowShort ? -size : 0;
  const delta = target - context.positionQuantity;
  if (delta === 0) return { state: next, signal, intents: [] };
  const intent: OrderIntent = {
    kind: 'PLACE',
    clientOrderId: deterministicId(context.strategyId, 'ma', compactInstant(bar.at)),
    accountId: context.accountId,
    instrument: params.instrument,
    side: delta > 0 ? 'BUY' : 'SELL',
    quantity: Math.abs(delta),
    orderType: 'MARKET',
    limitPricePaise: null,
    triggerPricePaise: null,
    product: params.product,
    validity: 'DAY',
    strategyId: context.strategyId,
    reason: `SMA(${params.fastPeriod}) crossed ${relation === 'ABOVE' ? 'above' : 'below'} SMA(${params.slowPeriod}) at ${formatRupees(bar.closePaise)}`,
  };
  return { state: next, signal, intents: [intent] };
}

/** Reads and checks the parameters stored on the strategy aggregate. */
export function parseMaCrossoverParams(raw: JsonObject): MaCrossoverParams {
  const problems: string[] = [];
  const int = (name: string, fallback?: number): number => {
    const value = raw[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) problems.push(`${name} must be a positive integer`);
    return value as number;
  };
  const instrument = raw.instrument;
  if (typeof instrument !== 'string' || instrument.trim() === '') problems.push('instrument must be a symbol');
  const fastPeriod = int('fastPeriod');
  const slowPeriod = int('slowPeriod');
  const barSeconds = int('barSeconds', 60);
  if (problems.length === 0 && fastPeriod >= slowPeriod) problems.push('fastPeriod must be smaller than slowPeriod');
  if (slowPeriod > 1000) problems.push('slowPeriod must be at most 1000 bars');
  const product = raw.product ?? 'MIS';
  if (product !== 'MIS' && product !== 'CNC') problems.push('product must be MIS or CNC');
  const allowShort = raw.allowShort ?? false;
  if (typeof allowShort !== 'boolean') problems.push('allowShort must be true or false');
  if (allowShort === true && product === 'CNC') problems.push('a CNC (delivery) strategy cannot sell short');
  if (problems.length > 0) throw new InvalidCommand('STRATEGY_PARAMETERS_INVALID', `ma-crossover: ${problems.join('; ')}`, { problems });
  return { instrument: instrument as string, fastPeriod, slowPeriod, barSeconds, product: product as 'MIS' | 'CNC', allowShort: allowShort as boolean };
}

/** The moving-average crossover as a strategy module (see strategy.ts): one instrument, closed bars of barSeconds. */
export const maCrossoverStrategy: StrategyDefinition<MaCrossoverParams, MaCrossoverState> = {
  kind: 'ma-crossover',
  description: 'Simple moving-average crossover on closed bars: long (or short) on a cross, flat on the opposite cross',
  parameterSchema: {
    type: 'object',
    properties: {
      instrument: { type: 'string', minLength: 1, description: 'the symbol traded' },
      fastPeriod: { type: 'integer', minimum: 1, description: 'bars in the fast average' },
      slowPeriod: { type: 'integer', minimum: 2, maximum: 1000, description: 'bars in the slow average (more than fastPeriod)' },
      barSeconds: { type: 'integer', minimum: 1, default: 60, description: 'bar length in seconds' },
      product: { enum: ['MIS', 'CNC'], default: 'MIS', description: 'MIS (intraday) or CNC (delivery)' },
      allowShort: { type: 'boolean', default: false, description: 'go short on a cross below (MIS only)' },
    },
    required: ['instrument', 'fastPeriod', 'slowPeriod'],
  },
  exampleParameters: { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 },
  parse: parseMaCrossoverParams,
  bars: (params) => ({ instrument: params.instrument, barSeconds: params.barSeconds }),
  initialState: () => initialMaCrossoverState,
  step(state, input, params, context) {
    let current = state;
    const intents: StrategyStepResult<MaCrossoverState>['intents'] = [];
    const lotSize = input.market.catalog.get(params.instrument)?.lotSize ?? 1;
    let positionQuantity = input.positions[params.instrument]?.quantity ?? 0;
    for (const bar of input.bars) {
      if (bar.symbol !== params.instrument) continue;
      const decision = maCrossoverOnBar(current, { closePaise: bar.closePaise, at: bar.startAt }, params, { ...context, positionQuantity, lotSize });
      current = decision.state;
      for (const intent of decision.intents) {
        intents.push(intent);
        // Two bars closing in one step: the second is sized as if the first order filled.
        positionQuantity += intent.side === 'BUY' ? intent.quantity : -intent.quantity;
      }
    }
    return { state: current, intents };
  },
};
