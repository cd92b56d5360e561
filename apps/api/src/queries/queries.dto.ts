import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsInstant } from '../common/instant';

const POSITION = /^\d{1,15}$/;
const LIMIT = /^([1-9]|[1-9]\d|1\d\d|200)$/;
const STATUSES = ['PLACED', 'ACCEPTED', 'REJECTED', 'TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED'];

export class ConsistencyQuery {
  @ApiPropertyOptional({ description: 'Wait until the read models have passed this global position (from a command response)' })
  @IsOptional()
  @Matches(POSITION, { message: 'minPosition must be a whole number' })
  minPosition?: string;
}

/** GET /api/accounts/:id/portfolio: live from the read models, or as of an instant rebuilt from the log. */
export class PortfolioQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ description: 'Rebuild the portfolio as it was at this instant from the log (ISO-8601 with an offset)' })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({ enum: ['business', 'recorded'], description: 'recorded: what the system knew then (default); business: what had happened then' })
  @IsOptional()
  @IsIn(['business', 'recorded'])
  time?: 'business' | 'recorded';
}

export class PageQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ description: '1 to 200, default 50' })
  @IsOptional()
  @Matches(LIMIT, { message: 'limit must be between 1 and 200' })
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export class OrdersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  instrument?: string;
}

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact stream name, e.g. order-<id>' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  stream?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  // 128 for an id the server made or the client chose, plus the `key:<kid>:` namespace of a chosen one.
  @MaxLength(200)
  correlationId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actor?: string;

  @ApiPropertyOptional({ description: 'Event type, e.g. OrderFilled' })
  @IsOptional()
  @Matches(/^[A-Za-z]{1,64}$/)
  type?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ description: 'From this instant (inclusive), ISO-8601 with offset' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Up to this instant (exclusive)' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ enum: ['recorded', 'business'], description: 'Which time from/to apply to (default recorded)' })
  @IsOptional()
  @IsIn(['recorded', 'business'])
  time?: 'recorded' | 'business';
}

export class StreamEventsQuery {
  @ApiPropertyOptional({ description: 'Start revision (inclusive)' })
  @IsOptional()
  @Matches(POSITION, { message: 'fromRevision must be a whole number' })
  fromRevision?: string;

  @ApiPropertyOptional({ enum: ['forwards', 'backwards'] })
  @IsOptional()
  @IsIn(['forwards', 'backwards'])
  direction?: 'forwards' | 'backwards';

  @ApiPropertyOptional({ description: '1 to 200, default 100' })
  @IsOptional()
  @Matches(LIMIT, { message: 'limit must be between 1 and 200' })
  limit?: string;
}

export function parseLimit(raw: string | undefined, fallback = 50): number {
  return raw === undefined ? fallback : Number(raw);
}

export function parsePosition(raw: string | undefined): bigint | undefined {
  return raw === undefined ? undefined : BigInt(raw);
}
