import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarDate } from '../common/instant';
import { ConsistencyQuery } from '../queries/queries.dto';

export const EXPORT_KINDS = ['orders', 'fills', 'trades', 'statement'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export class ExportRangeQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First IST date (inclusive); default 29 days before `to`' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: "Last IST date (inclusive); default the clock's IST date" })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}
