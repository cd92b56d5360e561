import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { InvalidCommand, type JsonObject } from '@robo/domain';
import type { StrategyDefinition, StrategyMarket, StrategyStepInput } from './strategy';
import type { StrategyContext } from './strategy-context';

/** Why a strategy module was not registered; `source` names its file (or `built-in`). */
export class StrategyRegistrationError extends Error {
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`strategy module ${source}: ${problem}`);
    this.name = 'StrategyRegistrationError';
  }
}

/** The instant of a registration's dry call: a Monday 10:00 IST (a constant, not the clock). */
export const DRY_CALL_AT = '2026-01-05T04:30:00.000Z';
const DRY_CONTEXT: StrategyContext = { strategyId: 'dry-call', accountId: 'dry-call', capitalAllocationPaise: 10_000_000 };
const KIND = /^[a-z][a-z0-9-]{0,63}$/;

interface Entry {
  definition: StrategyDefinition;
  validate: ValidateFunction;
  source: string;
}

export interface StrategyKindInfo {
  kind: string;
  description: string;
  parameterSchema: JsonObject;
  source: string;
}

function problemsOf(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath === '' ? '' : e.instancePath.slice(1).replace(/\//g, '.');
    if (e.keyword === 'additionalProperties') return `unknown parameter ${(e.params as { additionalProperty: string }).additionalProperty}`;
    if (e.keyword === 'required') return `${(e.params as { missingProperty: string }).missingProperty} is required`;
    return `${at || 'parameters'} ${e.message ?? 'is invalid'}`;
  });
}

/**
 * The strategy kinds a runner can run: each registered with its parameter schema compiled (ajv 8, defaults filled
 * in) and checked with a dry call, so that a kind here is known to answer. Registering a second module of the same
 * kind is refused (a kind means one thing in a log).
 */
export class StrategyRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });

  constructor(private readonly market: StrategyMarket) {
    // `format: 'date'`, `'time'`, `'date-time'`... are checked, not just allowed.
    addFormats(this.ajv);
  }

  register(candidate: unknown, source: string): StrategyDefinition {
    const refuse = (problem: string): never => {
      throw new StrategyRegistrationError(source, problem);
    };
    if (candidate === null || typeof candidate !== 'object') return refuse('does not export a strategy definition (an object with kind, parameterSchema, initialState and step)');
    const d = candidate as Partial<StrategyDefinition>;
    if (typeof d.kind !== 'string' || !KIND.test(d.kind)) return refuse('kind must be lower-case letters, digits and dashes (at most 64)');
    if (this.entries.has(d.kind)) return refuse(`kind ${d.kind} is already registered (from ${this.entries.get(d.kind)!.source})`);
    if (typeof d.description !== 'string') return refuse('description must be a string');
    for (const fn of ['initialState', 'step'] as const) if (typeof d[fn] !== 'function') refuse(`${fn} must be a function`);
    for (const fn of ['parse', 'bars'] as const) if (d[fn] !== undefined && typeof d[fn] !== 'function') refuse(`${fn} must be a function when given`);
    const schema = d.parameterSchema;
    if (schema === null || typeof schema !== 'object' || schema.type !== 'object' || typeof schema.properties !== 'object') return refuse('parameterSchema must be a JSON Schema with type "object" and properties');
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(schema);
    } catch (error) {
      return refuse(`parameterSchema is not a valid JSON Schema (${(error as Error).message})`);
    }
    const definition = d as StrategyDefinition;
    const entry: Entry = { definition, validate, source };
    if (d.exampleParameters === null || typeof d.exampleParameters !== 'object') return refuse('exampleParameters must be an object');
    try {
      const params = this.parseWith(entry, d.exampleParameters);
      const bars = definition.bars?.(params) ?? null;
      if (bars !== null && (typeof bars.instrument !== 'string' || !Number.isSafeInteger(bars.barSeconds) || bars.barSeconds <= 0)) refuse('bars() must return { instrument, barSeconds } or null');
      const input: StrategyStepInput = { now: DRY_CALL_AT, ticks: [], bars: [], fills: [], positions: {}, placedToday: new Map(), market: this.market };
      const state = definition.initialState(params, DRY_CONTEXT, input);
      const result = definition.step(state, input, params, DRY_CONTEXT) as unknown;
      const intents = (result as { intents?: unknown } | null)?.intents;
      if (result === null || typeof result !== 'object' || !('state' in result) || !Array.isArray(intents)) refuse('step must return { state, intents: [] }');
      JSON.stringify((result as { state: unknown }).state);
    } catch (error) {
      if (error instanceof StrategyRegistrationError) throw error;
      return refuse(`the dry call with exampleParameters failed: ${(error as Error).message}`);
    }
    this.entries.set(definition.kind, entry);
    return definition;
  }

  has(kind: string): boolean {
    return this.entries.has(kind);
  }

  get(kind: string): StrategyDefinition | null {
    return this.entries.get(kind)?.definition ?? null;
  }

  kinds(): StrategyKindInfo[] {
    return [...this.entries.values()].map((e) => ({ kind: e.definition.kind, description: e.definition.description, parameterSchema: e.definition.parameterSchema, source: e.source })).sort((a, b) => a.kind.localeCompare(b.kind));
  }

  /**
   * The typed parameters of a registered kind: the schema (defaults filled in on a copy), then the module's parse.
   * Refused with STRATEGY_PARAMETERS_INVALID and the problems listed.
   */
  parse(kind: string, raw: JsonObject): unknown {
    const entry = this.entries.get(kind);
    if (!entry) throw new InvalidCommand('UNKNOWN_STRATEGY_KIND', `no strategy module of kind ${kind} is registered`, { kind });
    return this.parseWith(entry, raw);
  }

  /**
   * Checks parameters for a registered kind; other kinds are accepted as they are, since the aggregate keeps
   * strategies that a later runner (with that module loaded) may run.
   */
  validate(kind: string, raw: JsonObject): void {
    if (this.entries.has(kind)) this.parse(kind, raw);
  }

  private parseWith(entry: Entry, raw: JsonObject): unknown {
    const copy = structuredClone(raw);
    const kind = entry.definition.kind;
    if (!entry.validate(copy)) {
      const problems = problemsOf(entry.validate.errors);
      throw new InvalidCommand('STRATEGY_PARAMETERS_INVALID', `${kind}: ${problems.join('; ')}`, { problems });
    }
    if (!entry.definition.parse) return copy;
    try {
      return entry.definition.parse(copy);
    } catch (error) {
      if (error instanceof InvalidCommand) throw error;
      const message = (error as Error).message;
      throw new InvalidCommand('STRATEGY_PARAMETERS_INVALID', `${kind}: ${message}`, { problems: [message] });
    }
  }
}
