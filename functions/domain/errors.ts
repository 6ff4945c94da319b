/**
 * Typed domain errors. Handlers map them to HTTP problems in one place
 * (functions/shared/http.ts), so use cases never think in status codes.
 */
export interface FieldIssue {
  /** JSON-pointer-like path to the offending field, e.g. `lines/0/quantity`. */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  /** `unavailable`: a service the request depends on failed; the caller may retry later. */
  abstract readonly kind:
    | 'validation'
    | 'unauthorized'
    | 'forbidden'
    | 'not_found'
    | 'conflict'
    | 'payload_too_large'
    | 'unavailable'
    | 'unprocessable';
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** The caller is known but may not do this, or not here. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly kind = 'payload_too_large';
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Well-formed and about a known resource, but a business rule refuses it (a return window passed). */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'UnprocessableError';
  }
}
