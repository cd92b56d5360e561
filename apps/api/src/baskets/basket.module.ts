import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MarketModule } from '../market/market.module';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { BasketController } from './basket.controller';

/** Multi-leg basket P&L and payoff of a strategy. */
@Module({
  imports: [AuthModule, MarketModule],
  controllers: [BasketController],
  providers: [ReadYourWritesService],
})
export class BasketModule {}
