import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsInstant } from '../common/instant';
import { ConsistencyQuery } from '../queries/queries.dto';

export const TIME_AXES = ['business', 'recorded'] as const;

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

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include every event with the state after it and what it changed' })
  @IsOptional()
  @IsIn(['true', 'false'])
  steps?: 'true' | 'false';
}

export class LineageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsUUID()
  accountId!: string;

  @ApiPropertyOptional({ description: 'cash | realized:<instrument> | realized-gross:<instrument> | fees:<instrument> | quantity:<instrument>' })
  @IsString()
  @MaxLength(80)
  figure!: string;
}

export class CorrelationQuery extends ConsistencyQuery {}
