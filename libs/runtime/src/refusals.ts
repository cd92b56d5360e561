import type { ServerResponse } from 'node:http';

const REFUSAL = Symbol('expectedRefusal');

/**
 * Marks a response as a refusal the api meant to give (a 503 ANALYST_DISABLED, a 503 while shutting down): the
 * request line of a 5xx is then logged at warn, without an error object or a stack, since nothing went wrong.
 */
export function markExpectedRefusal(res: ServerResponse, code: string): void {
  (res as ServerResponse & { [REFUSAL]?: string })[REFUSAL] = code;
}

/** The code of a refusal marked on this response, or undefined. */
export function expectedRefusalOf(res: ServerResponse): string | undefined {
  return (res as ServerResponse & { [REFUSAL]?: string })[REFUSAL];
}
