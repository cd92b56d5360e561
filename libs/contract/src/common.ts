import { t, type Schema, type Static } from './schema';

/** Every error answer of the api: a stable code, a message for people, optional details, the correlation id. */
export const ErrorBody = t.named(
  'Error',
  t.object(
    {
      code: t.string({ description: 'stable, machine-readable: VALIDATION_FAILED, ORDER_NOT_FOUND, INSUFFICIENT_FUNDS, ...' }),
      message: t.string(),
      details: t.unknown({ description: 'what went wrong in detail: field problems, the refused order id, limits' }),
      correlationId: t.string(),
    },
    ['details', 'correlationId'],
  ),
);
export type ErrorBody = Static<typeof ErrorBody>;

/** What every command answers with besides its own ids: the stream revision and global position of its last event. */
export const commandResultProps = {
  streamRevision: t.integer({ minimum: -1 }),
  globalPosition: t.integer({ minimum: 0, description: 'pass it back as minPosition to read your own write' }),
};
export const CommandResult = t.named('CommandResult', t.object(commandResultProps));
export type CommandResult = Static<typeof CommandResult>;

/** A page of a list: nextCursor is null on the last page. */
export function pageOf<S extends Schema>(name: string, item: S) {
  return t.named(name, t.object({ items: t.array(item), nextCursor: t.nullable(t.string()) }));
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const Side = t.enum(['BUY', 'SELL']);
export type Side = Static<typeof Side>;
export const OrderType = t.enum(['MARKET', 'LIMIT', 'SL', 'SL-M']);
export type OrderType = Static<typeof OrderType>;
export const Product = t.enum(['CNC', 'MIS', 'NRML']);
export type Product = Static<typeof Product>;
export const Validity = t.enum(['DAY', 'IOC']);
export type Validity = Static<typeof Validity>;
