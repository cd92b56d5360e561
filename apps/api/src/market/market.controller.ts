import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Quote } from '@robo/market-data';
import type { OptionChain, Quotes } from '@robo/contract';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { MarketDataService } from './market-data.service';
import { OptionChainQueryDto, QuotesQueryDto } from './market.dto';

/** Market data is the same for everyone: every role may read it. */
@ApiTags('market')
@ApiBearerAuth()
@Controller('api/market')
export class MarketController {
  constructor(private readonly market: MarketDataService) {}

  @Get('quotes')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: 'Latest bid/ask/last of equities, indices and index options or futures' })
  quotes(@Query() query: QuotesQueryDto): Quotes {
    const symbols = query.symbols ? [...new Set(query.symbols.split(',').map((s) => s.trim()).filter((s) => s !== ''))] : null;
    if (symbols !== null && symbols.length > 100) throw new ApiError(400, 'TOO_MANY_SYMBOLS', 'at most 100 symbols per request');
    const quotes = symbols === null ? this.market.feed.simulation.quotes() : symbols.map((s) => this.market.quote(s));
    const unknown = symbols?.filter((_, i) => quotes[i] === null) ?? [];
    if (unknown.length > 0) throw new ApiError(400, 'UNKNOWN_INSTRUMENT', `no quote for ${unknown.join(', ')}`, { symbols: unknown });
    return { at: this.market.feed.now(), quotes: quotes as Quote[] };
  }

  @Get('option-chain')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: 'Calls and puts around the money for one expiry, Black-Scholes premiums' })
  optionChain(@Query() query: OptionChainQueryDto): OptionChain {
    return this.market.optionChain(query.underlying ?? 'NIFTY', query.expiry, query.strikes ?? 5);
  }
}
