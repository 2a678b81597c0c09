import { statusOf, type ErrorCode, type ErrorCodeOf } from './error-codes';

/**
 * The error classes of ARCHITECTURE.md rule 6. Every error carries a stable code from the registry
 * (error-codes.ts), and its HTTP status is the code's: no throw site chooses a status.
 * `InputError` is the caller's fault (4xx) and takes only caller codes; `DependencyError` names
 * a failing dependency, takes only dependency codes and says whether retrying may help.
 */
export class AppError extends Error {
  /** The code's HTTP status, from the registry. */
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.statusCode = statusOf(code);
  }
}

export class InputError extends AppError {
  constructor(code: ErrorCodeOf<'caller'>, message: string, details?: unknown) {
    super(code, message, details);
    this.name = 'InputError';
  }
}

export class DependencyError extends AppError {
  constructor(
    code: ErrorCodeOf<'dependency'>,
    readonly dependency: 'clickhouse' | 'kafka' | 'feed' | 'bus',
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, { dependency }, options);
    this.name = 'DependencyError';
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof DependencyError && err.retriable;
}
