import { InvalidNameError, InvalidQueryError } from '../errors';

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Collection and field names are the only text ever interpolated into a query; everything else is bound. */
export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

export function assertCollectionName(name: unknown): string {
  if (!isValidName(name)) throw new InvalidNameError('collection', name);
  return name;
}

export function assertFieldName(name: unknown): string {
  if (!isValidName(name)) throw new InvalidNameError('field', name);
  return name;
}

export function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidQueryError(`document id must be a non-empty string, got ${JSON.stringify(id)}`);
}

export function assertProjection(projection: unknown): asserts projection is string {
  if (typeof projection !== 'string' || projection.length === 0) throw new InvalidQueryError('projection name must be a non-empty string');
}
