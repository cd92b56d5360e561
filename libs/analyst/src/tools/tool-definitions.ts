import type Anthropic from '@anthropic-ai/sdk';
import { ORDER_TYPES, PRODUCTS, SIDES, VALIDITIES } from '@robo/domain';
import { ORDER_STATUS_FILTERS } from '../analyst-queries.port';
import type { ObjectSchema, PropertySchema } from './input-schema';

/**
 * Bump on any change of a tool's name, description or schema: the version is recorded with every question and
 * named in the system prompt, so an old answer can be read against the tools it had.
 */
export const TOOLS_VERSION = 'robo-analyst-tools/1';

export type ToolName =
  | 'get_portfolio'
  | 'get_portfolio_as_of'
  | 'get_positions'
  | 'get_orders'
  | 'get_performance'
  | 'search_audit'
  | 'explain_figure'
  | 'propose_order';

const ID = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$';
const SYMBOL = '^[A-Z0-9][A-Z0-9&. -]{0,59}$';
const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

const accountId: PropertySchema = { type: 'string', description: 'Account id', pattern: ID, maxLength: 100 };
const limit = (max: number, dflt: number): PropertySchema => ({ type: 'integer', description: `How many to return (1-${max}, default ${dflt})`, minimum: 1, maximum: max, default: dflt });
const time: PropertySchema = {
  type: 'string',
  description: 'Which clock the instants refer to: business (when it happened in the market, default) or recorded (when it was stored)',
  enum: ['business', 'recorded'],
  maxLength: 8,
};
const instant = (description: string): PropertySchema => ({ type: 'string', description: `${description}: ISO-8601 with offset, e.g. 2026-11-20T15:30:00+05:30`, pattern: INSTANT, maxLength: 40 });
const paise = (description: string): PropertySchema => ({ type: 'integer', description: `${description}, integer paise (1 rupee = 100 paise)`, minimum: 1, maximum: 100_000_000_000 });
const object = (properties: Record<string, PropertySchema>, required: string[]): ObjectSchema => ({ type: 'object', properties, required, additionalProperties: false });

interface ToolSpec {
  description: string;
  schema: ObjectSchema;
}

