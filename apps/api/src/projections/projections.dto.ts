import type { RebuildBody } from '@robo/contract';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';

export class RebuildDto implements RebuildBody {
  @ApiPropertyOptional({ description: 'swap the shadow in even when it differs from the live copy (a new projection version)', default: false })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'only compare the shadow with the live copy; never swap', default: false })
  @IsOptional()
  @IsBoolean()
  verifyOnly?: boolean;
}

export class DeadLetterQueryDto {
  @ApiPropertyOptional({ description: 'only the dead letters of this projection' })
  @IsOptional()
  @Matches(/^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/, { message: 'projection must be a projection name' })
  projection?: string;
}
