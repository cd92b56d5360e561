import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { kiteSessionExpiry } from '@robo/domain';
import { exchangeKiteRequestToken, kiteLoginFailure, type KiteBroker } from '@robo/broker-kite';
import { BrokerSessions } from '@robo/credentials';
import type { BrokerSession } from '@robo/contract';
import { APP_CONFIG, AppConfig } from '@robo/runtime';
import { ApiError } from '../common/api-error';
import { KITE_BROKER } from './broker-tokens';

export const BROKER_SESSIONS = Symbol('BROKER_SESSIONS');

/**
 * Kite's daily login: the request_token of the login redirect becomes the day's access token, stored sealed
 * (BrokerSessions) and handed to the Kite adapter. The router asks for the stored token before each order
 * (refreshKite), so a login made by `robo broker login kite` while the api runs is used from the next order on.
 * Neither the request token nor the access token is logged or returned.
 */
@Injectable()
export class BrokerSessionService implements OnApplicationShutdown {
  constructor(
    @Inject(BROKER_SESSIONS) private readonly sessions: BrokerSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KITE_BROKER) private readonly kite: KiteBroker | null,
  ) {}

  async loginKite(requestToken: string): Promise<BrokerSession> {
    const app = this.kiteApp();
    if (!app.apiSecret) throw new ApiError(422, 'BROKER_SECRET_MISSING', 'the daily login needs the Kite app secret: set KITE_API_SECRET');
    try {
      await this.sessions.login('kite', () => exchangeKiteRequestToken({ apiKey: app.apiKey, apiSecret: app.apiSecret as string, root: app.root }, requestToken), kiteSessionExpiry);
    } catch (raw) {
      const failure = kiteLoginFailure(raw);
      throw new ApiError(failure.code === 'BROKER_UNREACHABLE' ? 502 : 422, failure.code, failure.message);
    }
    await this.refreshKite();
    return this.kiteSession();
  }

  /** The Kite session as people see it (never the token). */
  async kiteSession(): Promise<BrokerSession> {
    const app = this.kiteApp();
    const view = await this.sessions.view('kite');
    const tokenSource = view.state === 'connected' ? 'login' : app.accessToken ? 'environment' : 'none';
    return { ...view, tokenSource };
  }

  /** The token the Kite adapter should use: a valid stored login, else KITE_ACCESS_TOKEN; null when neither. */
  async kiteAccessToken(): Promise<string | null> {
    return (await this.sessions.accessToken('kite')) ?? this.config.kite?.accessToken ?? null;
  }

  /** Kite refused this token (TokenException): its stored session ends now (BrokerSessions.markRefused). */
  markKiteTokenRefused(token: string, at: string): Promise<void> {
    return this.sessions.markRefused('kite', token, at);
  }

  /** Hands a newer stored token to the adapter (after a login here or by the CLI). */
  async refreshKite(): Promise<void> {
    if (!this.kite) return;
    const token = await this.kiteAccessToken();
    if (token) this.kite.setAccessToken(token);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sessions.close();
  }

  private kiteApp(): NonNullable<AppConfig['kite']> {
    if (!this.config.kite) throw new ApiError(404, 'BROKER_NOT_CONFIGURED', 'Kite is not configured here (KITE_API_KEY)');
    return this.config.kite;
  }
}
