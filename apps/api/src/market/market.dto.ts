import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../common/instant';

export class QuotesQueryDto {
  @ApiPropertyOptional({ example: 'INFY,RELIANCE,NIFTY', description: 'Comma-separated symbols; all simulated equities and indices when omitted' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9 &:._,-]{1,2000}$/)
  symbols?: string;
}

export class OptionChainQueryDto {
  @ApiPropertyOptional({ example: 'NIFTY' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9]{0,19}$/)
  underlying?: string;

  @ApiPropertyOptional({ example: '2026-11-24', description: 'YYYY-MM-DD; the nearest expiry when omitted' })
  @IsOptional()
  @IsCalendarDate()
  expiry?: string;

  @ApiPropertyOptional({ example: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30)
  strikes?: number;
}
