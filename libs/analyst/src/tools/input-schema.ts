/**
 * The subset of JSON Schema the analyst's tools use. The same object is sent to the model as `input_schema` and
 * checked here against what the model sends back, so the two never drift apart.
 */
export type PropertySchema =
  | { type: 'string'; description: string; enum?: readonly string[]; pattern?: string; minLength?: number; maxLength: number }
  | { type: 'integer'; description: string; minimum: number; maximum: number; default?: number }
  | { type: 'array'; description: string; items: { type: 'string'; maxLength: number }; maxItems: number };

export interface ObjectSchema {
  type: 'object';
  properties: Record<string, PropertySchema>;
  required: string[];
  additionalProperties: false;
}

export type Checked = { ok: true; value: Record<string, unknown> } | { ok: false; problems: string[] };

/** Validates and applies defaults; every problem is listed so the model can fix them in one go. */
export function checkInput(schema: ObjectSchema, input: unknown): Checked {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems: ['input must be a JSON object'] };
  const record = input as Record<string, unknown>;
  const problems: string[] = [];
  const value: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (!(key in schema.properties)) problems.push(`unknown property "${key}"`);
  }
  for (const [key, prop] of Object.entries(schema.properties)) {
    const given = record[key];
    if (given === undefined || given === null) {
      if (schema.required.includes(key)) problems.push(`"${key}" is required`);
      else if (prop.type === 'integer' && prop.default !== undefined) value[key] = prop.default;
      continue;
    }
    const problem = checkProperty(prop, given);
    if (problem === null) value[key] = typeof given === 'string' ? given.trim() : given;
    else problems.push(`"${key}" ${problem}`);
  }
  return problems.length === 0 ? { ok: true, value } : { ok: false, problems };
}

function checkProperty(prop: PropertySchema, given: unknown): string | null {
  switch (prop.type) {
    case 'string': {
      if (typeof given !== 'string') return 'must be a string';
      const text = given.trim();
      if (text.length < (prop.minLength ?? 1) || text.length > prop.maxLength) return `must be ${prop.minLength ?? 1} to ${prop.maxLength} characters`;
      if (prop.enum !== undefined && !prop.enum.includes(text)) return `must be one of ${prop.enum.join(', ')}`;
      if (prop.pattern !== undefined && !new RegExp(prop.pattern).test(text)) return `does not match ${prop.pattern}`;
      return null;
    }
    case 'integer':
      if (typeof given !== 'number' || !Number.isSafeInteger(given)) return 'must be an integer';
      if (given < prop.minimum || given > prop.maximum) return `must be from ${prop.minimum} to ${prop.maximum}`;
      return null;
    case 'array':
      if (!Array.isArray(given)) return 'must be an array';
      if (given.length > prop.maxItems) return `must have at most ${prop.maxItems} items`;
      if (given.some((item) => typeof item !== 'string' || item.length === 0 || item.length > prop.items.maxLength)) {
        return `items must be strings of 1 to ${prop.items.maxLength} characters`;
      }
      return null;
    default: {
      const unknown: never = prop;
      return `has an unsupported schema ${JSON.stringify(unknown)}`;
    }
  }
}
