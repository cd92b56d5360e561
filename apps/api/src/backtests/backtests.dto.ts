import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import type { PromoteBacktestBody } from '@robo/contract';
import { FreeText } from '../common/free-text';

export class PromoteBacktestDto implements PromoteBacktestBody {
  @ApiProperty({ format: 'uuid', description: 'the account the paper strategy trades for' })
  @IsUUID()
  accountId!: string;

  @ApiProperty({ example: 'INFY 5/20 from backtest', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @FreeText()
  name!: string;

  @ApiPropertyOptional({ example: 100000000, description: "Capital the strategy may use, paise; default the run's capital" })
  @IsOptional()
  @IsInt()
  @Min(1)
  capitalAllocationPaise?: number;
}
