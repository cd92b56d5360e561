import type { CreateKeyBody, TokenBody } from '@robo/contract';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { MAX_GRANTS, ROLES, type Role } from '@robo/credentials';

export class TokenRequestDto implements TokenBody {
  @ApiProperty({ description: 'An API key, rtk_<kid>_<secret>' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  apiKey!: string;
}

export class TokenResponse {
  @ApiProperty({ description: 'Send as "Authorization: Bearer <accessToken>"' }) accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: string;
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn!: number;
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
}

export class CreateKeyDto implements CreateKeyBody {
  @ApiProperty({ example: 'asha-desk', maxLength: 100 })
  @IsString()
  @Matches(/^[\x20-\x7e]{1,100}$/, { message: 'name must be 1 to 100 printable ASCII characters' })
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ type: [String], description: 'Accounts a trader or viewer key may use' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_GRANTS)
  @IsUUID('all', { each: true })
  accountIds?: string[];
}

export class GrantDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  accountId!: string;
}

export class ApiKeyResponse {
  @ApiProperty() kid!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ type: [String] }) accountIds!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class CreatedKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'Shown once: store it now; only a hash is kept' }) apiKey!: string;
}
