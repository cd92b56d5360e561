import { Inject, Injectable, Logger } from '@nestjs/common';
import { KiteConnect } from 'kiteconnect';
import {
  accountStream,
  brokerCircuitAdmits,
  brokerOf,
  DEFAULT_BROKER_CIRCUIT_POLICY,
  evolveAccount,
  evolveOrder,
  initialAccountState,
  initialBrokerCircuit,
  initialOrderState,
  orderStream,
  parseInstantMs,
  recordBrokerCall,
  type BrokerCallOutcome,
  type BrokerCircuit,
  type BrokerCircuitPolicy,
  type IsoInstant,
} from '@robo/domain';
import { asKiteError } from '@robo/broker-kite';
import { WriteStep } from '@robo/write-path';
import { APP_CONFIG, AppConfig, WALL_CLOCK, type WallClock } from '@robo/runtime';
import { ApiError } from '../common/api-error';
import { BrokerSessionService } from './broker-session.service';

/** What the user does when Kite refused the day's token. */
export const KITE_LOGIN_AGAIN = 'log in again (POST /api/brokers/kite/session or robo broker login kite)';

/** The 503s of orders and cancels of Kite accounts (OpenAPI). */
export const KITE_NOT_ROUTABLE =
  'BROKER_UNAVAILABLE (a Kite account while Kite is not answering: the circuit breaker is open) or BROKER_TOKEN_EXPIRED (Kite refused the day\'s token: log in again); nothing recorded';

/** The Kite route as readiness shows it. */
export interface KiteRouteHealth {
  /** The circuit breaker: `closed` (orders routed) or `open` (refused with 503 BROKER_UNAVAILABLE). */
  circuit: 'closed' | 'open';
  since: IsoInstant | null;
  consecutiveFailures: number;
  lastError: string | null;
  /** `connected`, or `token expired: log in again (...)` once Kite refused the token (503 BROKER_TOKEN_EXPIRED). */
  session: string;
}

/** How one call to Kite ended, for the breaker and the session: a TokenException is an answer, but of a dead token. */
export function kiteCallOutcome(error: unknown): BrokerCallOutcome & { tokenRefused: boolean } {
  if (error === null || error === undefined) return { reached: true, tokenRefused: false };
  const kite = asKiteError(error);
  if (kite.answerLost) return { reached: false, error: kite.message, tokenRefused: false };
  return { reached: true, tokenRefused: kite.errorType === 'TokenException' };
}

/**
 * Whether orders of Kite accounts can go to Kite now. Two reasons they cannot, each answered 503 before anything is
 * recorded (the order or cancel changes nothing, and can be sent again):
 * - the circuit breaker (libs/domain broker-circuit) is open: calls failed to reach Kite N times in a row. After the
 *   cool-down the next order (or readiness) probes Kite with `GET /user/profile`; an answer closes the route.
 * - Kite refused the access token (TokenException: it expires around 06:00 IST). The stored session's expiry is
 *   brought forward to that moment (the session store, shared with `robo broker login`, so the CLI's status shows
 *   it and a restart does not use the token again); the order that met it ended "not placed at the broker" in the
 *   log. A login made after the refusal routes again from the next order.
 * Nothing is read while Kite is healthy: paper accounts and Kite accounts pay nothing for the check.
 */
