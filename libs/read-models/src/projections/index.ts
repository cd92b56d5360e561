import type { Projection } from '../projection';
import { accountPerformanceProjection } from './account-performance.projection';
import { accountsProjection } from './accounts.projection';
import { auditProjection } from './audit.projection';
import { dailyClosesProjection } from './daily-closes.projection';
import { ordersProjection } from './orders.projection';
import { positionsProjection } from './positions.projection';
import { pricesProjection } from './prices.projection';
import { strategyPerformanceProjection } from './strategy-performance.projection';
import { strategiesProjection } from './strategies.projection';

export * from './accounts.projection';
export * from './audit.projection';
export * from './orders.projection';
export * from './positions.projection';
export * from './prices.projection';
export * from './daily-closes.projection';
export * from './account-performance.projection';
export * from './strategy-performance.projection';
export * from './strategies.projection';
export { ACCOUNT_EVENT_TYPES, ORDER_EVENT_TYPES, POSITION_EVENT_TYPES } from './events';
export type { AccountEnvelope, OrderEnvelope, PositionEnvelope } from './events';

export const ALL_PROJECTIONS: readonly Projection[] = [
  ordersProjection,
  positionsProjection,
  pricesProjection,
  accountsProjection,
  auditProjection,
  dailyClosesProjection,
  accountPerformanceProjection,
  strategyPerformanceProjection,
  strategiesProjection,
];
