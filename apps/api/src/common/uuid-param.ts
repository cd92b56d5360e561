import { ParseUUIDPipe } from '@nestjs/common';
import { ApiError } from './api-error';

/** Path ids are UUIDs; anything else is a 400, never a lookup. */
export const uuidParam = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new ApiError(400, 'INVALID_ID', 'the id in the path must be a UUID') });
