import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { createSecretKey } from 'node:crypto';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@robo/runtime';
import { WriteStep } from '@robo/write-path';
import { AccessService } from './access.service';
import { AdminBootstrapService, BOOTSTRAP_OUTPUT } from './admin-bootstrap.service';
import { AdminKeysController } from './admin-keys.controller';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator.service';
import { CredentialThrottlerGuard } from './credential-throttler.guard';
import { RedisWindowStorage } from './redis-window.storage';
import { SlidingWindowStorage } from './sliding-window.storage';
import { CREDENTIAL_STORE, CredentialStore, KeyManager, openCredentialStore } from '@robo/credentials';
import { resolveJwtSecret } from './jwt-secret';

/**
 * Authentication (bearer access tokens or API keys), authorization by role, per-credential rate limits, and key
 * management. The guards are global, in this order: rate limit (counted per key id, per address when the
 * credential is bad), then authentication and role.
 */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject, not a string: jsonwebtoken converts a string secret on every call, about 50 times the cost of
      // the HMAC itself, and every request verifies a token.
      useFactory: (config: AppConfig) => ({
        secret: createSecretKey(Buffer.from(resolveJwtSecret(config), 'utf8')),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      // With REDIS_URL the counts are in Redis, one budget per credential across every api replica.
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
        storage: config.redisUrl !== null ? new RedisWindowStorage(config.redisUrl) : new SlidingWindowStorage(),
      }),
    }),
  ],
  controllers: [AuthController, AdminKeysController],
  providers: [
    {
      provide: CREDENTIAL_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): CredentialStore => openCredentialStore(config),
    },
    {
      provide: KeyManager,
      inject: [CREDENTIAL_STORE, EVENT_STORE, CLOCK, WriteStep],
      useFactory: (store: CredentialStore, events: EventStore, clock: Clock, step: WriteStep) => new KeyManager(store, events, () => clock.now(), step),
    },
    { provide: BOOTSTRAP_OUTPUT, useValue: (text: string) => process.stdout.write(`${text}\n`) },
    Authenticator,
    AccessService,
    AdminBootstrapService,
    { provide: APP_GUARD, useClass: CredentialThrottlerGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  // ThrottlerModule: its storage, for readiness (Redis with REDIS_URL).
  exports: [Authenticator, AccessService, KeyManager, CREDENTIAL_STORE, ThrottlerModule],
})
export class AuthModule implements OnApplicationShutdown {
  constructor(@Inject(CREDENTIAL_STORE) private readonly store: CredentialStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
