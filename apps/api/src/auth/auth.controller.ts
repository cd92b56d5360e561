import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticator, IssuedToken } from './authenticator.service';
import { TokenRequestDto, TokenResponse } from './auth.dto';
import { CurrentPrincipal, Principal } from './principal';
import { Public, Roles } from './roles.decorator';
import { ROLES } from '@robo/credentials';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly authenticator: Authenticator) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange an API key for a short-lived access token (AUTH_TOKEN_TTL_SECONDS)' })
  @ApiResponse({ status: 200, type: TokenResponse })
  token(@Body() body: TokenRequestDto): Promise<IssuedToken> {
    return this.authenticator.issueToken(body.apiKey);
  }

  @Get('me')
  @Roles(...ROLES)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller: key id, name, role and granted accounts' })
  me(@CurrentPrincipal() principal: Principal) {
    return { kid: principal.kid, name: principal.name, role: principal.role, accountIds: [...principal.accountIds].sort(), actor: principal.actor };
  }
}
