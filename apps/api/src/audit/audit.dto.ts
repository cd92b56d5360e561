import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsInstant } from '../common/instant';
import { ConsistencyQuery } from '../queries/queries.dto';

export const TIME_AXES = ['business', 'recorded'] as const;
export const DEFAULT_STEPS = 100;
export const MAX_STEPS = 500;
export const MAX_CONTRIBUTIONS = 1000;

export class StreamStateQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ description: 'Fold the stream up to this revision (inclusive)' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'toRevision must be a whole number' })
  toRevision?: string;

  @ApiPropertyOptional({ description: 'Fold the events known at this instant (ISO-8601 with an offset)' })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({ enum: TIME_AXES, description: 'Which time asOf applies to (default recorded)' })
  @IsOptional()
  @IsIn(TIME_AXES)
  time?: 'business' | 'recorded';

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include the events with the state after each and what it changed, one page at a time' })
  @IsOptional()
  @IsIn(['true', 'false'])
  steps?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'With steps=true: the first revision of the page of steps (default 0; the nextFromRevision of the previous page)' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'fromRevision must be a whole number' })
  fromRevision?: string;

  @ApiPropertyOptional({ description: `With steps=true: at most this many steps (1 to ${MAX_STEPS}, default ${DEFAULT_STEPS}); a page also ends before 4 MiB of JSON` })
  @IsOptional()
  @Matches(/^[1-9]\d{0,2}$/, { message: `limit must be between 1 and ${MAX_STEPS}` })
  limit?: string;
}

export class LineageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsUUID()
  accountId!: string;

  @ApiPropertyOptional({ description: 'cash | realized:<instrument> | realized-gross:<instrument> | fees:<instrument> | quantity:<instrument>' })
  @IsString()
  @MaxLength(80)
  figure!: string;

  @ApiPropertyOptional({ description: 'The first stream revision of the page of contributions (default 0; the nextFromRevision of the previous page)' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'fromRevision must be a whole number' })
  fromRevision?: string;

  @ApiPropertyOptional({ description: `At most this many contributions (1 to ${MAX_CONTRIBUTIONS}, the default)` })
  @IsOptional()
  @Matches(/^[1-9]\d{0,3}$/, { message: `limit must be between 1 and ${MAX_CONTRIBUTIONS}` })
  limit?: string;
}

export class CorrelationQuery extends ConsistencyQuery {}
