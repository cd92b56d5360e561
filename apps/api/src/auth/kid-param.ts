import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { KID_FORMAT } from '@robo/credentials';
import { withPathSchema } from '../common/path-param-schemas';

/** Key ids in paths are 16 lowercase letters and digits; anything else is a 400, never a lookup. */
export class KidPipe implements PipeTransform<string, string> {
  transform(value: string, _meta: ArgumentMetadata): string {
    if (typeof value !== 'string' || !KID_FORMAT.test(value)) throw new ApiError(400, 'INVALID_KEY_ID', 'the key id in the path must be 16 lowercase letters or digits');
    return value;
  }
}

withPathSchema(KidPipe, { type: 'string', pattern: KID_FORMAT.source });
