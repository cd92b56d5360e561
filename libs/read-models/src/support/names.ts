import { InvalidNameError } from '../errors';

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
