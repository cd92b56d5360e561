import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { WALL_CLOCK, type WallClock } from '@robo/runtime';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Counts and times every HTTP request, labelled by the route pattern (`/api/orders/:id`, never the concrete id, so
 * the label set stays bounded); requests that match no route are labelled `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(WALL_CLOCK) private readonly wall: WallClock,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = this.wall.monotonicMs();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const labels = { method: req.method, route: typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched', status: String(res.statusCode) };
      this.metrics.httpRequests.inc(labels);
      this.metrics.httpDuration.observe(labels, (this.wall.monotonicMs() - started) / 1000);
    });
    next();
  }
}
