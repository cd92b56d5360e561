import { KiteConnect } from 'kiteconnect';
import { asKiteError } from './kite-errors';

export interface KiteAppCredentials {
  apiKey: string;
  apiSecret: string;
  /** REST root (default Kite's own). */
  root?: string;
}

/** The shape of a `request_token` accepted before anything is sent to Kite. */
export const KITE_REQUEST_TOKEN = /^[A-Za-z0-9]{1,128}$/;
export const KITE_REQUEST_TOKEN_RULE = '1 to 128 letters and digits';
/** Where the user logs in to get a new request token. */
export const KITE_LOGIN_URL = 'https://kite.zerodha.com/connect/login';

/** Why a daily login failed, as the api and the CLI both say it: Kite did not answer, or refused the request token. */
export function kiteLoginFailure(raw: unknown): { code: 'BROKER_UNREACHABLE' | 'BROKER_LOGIN_REFUSED'; message: string } {
  const error = asKiteError(raw);
  if (error.answerLost) return { code: 'BROKER_UNREACHABLE', message: `Kite did not answer the login: ${error.message}` };
  return { code: 'BROKER_LOGIN_REFUSED', message: `Kite refused the login (${error.message}); log in again at ${KITE_LOGIN_URL} and use the new request_token` };
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
