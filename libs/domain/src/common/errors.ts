/**
 * Every domain failure is an Error subclass with a stable, machine-readable code.
 * `kind` tells the edge how to map it (400 invalid, 404 unknown, 409 conflict, 422 rule).
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'rule';

export class DomainError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly kind: DomainErrorKind = 'rule',
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command broke a business rule of an aggregate (422). */
export class RuleViolation extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'rule', details);
  }
}

/** The command refers to something that does not exist (404). */
export class NotFound extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'not_found', details);
  }
}

/** The command is malformed in a way only the domain can see (400). */
export class InvalidCommand extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'invalid', details);
  }
}

/** The command clashes with what already exists (409). */
export class Conflict extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 'conflict', details);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
