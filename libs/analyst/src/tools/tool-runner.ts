import { DomainError, parseInstantMs, type OrderType, type Product, type Side, type Validity } from '@robo/domain';
import type { AnalystQueries, AuditFilters, OrderFilters, OrderStatusFilter, QueryContext, TimeAxis } from '../analyst-queries.port';
import { checkInput } from './input-schema';
import { isToolName, TOOL_SPECS, type ToolName } from './tool-definitions';

export type ToolOutcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** The input of propose_order once checked, in the words of the order DTO. */
export interface ProposeOrderInput {
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  type: OrderType;
  limitPricePaise: number | null;
  triggerPricePaise: number | null;
  product: Product;
  validity: Validity;
  strategyId: string | null;
  rationale: string;
  citations: string[];
}

export interface ToolEnvironment {
  queries: AnalystQueries;
  ctx: QueryContext;
  /** When the question names an account, every tool is held to it. */
  scope: { accountId: string | null; strategyId: string | null };
  /** Records a proposal (never an order) and returns what the model is told. */
  propose(input: ProposeOrderInput): Promise<unknown>;
}

const fail = (code: string, message: string): ToolOutcome => ({ ok: false, code, message });

/**
 * Checks the model's input against the tool's schema, applies the question's scope, and runs the query. Never
 * throws: every failure becomes an error result the model can read (and the audit records).
 */
export async function runTool(name: string, input: unknown, env: ToolEnvironment): Promise<ToolOutcome> {
  if (!isToolName(name)) return fail('TOOL_UNKNOWN', `there is no tool named ${name}`);
  const checked = checkInput(TOOL_SPECS[name].schema, input);
  if (!checked.ok) return fail('TOOL_INPUT_INVALID', checked.problems.join('; '));
  const args = checked.value;
  const outOfScope = scopeProblem(name, args, env.scope);
  if (outOfScope !== null) return fail('TOOL_OUT_OF_SCOPE', outOfScope);
  try {
    return await dispatch(name, args, env);
  } catch (error) {
    return failureOf(error);
  }
}

function scopeProblem(name: ToolName, args: Record<string, unknown>, scope: ToolEnvironment['scope']): string | null {
  if (scope.accountId === null) return null;
  if (name === 'search_audit' && args.accountId === undefined) {
    // Narrowed rather than refused: the filters combine, so the trail stays within the account.
    args.accountId = scope.accountId;
    return null;
  }
  if (name === 'get_performance' && args.accountId === undefined) return null;
  if (args.accountId !== undefined && args.accountId !== scope.accountId) {
    return `this question is limited to account ${scope.accountId}; ${String(args.accountId)} is out of scope`;
  }
  return null;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

async function dispatch(name: ToolName, a: Record<string, unknown>, env: ToolEnvironment): Promise<ToolOutcome> {
  const { queries, ctx } = env;
  const accountId = str(a.accountId) ?? '';
  switch (name) {
    case 'get_portfolio': {
      const portfolio = await queries.portfolio(accountId, ctx);
      return portfolio === null ? fail('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`) : { ok: true, value: portfolio };
    }
    case 'get_portfolio_as_of': {
      const asOf = str(a.asOf) ?? '';
      if (parseInstantMs(asOf) === null) return fail('TOOL_INPUT_INVALID', '"asOf" is not a valid instant');
      const view = await queries.portfolioAsOf(accountId, asOf, (str(a.time) ?? 'business') as TimeAxis, ctx);
      return view === null ? fail('ACCOUNT_NOT_FOUND', `account ${accountId} did not exist at ${asOf}`) : { ok: true, value: view };
    }
    case 'get_positions':
      return { ok: true, value: { accountId, positions: await queries.positions(accountId, ctx) } };
    case 'get_orders': {
      const filters: OrderFilters = { limit: num(a.limit) ?? 20 };
      if (a.status !== undefined) filters.status = a.status as OrderStatusFilter;
      if (a.instrument !== undefined) filters.instrument = str(a.instrument);
      if (a.strategyId !== undefined) filters.strategyId = str(a.strategyId);
      return { ok: true, value: await queries.orders(accountId, filters, ctx) };
    }
    case 'get_performance': {
      const strategyId = str(a.strategyId);
      if ((a.accountId === undefined) === (strategyId === undefined)) return fail('TOOL_INPUT_INVALID', 'give exactly one of accountId and strategyId');
      const scope = strategyId !== undefined ? { strategyId } : { accountId };
      const view = await queries.performance(scope, ctx);
      return view === null ? fail('NOT_FOUND', `no performance for ${JSON.stringify(scope)}`) : { ok: true, value: view };
    }
    case 'search_audit': {
      const filters: AuditFilters = { limit: num(a.limit) ?? 20 };
      for (const key of ['accountId', 'stream', 'correlationId', 'actor', 'type', 'orderId', 'from', 'to'] as const) {
        const value = str(a[key]);
        if (value !== undefined) filters[key] = value;
      }
      if (a.time !== undefined) filters.time = a.time as TimeAxis;
      if (a.afterPosition !== undefined) filters.afterPosition = num(a.afterPosition);
      return { ok: true, value: await queries.audit(filters, ctx) };
    }
    case 'explain_figure': {
      const figure = str(a.figure) ?? '';
      const lineage = await queries.lineage(accountId, figure, ctx);
      return lineage === null ? fail('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`) : { ok: true, value: lineage };
    }
    case 'propose_order': {
      const input: ProposeOrderInput = {
        accountId,
        instrument: str(a.instrument) ?? '',
        side: a.side as Side,
        quantity: num(a.quantity) ?? 0,
        type: a.type as OrderType,
        limitPricePaise: num(a.limitPricePaise) ?? null,
        triggerPricePaise: num(a.triggerPricePaise) ?? null,
        product: a.product as Product,
        validity: a.validity as Validity,
        strategyId: str(a.strategyId) ?? null,
        rationale: str(a.rationale) ?? '',
        citations: Array.isArray(a.citations) ? (a.citations as string[]) : [],
      };
      return { ok: true, value: await env.propose(input) };
    }
    default: {
      const unknown: never = name;
      return fail('TOOL_UNKNOWN', `there is no tool named ${String(unknown)}`);
    }
  }
}

/** Domain and query errors carry a code and a message written for people; anything else stays inside. */
function failureOf(error: unknown): ToolOutcome {
  if (error instanceof DomainError) return fail(error.code, error.message);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'STORE_UNAVAILABLE' || code === 'READ_STORE_UNAVAILABLE') return fail('TOOL_UNAVAILABLE', 'the data is unavailable right now');
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,60}$/.test(code) && error instanceof Error) return fail(code, error.message.slice(0, 500));
  return fail('TOOL_FAILED', 'the tool failed; try a different query');
}
