import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { KiteBroker } from '@robo/broker-kite';
import type { KiteReconciliation } from '@robo/contract';
import { OPERATOR_ROLES } from '@robo/credentials';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { KITE_BROKER } from './broker-tokens';
import { KiteReconcilerService } from './kite-reconciler.service';

/** The reconciliation with Kite, for operators (admins and auditors): passes, what they appended, what is open. */
@ApiTags('brokers')
@ApiBearerAuth()
@Controller('api/brokers/kite')
@Roles(...OPERATOR_ROLES)
export class KiteReconciliationController {
  constructor(
    private readonly reconciler: KiteReconcilerService,
    @Inject(KITE_BROKER) private readonly broker: KiteBroker | null,
  ) {}

  @Get('reconciliation')
  @ApiOperation({
    summary:
      'The reconciliation with Kite: passes (at start, after each ticker reconnection, every KITE_RECONCILE_SECONDS), the last pass and what it appended, external orders, open position discrepancies; 404 BROKER_NOT_CONFIGURED without KITE_API_KEY',
  })
  async reconciliation(): Promise<KiteReconciliation> {
    if (!this.broker) throw new ApiError(404, 'BROKER_NOT_CONFIGURED', 'Kite is not configured here (KITE_API_KEY): nothing is reconciled');
    return this.reconciler.view();
  }
}
