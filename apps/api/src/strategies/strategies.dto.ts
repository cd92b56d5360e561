import type { ParametersBody, ReasonBody, RegisterStrategyBody } from '@robo/contract';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAISE } from '../common/limits';
import { FreeText } from '../common/free-text';
import { ConsistencyQuery } from '../queries/queries.dto';

export class RegisterStrategyDto implements RegisterStrategyBody {
  @ApiProperty({ example: 'ma-crossover', description: 'ma-crossover and short-straddle are run by the paper runner; other kinds are recorded only' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  kind!: string;

  @ApiProperty({ example: 'INFY 5/20 crossover', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @FreeText()
  name!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  accountId!: string;

  @ApiProperty({ example: { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 }, description: 'JSON object, checked against the kind' })
  @IsObject()
  parameters!: Record<string, unknown>;

  @ApiProperty({ example: ['INFY'], type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  instruments!: string[];

  @ApiProperty({ example: 20000000, description: 'Capital the strategy may use, paise' })
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  capitalAllocationPaise!: number;
}

export class ReasonDto implements ReasonBody {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @FreeText()
  reason?: string;
}

export class ParametersDto implements ParametersBody {
  @ApiProperty({ example: { fastPeriod: 10 } })
  @IsObject()
  parameters!: Record<string, unknown>;
}

export class ListStrategiesDto extends ConsistencyQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ enum: ['REGISTERED', 'ACTIVE', 'PAUSED', 'STOPPED'] })
  @IsOptional()
  @IsIn(['REGISTERED', 'ACTIVE', 'PAUSED', 'STOPPED'])
  status?: string;
}
