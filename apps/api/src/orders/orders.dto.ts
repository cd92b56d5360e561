import type { CancelOrderBody, ModifyOrderBody, PlaceOrderBody, ReportFillBody, TriggerOrderBody } from '@robo/contract';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ORDER_TYPES, OrderType, PRODUCTS, Product, SIDES, Side, VALIDITIES, Validity } from '@robo/domain';
import { IsInstant } from '../common/instant';
import { MAX_PAISE, MAX_QUANTITY } from '../common/limits';
import { FreeText } from '../common/free-text';

const SYMBOL = /^[A-Z0-9][A-Z0-9&. -]{0,59}$/;
const TOKEN = /^[A-Za-z0-9._:-]{1,64}$/;

export class PlaceOrderDto implements PlaceOrderBody {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  accountId!: string;

  @ApiProperty({ example: 'RELIANCE', description: 'Equity symbol, or an index option such as "NIFTY 2026-12-31 24000 CE"' })
  @IsString()
  @Matches(SYMBOL, { message: 'instrument must be an NSE symbol' })
  instrument!: string;

  @ApiProperty({ enum: SIDES })
  @IsIn(SIDES)
  side!: Side;

  @ApiProperty({ minimum: 1, example: 10 })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @ApiProperty({ enum: ORDER_TYPES })
  @IsIn(ORDER_TYPES)
  type!: OrderType;

  @ApiPropertyOptional({ description: 'LIMIT and SL: limit price in paise, on the tick grid' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  limitPricePaise?: number | null;

  @ApiPropertyOptional({ description: 'SL and SL-M: trigger price in paise' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  triggerPricePaise?: number | null;

  @ApiProperty({ enum: PRODUCTS })
  @IsIn(PRODUCTS)
  product!: Product;

  @ApiProperty({ enum: VALIDITIES })
  @IsIn(VALIDITIES)
  validity!: Validity;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(TOKEN)
  strategyId?: string | null;

  @ApiPropertyOptional({ description: 'Your own id for the order, unique per account' })
  @IsOptional()
  @IsString()
  @Matches(TOKEN)
  clientOrderId?: string | null;
}

export class ReportFillDto implements ReportFillBody {
  @ApiProperty({ description: 'The execution id from the broker; the same report twice changes nothing, the id with other data is refused (409)' })
  @IsString()
  @Matches(TOKEN)
  fillId!: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @ApiProperty({ description: 'Execution price in paise' })
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  pricePaise!: number;

  @ApiPropertyOptional({ description: "Charges in paise; when omitted, the schedule's charges on the order's cumulative turnover minus those already booked" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PAISE)
  feesPaise?: number;

  @ApiProperty({ example: '2026-11-20T10:15:00+05:30', description: 'Business time of the execution, with offset' })
  @IsInstant()
  occurredAt!: string;

  @ApiPropertyOptional({ description: 'A trade reported after its session (a late trade report): the session check is skipped' })
  @IsOptional()
  @IsBoolean()
  late?: boolean;
}

export class CancelOrderDto implements CancelOrderBody {
  @ApiPropertyOptional({ example: 'changed my mind' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @FreeText()
  reason?: string;
}

export class TriggerOrderDto implements TriggerOrderBody {
  @ApiProperty({ description: 'Last traded price that hit the trigger, in paise' })
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  lastPricePaise!: number;
}

export class ModifyOrderDto implements ModifyOrderBody {
  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  limitPricePaise?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAISE)
  triggerPricePaise?: number;
}

export class OrderCommandResponse {
  @ApiProperty() orderId!: string;
  @ApiProperty() status!: string;
  @ApiProperty() streamRevision!: number;
  @ApiProperty({ description: 'Global position of the last event this command caused; pass as minPosition to read your own write' })
  globalPosition!: number;
}
