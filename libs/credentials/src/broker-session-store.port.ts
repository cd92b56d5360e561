import type { IsoInstant } from '@robo/domain';

/** A broker session as stored: the access token only sealed (BrokerTokenCipher), never in clear. */
export interface StoredBrokerSession {
  broker: string;
  sealedToken: string;
  /** The broker's user id the session belongs to (Kite's `user_id`), when it said. */
  userId: string | null;
  loggedInAt: IsoInstant;
  /** When the broker stops accepting the token (Kite: the next 06:00 IST, kiteSessionExpiry). */
  expiresAt: IsoInstant;
}

/** The last session of each broker; a login replaces the previous one. */
export interface BrokerSessionStore {
  save(session: StoredBrokerSession): Promise<void>;
  load(broker: string): Promise<StoredBrokerSession | null>;
  close(): Promise<void>;
}