@Injectable()
export class BrokerHealthService {
  private readonly logger = new Logger('BrokerHealth');
  private circuit: BrokerCircuit = initialBrokerCircuit;
  private refused: { at: IsoInstant; message: string } | null = null;
  private probe: Promise<void> | null = null;
  private readonly policy: BrokerCircuitPolicy;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WALL_CLOCK) private readonly clock: WallClock,
    private readonly sessions: BrokerSessionService,
    private readonly step: WriteStep,
  ) {
    this.policy = config.kite
      ? { failureThreshold: config.kite.breakerFailures, coolDownMs: config.kite.breakerCoolDownSeconds * 1000 }
      : DEFAULT_BROKER_CIRCUIT_POLICY;
  }

  /** One call of the router to Kite (a place or a cancel): `error` null when Kite accepted it. */
  async recordKiteCall(error: unknown): Promise<void> {
    const outcome = kiteCallOutcome(error);
    const before = this.circuit.state;
    const now = this.clock.now();
    this.circuit = recordBrokerCall(this.circuit, outcome, now, this.policy);
    if (before !== this.circuit.state) this.logger.warn({ circuit: this.circuit }, this.circuit.state === 'open' ? 'Kite route opened: orders refused until Kite answers' : 'Kite route closed');
    if (outcome.tokenRefused) await this.tokenRefused(now, asKiteError(error).message);
  }

  /** Refuses (503) a new order of this account when it trades through Kite and Kite cannot take it now. */
  async assertAccountRoutable(accountId: string): Promise<void> {
    if (!this.config.kite || (this.circuit.state === 'closed' && this.refused === null)) return;
    const account = await this.step.load(accountStream(accountId), evolveAccount, initialAccountState);
    if (brokerOf(account.state) === 'kite') await this.assertKiteRoutable();
  }

  /** Refuses (503) a cancel of an order of a Kite account while Kite cannot take it. */
  async assertOrderRoutable(orderId: string): Promise<void> {
    if (!this.config.kite || (this.circuit.state === 'closed' && this.refused === null)) return;
    const order = await this.step.load(orderStream(orderId), evolveOrder, initialOrderState);
    if (order.state.status !== 'NONE') await this.assertAccountRoutable(order.state.accountId);
  }

  /** The Kite route for readiness (probing Kite when the cool-down is over); null when Kite is not configured. */
  async kiteHealth(): Promise<KiteRouteHealth | null> {
    if (!this.config.kite) return null;
    await this.settleToken();
    if (brokerCircuitAdmits(this.circuit, this.clock.now(), this.policy) === 'probe') await this.probeKite();
    const c = this.circuit;
    return {
      circuit: c.state,
      since: c.state === 'open' ? c.since : null,
      consecutiveFailures: c.consecutiveFailures,
      lastError: c.lastError,
      session: this.refused ? `token expired: ${KITE_LOGIN_AGAIN}` : 'connected',
    };
  }

  private async assertKiteRoutable(): Promise<void> {
    await this.settleToken();
    if (this.refused) {
      throw new ApiError(503, 'BROKER_TOKEN_EXPIRED', `Kite refused the access token at ${this.refused.at} (${this.refused.message}): ${KITE_LOGIN_AGAIN}; nothing was placed`);
    }
    const admits = brokerCircuitAdmits(this.circuit, this.clock.now(), this.policy);
    if (admits === 'probe') await this.probeKite();
    const c = this.circuit;
    if (c.state === 'open') {
      throw new ApiError(
        503,
        'BROKER_UNAVAILABLE',
        `Kite is not answering (since ${c.since}, ${c.consecutiveFailures} failures in a row, last: ${c.lastError}); orders of Kite accounts are refused until it answers again, nothing was placed`,
        { broker: 'kite', since: c.since, retryAfterSeconds: Math.ceil(this.policy.coolDownMs / 1000) },
      );
    }
  }

  /** One probe at a time: `GET /user/profile` with the token in use. */
  private probeKite(): Promise<void> {
    this.probe ??= (async () => {
      try {
        const kite = this.config.kite as NonNullable<AppConfig['kite']>;
        const token = (await this.sessions.kiteAccessToken()) ?? '';
        let error: unknown = null;
        await new KiteConnect({ api_key: kite.apiKey, access_token: token, root: kite.root }).getProfile().catch((raw: unknown) => {
          error = raw;
        });
        await this.recordKiteCall(error);
      } finally {
        this.probe = null;
      }
    })();
    return this.probe;
  }

  /** A token refused by Kite stays refused until a login made after the refusal (here or by `robo broker login kite`). */
  private async settleToken(): Promise<void> {
    if (!this.refused) return;
    const { loggedInAt } = await this.sessions.kiteSession();
    const refusedAt = parseInstantMs(this.refused.at) ?? Number.POSITIVE_INFINITY;
    if (loggedInAt === null || (parseInstantMs(loggedInAt) ?? 0) <= refusedAt) return;
    this.logger.log({}, 'a new Kite login: orders route again');
    this.refused = null;
    await this.sessions.refreshKite();
  }

  private async tokenRefused(at: IsoInstant, message: string): Promise<void> {
    if (this.refused) return;
    this.refused = { at, message };
    this.logger.warn({ at }, `Kite refused the access token: ${KITE_LOGIN_AGAIN}`);
    const token = await this.sessions.kiteAccessToken();
    if (token !== null) await this.sessions.markKiteTokenRefused(token, at);
  }
}
