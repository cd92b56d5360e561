import { Logger, Module } from '@nestjs/common';
import { KiteBroker } from '@robo/broker-kite';
import { BrokerSessions } from '@robo/credentials';
import { APP_CONFIG, AppConfig, WALL_CLOCK, type WallClock } from '@robo/runtime';
import { BrokerRoutingService, KITE_BROKER } from './broker-routing.service';
import { BROKER_SESSIONS, BrokerSessionService } from './broker-session.service';
import { BrokerSessionController } from './broker-session.controller';
import { KitePostbackController } from './kite-postback.controller';
import { BrokerHealthService } from './broker-health.service';
import { ProjectionsModule } from '../projections/projections.module';
import { KiteReconcilerService } from './kite-reconciler.service';
import { KiteReconciliationController } from './kite-reconciliation.controller';

/**
 * Live brokers. The Kite adapter exists when KITE_API_KEY is configured; it uses the token of the daily login
 * (stored encrypted, BrokerSessions) or else KITE_ACCESS_TOKEN. Without either it waits for a login (orders routed
 * meanwhile are refused by Kite and end "not placed at the broker").
 */
@Module({
  imports: [ProjectionsModule],
  controllers: [KitePostbackController, BrokerSessionController, KiteReconciliationController],
  providers: [
    {
      provide: BROKER_SESSIONS,
      inject: [APP_CONFIG, WALL_CLOCK],
      useFactory: (config: AppConfig, clock: WallClock): BrokerSessions => BrokerSessions.open(config, () => clock.now()),
    },
    {
      provide: KITE_BROKER,
      inject: [APP_CONFIG, BROKER_SESSIONS],
      useFactory: async (config: AppConfig, sessions: BrokerSessions): Promise<KiteBroker | null> => {
        const kite = config.kite;
        if (!kite) return null;
        const accessToken = (await sessions.accessToken('kite')) ?? kite.accessToken ?? '';
        const logger = new Logger('KiteBroker');
        const broker = new KiteBroker({
          apiKey: kite.apiKey,
          accessToken,
          ...(kite.apiSecret ? { apiSecret: kite.apiSecret } : {}),
          root: kite.root,
          tickerRoot: kite.tickerRoot,
          logger: { info: (fields, message) => logger.log({ ...fields, msg: message }), warn: (fields, message) => logger.warn({ ...fields, msg: message }) },
        });
        // Without a token the ticker would be refused: it opens with the first login's token (setAccessToken).
        if (broker.hasAccessToken) await broker.start();
        return broker;
      },
    },
    BrokerSessionService,
    BrokerRoutingService,
    BrokerHealthService,
    KiteReconcilerService,
  ],
  exports: [KITE_BROKER, BrokerSessionService, BrokerHealthService],
})
export class BrokersModule {}
