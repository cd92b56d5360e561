import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../common/instant';
import { ConsistencyQuery } from '../queries/queries.dto';

/** A decimal fraction such as 0.065 or -0.01; the range (-1, 1] is checked by the library. */
const RATE = /^-?\d{1,3}(\.\d{1,12})?$/;
const PAISE = /^[1-9]\d{0,15}$/;
export const PERIODS = ['day', 'week', 'month'] as const;
export type PeriodParam = (typeof PERIODS)[number];

export class PerformanceQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First IST date reported (inclusive)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last IST date reported (inclusive)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ example: '0.065', description: 'Annual risk-free rate as a fraction, for Sharpe and Sortino (default 0)' })
  @IsOptional()
  @Matches(RATE, { message: 'riskFreeRate must be a decimal fraction, e.g. 0.065' })
  riskFreeRate?: string;

  @ApiPropertyOptional({ enum: PERIODS, description: 'Only this breakdown in byPeriod (default: day, week and month)' })
  @IsOptional()
  @IsIn(PERIODS)
  period?: PeriodParam;
}

export class StrategyPerformanceQuery extends PerformanceQuery {
  @ApiPropertyOptional({ example: '20000000', description: 'Capital the strategy is measured against (paise); without it return-based figures are null' })
  @IsOptional()
  @Matches(PAISE, { message: 'capitalPaise must be a positive whole number of paise' })
  capitalPaise?: string;
}
