import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { ProjectionOpsService } from './projection-ops.service';
import { ProjectionsController } from './projections.controller';

/** Projection status, dead letters, verified rebuilds and the Prometheus endpoint (docs/projections.md). */
@Module({
  controllers: [ProjectionsController, MetricsController],
  providers: [ProjectionOpsService, MetricsService, HttpMetricsMiddleware],
  exports: [ProjectionOpsService, MetricsService],
})
export class ProjectionsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
