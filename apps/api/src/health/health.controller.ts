import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle, ThrottlerStorage } from '@nestjs/throttler';
import type { Response } from 'express';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, StoreConnection } from '@robo/read-models';
import { CREDENTIAL_STORE, CredentialStore } from '@robo/credentials';
import { RedisWindowStorage } from '../auth/redis-window.storage';
import { Public } from '../auth/roles.decorator';
import { ShutdownService } from '../lifecycle/shutdown.service';
import { BrokerHealthService } from '../brokers/broker-health.service';

/** Probes for orchestrators: public, never rate limited. */
@ApiTags('health')
@Controller('health')
@Public()
@SkipThrottle()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: StoreConnection,
    @Inject(CREDENTIAL_STORE) private readonly credentials: CredentialStore,
    private readonly shutdown: ShutdownService,
    @Inject(ThrottlerStorage) private readonly rateLimits: ThrottlerStorage,
    private readonly brokers: BrokerHealthService,
  ) {}

  /** The process is up. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * Every store answers and the process is not shutting down: the api can take commands and queries. With REDIS_URL
   * the rate-limit counts' Redis is a store too (`rateLimit`): every request needs it. With Kite configured,
   * `brokers.kite` shows its route (circuit breaker, token): informative only, since paper accounts and every read
   * still work while Kite is down; orders of Kite accounts are the ones answered 503.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const redis = this.rateLimits instanceof RedisWindowStorage ? this.rateLimits : null;
    const [eventStore, readStore, credentialStore, rateLimit] = await Promise.all([
      probe(() => this.events.ping()),
      probe(() => this.reads.ping()),
      probe(() => this.credentials.ping()),
      redis ? probe(() => redis.ping()) : Promise.resolve(null),
    ]);
    const ready = eventStore === 'ok' && readStore === 'ok' && credentialStore === 'ok' && rateLimit !== 'unavailable' && !this.shutdown.draining;
    res.status(ready ? 200 : 503);
    const checks = { eventStore, readStore, credentialStore, ...(rateLimit !== null ? { rateLimit } : {}) };
    const kite = await this.brokers.kiteHealth();
    return { status: ready ? 'ready' : this.shutdown.draining ? 'shutting_down' : 'not_ready', checks, ...(kite ? { brokers: { kite } } : {}) };
  }
}

async function probe(check: () => Promise<void>): Promise<'ok' | 'unavailable'> {
  try {
    await check();
    return 'ok';
  } catch {
    return 'unavailable';
  }
}
