import { KiteConnect } from 'kiteconnect';
import { asKiteError } from './kite-errors';

export interface KiteAppCredentials {
  apiKey: string;
  apiSecret: string;
  /** REST root (default Kite's own). */
  root?: string;
}

/**
 * The daily login's token exchange: the `request_token` from Kite's login redirect becomes the day's access token
 * (`POST /session/token` through the official client, which sends checksum sha256(api_key + request_token +
 * api_secret)). A refusal (TokenException: a bad checksum, a used or expired request token) is a KiteApiError.
 */
export async function exchangeKiteRequestToken(app: KiteAppCredentials, requestToken: string): Promise<{ accessToken: string; userId: string | null }> {
  const kc = new KiteConnect({ api_key: app.apiKey, ...(app.root ? { root: app.root } : {}) });
  try {
    const session = await kc.generateSession(requestToken, app.apiSecret);
    return { accessToken: session.access_token, userId: session.user_id ?? null };
  } catch (raw) {
    throw asKiteError(raw);
  }
}
