import { Logger, Module } from '@nestjs/common';
import { KiteBroker } from '@robo/broker-kite';
import { APP_CONFIG, AppConfig } from '@robo/runtime';
import { BrokerRoutingService, KITE_BROKER } from './broker-routing.service';
import { KitePostbackController } from './kite-postback.controller';

/**
 * Live brokers. The Kite adapter exists when KITE_API_KEY and an access token are configured; without them no order
 * is routed to Kite (accounts may still choose kite: their orders then end "not placed at the broker").
 */
@Module({
  controllers: [KitePostbackController],
  providers: [
    {
      provide: KITE_BROKER,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<KiteBroker | null> => {
        const kite = config.kite;
        if (!kite || !kite.accessToken) return null;
        const logger = new Logger('KiteBroker');
        const broker = new KiteBroker({
          apiKey: kite.apiKey,
          accessToken: kite.accessToken,
          ...(kite.apiSecret ? { apiSecret: kite.apiSecret } : {}),
          root: kite.root,
          tickerRoot: kite.tickerRoot,
          logger: { info: (fields, message) => logger.log({ ...fields, msg: message }), warn: (fields, message) => logger.warn({ ...fields, msg: message }) },
        });
        await broker.start();
        return broker;
      },
    },
    BrokerRoutingService,
  ],
  exports: [KITE_BROKER],
})
export class BrokersModule {}
