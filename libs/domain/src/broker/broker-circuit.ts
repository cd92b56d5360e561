import type { IsoInstant } from '../common/types';
import { parseInstantMs } from '../market/ist';

/**
 * The circuit breaker of a broker route: after `failureThreshold` consecutive calls that did not reach the broker
 * (no answer, a 5xx, a network error) the route opens and new orders are refused; after `coolDownMs` one probe is let
 * through, and the first answer from the broker closes it again. A refusal of one order (a 4xx: bad input, margin,
 * a 429) is an answer: it shows the broker is up, and resets the count. No clock here: every instant is passed in.
 */
export interface BrokerCircuitPolicy {
  failureThreshold: number;
  coolDownMs: number;
}

/** Kite's defaults: 5 failures in a row open the route for 30 s. */
export const DEFAULT_BROKER_CIRCUIT_POLICY: BrokerCircuitPolicy = { failureThreshold: 5, coolDownMs: 30_000 };

export type BrokerCircuit =
  | { state: 'closed'; consecutiveFailures: number; lastError: string | null }
  | { state: 'open'; since: IsoInstant; lastError: string; consecutiveFailures: number };

/** What one call to the broker showed: it answered (accepted or refused), or it did not reach it. */
export type BrokerCallOutcome = { reached: true } | { reached: false; error: string };

export const initialBrokerCircuit: BrokerCircuit = { state: 'closed', consecutiveFailures: 0, lastError: null };

export function recordBrokerCall(circuit: BrokerCircuit, outcome: BrokerCallOutcome, at: IsoInstant, policy: BrokerCircuitPolicy): BrokerCircuit {
  if (outcome.reached) return initialBrokerCircuit;
  const consecutiveFailures = circuit.consecutiveFailures + 1;
  // A failed probe (or any failure while open) opens it again from now: the cool-down starts over.
  if (circuit.state === 'open' || consecutiveFailures >= policy.failureThreshold) return { state: 'open', since: at, lastError: outcome.error, consecutiveFailures };
  return { state: 'closed', consecutiveFailures, lastError: outcome.error };
}

/**
 * What a new order (or cancel) meets at `now`: `route` (closed), `probe` (open, its cool-down over: try the broker
 * once before routing), or `refuse` (open and cooling down).
 */
export function brokerCircuitAdmits(circuit: BrokerCircuit, now: IsoInstant, policy: BrokerCircuitPolicy): 'route' | 'probe' | 'refuse' {
  if (circuit.state === 'closed') return 'route';
  const since = parseInstantMs(circuit.since);
  const at = parseInstantMs(now);
  if (since === null || at === null) return 'probe';
  return at - since >= policy.coolDownMs ? 'probe' : 'refuse';
}
