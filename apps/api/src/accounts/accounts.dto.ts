import type { AmountBody, HaltBody, OpenAccountBody, RiskLimitsBody } from '@robo/contract';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAISE, MAX_QUANTITY } from '../common/limits';
import { FreeText } from '../common/free-text';

export class OpenAccountDto implements OpenAccountBody {
  @ApiProperty({ example: 'Asha Intraday', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @FreeText()
  name!: string;

  @ApiProperty({ description: 'Opening cash in paise (1 rupee = 100 paise)', example: 100000000, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_PAISE)
  initialCashPaise!: number;
}

export class AmountDto implements AmountBody {
  @ApiProperty({ description: 'Amount in paise', example: 50000000, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  amountPaise!: number;
}

export class RiskLimitsDto implements RiskLimitsBody {
  @ApiPropertyOptional({ nullable: true, description: 'Largest single order value in paise; null removes the limit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  maxOrderValuePaise?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Largest absolute net quantity per instrument' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  maxPositionQuantity?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Realized loss in paise for the IST day after which new orders are refused' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  dailyLossLimitPaise?: number | null;
}

export class HaltDto implements HaltBody {
  @ApiProperty({ example: 'risk desk review' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @FreeText()
  reason!: string;
}

export class AccountCommandResponse {
  @ApiProperty() accountId!: string;
  @ApiProperty() streamRevision!: number;
  @ApiProperty({ description: 'Pass as minPosition to a query to read your own write' }) globalPosition!: number;
}