export const TOOL_SPECS: Record<ToolName, ToolSpec> = {
  get_portfolio: {
    description: 'Current portfolio of an account from the read models: cash, reserved cash, equity, realized and unrealized P&L, fees, total P&L (equity - money put in), and each position marked at the market price recorded from the feed (markSource MARKET) or at its own cost when there is none (markSource COST).',
    schema: object({ accountId }, ['accountId']),
  },
  get_portfolio_as_of: {
    description: 'The portfolio as it was known at a past instant, rebuilt from the event log (cash, positions, realized P&L, fees), with the streams and positions it was folded from.',
    schema: object({ accountId, asOf: instant('The instant'), time }, ['accountId', 'asOf']),
  },
  get_positions: {
    description: 'Net positions of an account, one per instrument (open and closed), with quantity, average price, cost basis, realized P&L gross and net, fees.',
    schema: object({ accountId }, ['accountId']),
  },
  get_orders: {
    description: 'Orders of an account, newest first, with status, prices, fills, fees and reject reasons. Filter by status, instrument or strategy.',
    schema: object(
      {
        accountId,
        status: { type: 'string', description: 'Order status', enum: ORDER_STATUS_FILTERS, maxLength: 20 },
        instrument: { type: 'string', description: 'NSE symbol, e.g. RELIANCE', pattern: SYMBOL, maxLength: 60 },
        strategyId: { type: 'string', description: 'Strategy id', pattern: ID, maxLength: 100 },
        limit: limit(50, 20),
      },
      ['accountId'],
    ),
  },
  get_performance: {
    description: 'Performance statistics of an account or of a strategy (give exactly one): net profit, win rate, profit factor, expectancy, drawdown, Sharpe and more.',
    schema: object({ accountId: { ...accountId, description: 'Account id (or give strategyId)' }, strategyId: { type: 'string', description: 'Strategy id (or give accountId)', pattern: ID, maxLength: 100 } }, []),
  },
  search_audit: {
    description: 'The audit trail: events of the log, oldest first, with stream, revision, global position, type, actor, correlation id, business and recorded time and a summary. Combine filters to narrow it.',
    schema: object(
      {
        accountId: { ...accountId, description: 'Events of this account' },
        stream: { type: 'string', description: 'Stream name, e.g. order-<id>, account-<id>, position-<account>-<instrument>', maxLength: 200 },
        correlationId: { type: 'string', description: 'Events caused by one request', maxLength: 200 },
        actor: { type: 'string', description: 'Who issued the commands', maxLength: 200 },
        type: { type: 'string', description: 'Event type, e.g. OrderFilled', pattern: '^[A-Za-z][A-Za-z0-9]{0,99}$', maxLength: 100 },
        orderId: { type: 'string', description: 'Events of one order', pattern: ID, maxLength: 100 },
        from: instant('Earliest instant'),
        to: instant('Latest instant'),
        time,
        afterPosition: { type: 'integer', description: 'Only events after this global position (to page on)', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        limit: limit(50, 20),
      },
      [],
    ),
  },
  explain_figure: {
    description: 'Traces one figure of an account back to the events that produced it; the contributions add up to the value. Figures: cash, realized:<instrument>, realized-gross:<instrument>, fees:<instrument>, quantity:<instrument>.',
    schema: object({ accountId, figure: { type: 'string', description: 'e.g. cash or realized:RELIANCE', pattern: '^(cash|(realized|realized-gross|fees|quantity):[A-Z0-9][A-Z0-9&. -]{0,59})$', maxLength: 80 } }, [
      'accountId',
      'figure',
    ]),
  },
  propose_order: {
    description:
      'Records a suggested order for a person to approve or reject. It places nothing. Use it only when the trader asks for a trade or one clearly follows from the analysis; explain why in the rationale with citations.',
    schema: object(
      {
        accountId,
        instrument: { type: 'string', description: 'NSE symbol, e.g. RELIANCE, or an index option such as "NIFTY 2026-12-31 24000 CE"', pattern: SYMBOL, maxLength: 60 },
        side: { type: 'string', description: 'BUY or SELL', enum: SIDES, maxLength: 4 },
        quantity: { type: 'integer', description: 'Units (a multiple of the lot size for derivatives)', minimum: 1, maximum: 10_000_000 },
        type: { type: 'string', description: 'MARKET, LIMIT, SL (trigger + limit) or SL-M (trigger only)', enum: ORDER_TYPES, maxLength: 6 },
        limitPricePaise: paise('Limit price for LIMIT and SL'),
        triggerPricePaise: paise('Trigger price for SL and SL-M'),
        product: { type: 'string', description: 'CNC (delivery), MIS (intraday) or NRML (overnight F&O)', enum: PRODUCTS, maxLength: 4 },
        validity: { type: 'string', description: 'DAY or IOC', enum: VALIDITIES, maxLength: 3 },
        strategyId: { type: 'string', description: 'Strategy the order belongs to, if any', pattern: ID, maxLength: 100 },
        rationale: { type: 'string', description: 'Why, in one or two sentences, with citations such as [event:12]', maxLength: 1000 },
        citations: { type: 'array', description: 'The references the rationale relies on, e.g. ["[event:12]"]', items: { type: 'string', maxLength: 200 }, maxItems: 20 },
      },
      ['accountId', 'instrument', 'side', 'quantity', 'type', 'product', 'validity', 'rationale'],
    ),
  },
};

export const TOOL_NAMES = Object.keys(TOOL_SPECS) as ToolName[];

export function isToolName(name: string): name is ToolName {
  return Object.prototype.hasOwnProperty.call(TOOL_SPECS, name);
}

/** The tools as the Messages API takes them. */
export const ANALYST_TOOLS: Anthropic.Tool[] = TOOL_NAMES.map((name) => ({
  name,
  description: TOOL_SPECS[name].description,
  input_schema: { ...TOOL_SPECS[name].schema },
}));
