import type { AmountBody, BrokerBody, HaltBody, OpenAccountBody, RiskLimitsBody } from '@robo/contract';
import { BROKER_NAMES, type BrokerName } from '@robo/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAISE, MAX_QUANTITY } from '../common/limits';
import { FreeText } from '../common/free-text';
import { PageQuery } from '../queries/queries.dto';

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

export class BrokerDto implements BrokerBody {
  @ApiProperty({ enum: BROKER_NAMES, example: 'kite', description: 'paper: the simulated broker (the default); kite: Zerodha Kite Connect' })
  @IsIn(BROKER_NAMES)
  broker!: BrokerName;
}

export class AccountCommandResponse {
  @ApiProperty() accountId!: string;
  @ApiProperty() streamRevision!: number;
  @ApiProperty({ description: 'Pass as minPosition to a query to read your own write' }) globalPosition!: number;
}

/** GET /api/accounts: a page of the accounts the caller may see, by name. */
export class ListAccountsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only accounts whose name contains this, whatever the case (1 to 100 characters)', example: 'demo' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

export class AccountListItemDto {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Cash in paise (reservations for open orders are part of it)' }) cashPaise!: number;
  @ApiProperty({ description: 'Cash plus open positions at the recorded market prices, in paise' }) equityPaise!: number;
  @ApiProperty({ description: 'When the account was opened (business time)' }) openedAt!: string;
  @ApiProperty({ description: 'The kill switch is on' }) halted!: boolean;
  @ApiProperty({ enum: ['trade', 'read'], description: "What the caller may do with it: trade (admin, trader) or read (auditor, viewer)" }) access!: 'trade' | 'read';
}

export class AccountListResponse {
  @ApiProperty({ type: [AccountListItemDto] }) items!: AccountListItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' }) nextCursor!: string | null;
}
