import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../queries/queries.dto';

/** Lengths and id formats are checked by the analyst itself (validateAskRequest), with its own error codes. */
export class AskQuestionDto {
  @ApiProperty({ description: 'The question, in plain language', maxLength: 4000 })
  @IsString()
  @MaxLength(4000)
  question!: string;

  @ApiPropertyOptional({ description: 'The account the question is about (required for trader and viewer keys)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  accountId?: string;

  @ApiPropertyOptional({ description: 'The strategy the question is about' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  strategyId?: string;
}

export const PROPOSAL_STATUSES = ['PROPOSED', 'APPROVED', 'REJECTED', 'PLACED', 'PLACEMENT_FAILED'];

export class ProposalsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ enum: PROPOSAL_STATUSES })
  @IsOptional()
  @IsIn(PROPOSAL_STATUSES)
  status?: string;
}

export class RejectProposalDto {
  @ApiProperty({ description: 'Why the proposal is turned down (recorded in OrderProposalRejected)', maxLength: 500 })
  @IsString()
  @MaxLength(500)
  reason!: string;
}
