import type { ErrorCode } from './error-codes';

/**
 * The error classes of ARCHITECTURE.md rule 6. Every error carries a stable code from the registry.
 * `InputError` is the caller's fault (4xx); `DependencyError` names a failing dependency and
 * says whether retrying may help.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly statusCode = 500,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export class InputError extends AppError {
  constructor(code: ErrorCode, message: string, details?: unknown, statusCode = 400) {
    super(code, message, details, statusCode);
    this.name = 'InputError';
  }
}

export class DependencyError extends AppError {
  constructor(
    code: ErrorCode,
    readonly dependency: 'clickhouse' | 'kafka' | 'feed' | 'bus',
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, { dependency }, 503, options);
    this.name = 'DependencyError';
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof DependencyError && err.retriable;
}
