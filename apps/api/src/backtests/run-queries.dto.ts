import { OmitType } from '@nestjs/swagger';
import { LineageQuery } from '../audit/audit.dto';
import { AuditQuery, PortfolioQuery } from '../queries/queries.dto';

/*
 * The live queries' parameters, less what a finished run has no use for: its read models are complete (no
 * minPosition to wait for) and it has one account (lineage names none).
 */
export class RunAuditQuery extends OmitType(AuditQuery, ['minPosition'] as const) {}
export class RunPortfolioQuery extends OmitType(PortfolioQuery, ['minPosition'] as const) {}
export class RunLineageQuery extends OmitType(LineageQuery, ['accountId'] as const) {}
