import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../common/command-context.decorator';
import { uuidParam } from '../common/uuid-param';
import type { CommandContext } from '@robo/write-path';
import { ApiKeyResponse, CreatedKeyResponse, CreateKeyDto, GrantDto } from './auth.dto';
import { KeyManager, type ChangedBy } from '@robo/credentials';
import { KidPipe } from './kid-param';
import { Roles } from './roles.decorator';

const by = (ctx: CommandContext): ChangedBy => ({ actor: ctx.actor, correlationId: ctx.correlationId, causationId: ctx.causationId });

/** Key management, admins only. Each change is also an event in the key's credential-<kid> stream. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin/keys')
@Roles('admin')
export class AdminKeysController {
  constructor(private readonly keys: KeyManager) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the secret is in this response only' })
  @ApiResponse({ status: 201, type: CreatedKeyResponse })
  async create(@Body() body: CreateKeyDto, @Ctx() ctx: CommandContext): Promise<CreatedKeyResponse> {
    const { record, apiKey } = await this.keys.create({ name: body.name, role: body.role, accountIds: body.accountIds ?? [] }, by(ctx));
    return { ...record, apiKey };
  }

  @Get()
  @ApiOperation({ summary: 'All keys (never their secrets)' })
  async list(): Promise<{ items: ApiKeyResponse[] }> {
    return { items: await this.keys.list() };
  }

  @Get(':kid')
  @ApiResponse({ status: 200, type: ApiKeyResponse })
  get(@Param('kid', KidPipe) kid: string): Promise<ApiKeyResponse> {
    return this.keys.get(kid);
  }

  @Post(':kid/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key: its tokens stop working at once' })
  @ApiResponse({ status: 200, type: ApiKeyResponse })
  revoke(@Param('kid', KidPipe) kid: string, @Ctx() ctx: CommandContext): Promise<ApiKeyResponse> {
    return this.keys.revoke(kid, by(ctx));
  }

  @Post(':kid/grants')
  @HttpCode(200)
  @ApiOperation({ summary: 'Grant a trader or viewer key access to an account' })
  @ApiResponse({ status: 200, type: ApiKeyResponse })
  grant(@Param('kid', KidPipe) kid: string, @Body() body: GrantDto, @Ctx() ctx: CommandContext): Promise<ApiKeyResponse> {
    return this.keys.grant(kid, body.accountId, by(ctx));
  }

  @Delete(':kid/grants/:accountId')
  @ApiOperation({ summary: 'Remove a grant' })
  @ApiResponse({ status: 200, type: ApiKeyResponse })
  ungrant(@Param('kid', KidPipe) kid: string, @Param('accountId', uuidParam()) accountId: string, @Ctx() ctx: CommandContext): Promise<ApiKeyResponse> {
    return this.keys.ungrant(kid, accountId, by(ctx));
  }
}
