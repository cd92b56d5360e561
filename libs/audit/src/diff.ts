export interface Change {
  /** Dotted path of the field, e.g. `cashPaise` or `reservations.<orderId>`. */
  path: string;
  before: unknown;
  after: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value with its own JSON form (the domain's versioned maps) compares as that form. */
function plain(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : value;
}

/** Field-level differences between two JSON-like values (arrays compare as a whole). */
export function diff(beforeValue: unknown, afterValue: unknown, path = ''): Change[] {
  const before = plain(beforeValue);
  const after = plain(afterValue);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diff(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '(root)', before: before === undefined ? null : before, after: after === undefined ? null : after }];
}
