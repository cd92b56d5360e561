import * as path from 'node:path';
import { brokerSessionState, type BrokerSessionState, type IsoInstant } from '@robo/domain';
import type { AppConfig } from '@robo/runtime';
import type { BrokerSessionStore } from './broker-session-store.port';
import { BrokerTokenCipher } from './broker-token-cipher';
import { MongoBrokerSessionStore } from './mongo-broker-session-store';
import { BROKER_SESSIONS_FILE, SqliteBrokerSessionStore } from './sqlite-broker-session-store';

/** What a login at a broker gave: the access token and whose it is. */
export interface BrokerLogin {
  accessToken: string;
  userId: string | null;
}

/** A broker session as shown to people: never the token. */
export interface BrokerSessionView {
  broker: string;
  state: BrokerSessionState;
  userId: string | null;
  loggedInAt: IsoInstant | null;
  expiresAt: IsoInstant | null;
}

/**
 * The brokers' daily sessions: a login's access token is sealed (AES-256-GCM) before it is stored, opened only to be
 * handed to the broker adapter, and never returned in a view. Nothing here logs.
 */
export class BrokerSessions {
  constructor(
    private readonly store: BrokerSessionStore,
    private readonly cipher: BrokerTokenCipher,
    private readonly now: () => IsoInstant,
  ) {}

  /**
   * The configured sessions (the api and `robo broker login` open the same ones and key): beside the API keys,
   * CREDENTIAL_STORE=mongo in MongoDB (shared by replicas), else DATA_DIR/broker-sessions.db.
   */
  static open(config: Pick<AppConfig, 'brokerTokenKey' | 'dataDir'> & Partial<Pick<AppConfig, 'credentialStore' | 'mongoUrl'>>, now: () => IsoInstant): BrokerSessions {
    const cipher = BrokerTokenCipher.fromConfig(config);
    const store =
      config.credentialStore === 'mongo' && config.mongoUrl
        ? MongoBrokerSessionStore.connect({ url: config.mongoUrl })
        : SqliteBrokerSessionStore.open({ file: path.join(config.dataDir, BROKER_SESSIONS_FILE) });
    return new BrokerSessions(store, cipher, now);
  }

  /**
   * Runs the broker's token exchange and stores what it gave, valid until `expiryOf(login time)`. A refused
   * exchange throws its own error and stores nothing.
   */
  async login(broker: string, exchange: () => Promise<BrokerLogin>, expiryOf: (loggedInAt: IsoInstant) => IsoInstant): Promise<BrokerSessionView> {
    const { accessToken, userId } = await exchange();
    const loggedInAt = this.now();
    const session = { broker, sealedToken: this.cipher.seal(accessToken, broker), userId, loggedInAt, expiresAt: expiryOf(loggedInAt) };
    await this.store.save(session);
    return this.toView(broker, session);
  }

  /** The stored access token while its session is valid; null when none, expired, or not sealed by this key. */
  async accessToken(broker: string): Promise<string | null> {
    const session = await this.store.load(broker);
    if (!session || brokerSessionState(session, this.now()) !== 'connected') return null;
    return this.cipher.open(session.sealedToken, broker);
  }

  /**
   * The broker refused this token at `at` (Kite's TokenException): the stored session, when it holds that token,
   * ends then (its expiry brought forward), so neither this process nor the next start hands it out again.
   */
  async markRefused(broker: string, token: string, at: IsoInstant): Promise<void> {
    const session = await this.store.load(broker);
    if (!session || brokerSessionState(session, at) !== 'connected' || this.cipher.open(session.sealedToken, broker) !== token) return;
    await this.store.save({ ...session, expiresAt: at });
  }

  async view(broker: string): Promise<BrokerSessionView> {
    return this.toView(broker, await this.store.load(broker));
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private toView(broker: string, session: { userId: string | null; loggedInAt: IsoInstant; expiresAt: IsoInstant } | null): BrokerSessionView {
    return session
      ? { broker, state: brokerSessionState(session, this.now()), userId: session.userId, loggedInAt: session.loggedInAt, expiresAt: session.expiresAt }
      : { broker, state: 'absent', userId: null, loggedInAt: null, expiresAt: null };
  }
}
