import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

// Fixed namespace for name-based (v5) event ids of this application.
const NAMESPACE = '6f0e1d4c-8a57-4b9a-9c3e-2f5b7a1d0c42';

/** A deterministic UUID: the same inputs always give the same id, so re-running a step changes nothing. */
export function derivedId(...parts: string[]): string {
  return uuidv5(parts.join('|'), NAMESPACE);
}

/**
 * A new random id. Time-ordered (UUIDv7): consecutive ids land on the same pages of the stores' unique indexes
 * instead of a random page each (a raw insert test committed nearly twice the rows per second).
 */
export function newId(): string {
  return uuidv7();
}

/** Event ids for one decision: deterministic when a seed is given, random otherwise. */
export function eventIdsFor(count: number, seed: string | null): string[] {
  return Array.from({ length: count }, (_, index) => (seed === null ? newId() : derivedId(seed, String(index))));
}
