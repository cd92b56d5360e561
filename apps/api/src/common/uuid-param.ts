import { ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';
import { withPathSchema } from './path-param-schemas';

/** Path ids are UUIDs; anything else is a 400, never a lookup. Documented as format uuid (any version, as the pipe). */
export const uuidParam = () =>
  withPathSchema(new ParseUUIDPipe({ exceptionFactory: () => new ApiError(400, 'INVALID_ID', 'the id in the path must be a UUID') }), { type: 'string', format: 'uuid' });

/** A path parameter checked against one pattern (documented with that pattern's source): a mismatch is a 400 INVALID_ID. */
export const patternParam = (pattern: RegExp, message: string): PipeTransform<string, string> =>
  withPathSchema(
    {
      transform(value: string): string {
        if (typeof value !== 'string' || !pattern.test(value)) throw new ApiError(400, 'INVALID_ID', message);
        return value;
      },
    },
    { type: 'string', pattern: pattern.source },
  );

/** A path parameter of 1 to `max` characters (documented with those lengths): anything else is a 400 INVALID_ID. */
export const lengthParam = (max: number, message: string): PipeTransform<string, string> =>
  withPathSchema(
    {
      transform(value: string): string {
        if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new ApiError(400, 'INVALID_ID', message);
        return value;
      },
    },
    { type: 'string', minLength: 1, maxLength: max },
  );

/** Strategy ids in paths: 1 to 64 letters, digits or . _ : - */
export const STRATEGY_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const strategyIdParam = () => patternParam(STRATEGY_ID, 'a strategy id is 1 to 64 letters, digits or . _ : -');
