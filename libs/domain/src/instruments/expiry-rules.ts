import { InvalidCommand } from '../common/errors';
import type { IstDate } from '../common/types';
import { isIsoDate, type Weekday } from '../market/ist';

/**
 * Which expiries an index lists, from `fromExpiry` on (until the next rule of the same index): monthly contracts
 * always, on the last `weekday` of the month; weekly ones, on every `weekday`, only when `weekly`. An expiry that falls
 * on an exchange holiday moves to the previous trading day (libs/market-data/src/options/expiries.ts applies this).
 */
export interface ExpiryRule {
  fromExpiry: IstDate;
  weekly: boolean;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: Weekday;
  /** The circular the rule comes from. */
  source: string;
}

/** One row of an expiry-rule table (data/expiry-rules.json, or EXPIRY_RULES_FILE). */
export interface ExpiryRuleRow extends ExpiryRule {
  underlying: string;
}

/**
 * Checks an expiry-rule table read from configuration: `{ "expiryRules": [{ underlying, fromExpiry, weekly, weekday,
 * source }] }` or the bare list.
 */
export function parseExpiryRules(input: unknown): ExpiryRuleRow[] {
  const list = (input as { expiryRules?: unknown } | null)?.expiryRules ?? input;
  if (!Array.isArray(list) || list.length === 0) throw invalid('a non-empty list of expiry rules is required');
  const rows = list.map((item, k): ExpiryRuleRow => {
    const row = item as Partial<ExpiryRuleRow> | null;
    const where = `expiry rule ${k}`;
    if (typeof row !== 'object' || row === null) throw invalid(`${where}: must be an object`);
    if (typeof row.underlying !== 'string' || !/^[A-Z][A-Z0-9&-]*$/.test(row.underlying)) throw invalid(`${where}: underlying must be an index symbol`);
    const at = `${where} (${row.underlying} ${String(row.fromExpiry)})`;
    if (typeof row.fromExpiry !== 'string' || !isIsoDate(row.fromExpiry)) throw invalid(`${where} (${row.underlying}): fromExpiry must be YYYY-MM-DD`);
    if (typeof row.weekly !== 'boolean') throw invalid(`${at}: weekly must be true or false`);
    if (typeof row.weekday !== 'number' || !Number.isInteger(row.weekday) || row.weekday < 0 || row.weekday > 6) throw invalid(`${at}: weekday must be 0 (Sunday) to 6 (Saturday)`);
    if (row.weekday === 0 || row.weekday === 6) throw invalid(`${at}: weekday must be a weekday, not ${row.weekday === 0 ? 'Sunday' : 'Saturday'}`);
    if (typeof row.source !== 'string' || row.source.trim() === '') throw invalid(`${at}: source must name the circular the rule comes from`);
    return { underlying: row.underlying, fromExpiry: row.fromExpiry, weekly: row.weekly, weekday: row.weekday as Weekday, source: row.source };
  });
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.underlying} ${r.fromExpiry}`;
    if (seen.has(key)) throw invalid(`two rules for ${key}`);
    seen.add(key);
  }
  return rows;
}

/** The rule in force for an expiry on `date`: the latest whose fromExpiry is not after it; null before the table. */
export function expiryRuleOn(rules: readonly ExpiryRule[], date: IstDate): ExpiryRule | null {
  let found: ExpiryRule | null = null;
  for (const rule of rules) if (rule.fromExpiry <= date && (found === null || rule.fromExpiry > found.fromExpiry)) found = rule;
  return found;
}

function invalid(message: string): InvalidCommand {
  return new InvalidCommand('EXPIRY_RULES_INVALID', `expiry rules: ${message}`);
}
