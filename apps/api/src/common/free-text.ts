import { Matches } from 'class-validator';

/**
 * Control characters (NUL, escapes, line breaks) and the bidirectional overrides that make text read differently
 * from what it holds: never in a name or a reason, which screens, logs and exports print as they are.
 */
const CONTROL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
export const PRINTABLE_TEXT = new RegExp(`^(?:(?!${CONTROL.source}).)*$`, 'su');

/** A free-text field (a name, a reason) without control characters: 400 VALIDATION_FAILED otherwise. */
export const FreeText = () => Matches(PRINTABLE_TEXT, { message: '$property must not contain control characters' });
