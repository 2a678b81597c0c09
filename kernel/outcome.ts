import type { ErrorCode } from './error-codes';

/** Per-message outcomes are values, not exceptions (ARCHITECTURE.md rule 7). */
export type Outcome<T> = { kind: 'ok'; value: T } | { kind: 'deadLetter'; code: ErrorCode; reason: string };

export const ok = <T>(value: T): Outcome<T> => ({ kind: 'ok', value });
export const deadLetter = <T = never>(code: ErrorCode, reason: string): Outcome<T> => ({
  kind: 'deadLetter',
  code,
  reason,
});
