import { isIsoDate, parseInstantMs } from '@robo/domain';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Longer than any ISO-8601 instant (nanoseconds and an offset fit in 35 characters). */
const MAX_INSTANT_LENGTH = 40;

/**
 * An ISO-8601 instant with `Z` or an offset, a real date and time (no 2026-02-30, no hour 24, no offset-less local
 * time). The one parser is the domain's `parseInstantMs`, so a DTO accepts exactly what the domain can read.
 */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_INSTANT_LENGTH && parseInstantMs(value) !== null;
}

/** A real calendar date written `YYYY-MM-DD` (no 2026-02-30). */
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && value.length === 10 && isIsoDate(value);
}

function decorator(name: string, test: (value: unknown) => boolean, describe: string) {
  return (options?: ValidationOptions) =>
    (target: object, propertyName: string): void => {
      registerDecorator({
        name,
        target: target.constructor,
        propertyName,
        options: { message: `${propertyName} must be ${describe}`, ...options },
        validator: { validate: test },
      });
    };
}

/** Class-validator: an ISO-8601 instant with an offset, strictly parsed. */
export const IsInstant = decorator('isInstant', isInstant, 'an ISO-8601 instant with an offset (Z or +HH:MM) and a real date and time, e.g. 2026-11-20T10:00:00+05:30');

/** Class-validator: a real calendar date `YYYY-MM-DD`. */
export const IsCalendarDate = decorator('isCalendarDate', isCalendarDate, 'a real calendar date YYYY-MM-DD');

/** The instant as a UTC string of one shape (`...T...sssZ`), which sorts as the instants do. */
export function utcInstant(value: string): string {
  const ms = parseInstantMs(value);
  if (ms === null) throw new TypeError(`not a validated instant: ${value}`);
  return new Date(ms).toISOString();
}
