import { Module } from '@nestjs/common';
import { MARKET_DATA_FEED } from '@robo/market-data';
import { MarketController } from './market.controller';
import { MarketDataService } from './market-data.service';

@Module({
  controllers: [MarketController],
  providers: [MarketDataService, { provide: MARKET_DATA_FEED, inject: [MarketDataService], useFactory: (m: MarketDataService) => m.feed }],
  exports: [MarketDataService, MARKET_DATA_FEED],
})
export class MarketModule {}
