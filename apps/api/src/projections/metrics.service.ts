import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ProjectionOpsService, type ProjectionStatusView } from './projection-ops.service';

/**
 * The Prometheus registry of this process (one per app instance, not prom-client's global one, so two apps in a
 * test process do not share figures). Projection gauges are computed at scrape time from the same status as
 * GET /api/projections; HTTP figures are recorded by HttpMetricsMiddleware.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private scrape: Promise<ProjectionStatusView[]> | null = null;

  constructor(private readonly ops: ProjectionOpsService) {
    this.httpRequests = new Counter({
      name: 'robo_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'robo_http_request_duration_seconds',
      help: 'HTTP request duration from arrival to the last byte sent',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    const gauge = (name: string, help: string, pick: (p: ProjectionStatusView) => number | boolean | null): void => {
      const metric: Gauge<'projection'> = new Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers: [this.registry],
        collect: async () => {
          metric.reset();
          for (const p of await this.projections()) {
            const value = pick(p);
            if (value !== null) metric.set({ projection: p.name }, typeof value === 'boolean' ? (value ? 1 : 0) : value);
          }
        },
      });
    };
    gauge('robo_projection_checkpoint', 'Last global position the projection committed', (p) => p.checkpoint);
    gauge('robo_projection_log_head', 'Global position of the last event in the log', (p) => p.head);
    // One of the two per store: positions count events on SQLite and bytes on EventStoreDB.
    gauge('robo_projection_lag_events', 'Events in the log after the projection checkpoint (stores whose positions count events: SQLite)', (p) => p.lagEvents);
    gauge('robo_projection_lag_bytes', 'Bytes of log after the projection checkpoint (stores whose positions are byte offsets: EventStoreDB)', (p) => p.lagBytes);
    gauge('robo_projection_lag_seconds', 'Age of the oldest event not yet projected (0 when caught up)', (p) => p.lagSeconds);
    gauge('robo_projection_events_per_second', 'Events read per second over the last 10 s (embedded projector only)', (p) => p.eventsPerSecond);
    gauge('robo_projection_standby', '1 while the embedded projector stands by (another instance holds the projector lease)', (p) => p.standby);
    gauge('robo_projection_caught_up', '1 when the checkpoint is at the log head', (p) => p.caughtUp);
    gauge('robo_projection_parked_events', 'Events parked in the dead-letter list', (p) => p.parked);
    gauge('robo_projection_failing', '1 while the projection loop retries a failure or has parked an event since start', (p) => p.lastError !== null);
  }

  /** All gauges of one scrape share one status read. */
  private projections(): Promise<ProjectionStatusView[]> {
    this.scrape ??= this.ops
      .status()
      .then((s) => s.projections)
      .catch(() => [])
      .finally(() => setImmediate(() => (this.scrape = null)));
    return this.scrape;
  }
}
