import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { KITE_REQUEST_TOKEN, KITE_REQUEST_TOKEN_RULE } from '@robo/broker-kite';
import type { BrokerLoginBody, BrokerSession } from '@robo/contract';
import { Roles } from '../auth/roles.decorator';
import { BrokerSessionService } from './broker-session.service';

export class BrokerLoginDto implements BrokerLoginBody {
  @ApiProperty({ example: 'fGh3k9...', description: "the request_token of Kite's login redirect" })
  @IsString()
  @Matches(KITE_REQUEST_TOKEN, { message: `requestToken must be ${KITE_REQUEST_TOKEN_RULE}` })
  requestToken!: string;
}

/** The brokers' daily login, admins only. */
@ApiTags('brokers')
@ApiBearerAuth()
@Controller('api/brokers/kite')
@Roles('admin')
export class BrokerSessionController {
  constructor(private readonly sessions: BrokerSessionService) {}

  @Get('session')
  @ApiOperation({ summary: "The Kite session: connected, expired or absent, with its expiry (the next 06:00 IST after the login); never the token" })
  session(): Promise<BrokerSession> {
    return this.sessions.kiteSession();
  }

  @Post('session')
  @HttpCode(200)
  @ApiOperation({ summary: "The daily login: turns the request_token of Kite's login redirect into the day's access token, stored encrypted" })
  login(@Body() body: BrokerLoginDto): Promise<BrokerSession> {
    return this.sessions.loginKite(body.requestToken);
  }
}
