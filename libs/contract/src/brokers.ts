import { type Static, t } from './schema';

/** POST /api/brokers/kite/session: the `request_token` Kite's login redirect carried. */
export const BrokerLoginBody = t.named('BrokerLoginBody', t.object({ requestToken: t.string({ description: "the request_token of Kite's login redirect (letters and digits)" }) }));
export type BrokerLoginBody = Static<typeof BrokerLoginBody>;

/** A broker's daily session, never its token. */
export const BrokerSession = t.named(
  'BrokerSession',
  t.object({
    broker: t.string(),
    state: t.enum(['absent', 'connected', 'expired'], { description: 'absent: no login stored; expired: past expiresAt (Kite: the next 06:00 IST after the login)' }),
    userId: t.nullable(t.string()),
    loggedInAt: t.nullable(t.instant()),
    expiresAt: t.nullable(t.instant()),
    tokenSource: t.enum(['login', 'environment', 'none'], { description: 'where the token the router uses comes from: the stored login, KITE_ACCESS_TOKEN, or none' }),
  }),
);
export type BrokerSession = Static<typeof BrokerSession>;
