import { AppError, DependencyError } from '../../kernel';

/**
 * Driver errors become `DependencyError`s at the boundary (ARCHITECTURE.md rule 7). A query the engine
 * refuses (syntax, types) is a bug, not worth retrying; anything else — connection refused,
 * timeouts, too many parts, memory — may pass on retry.
 */
const NOT_RETRIABLE_TYPES = new Set([
  'SYNTAX_ERROR',
  'UNKNOWN_TABLE',
  'UNKNOWN_DATABASE',
  'UNKNOWN_IDENTIFIER',
  'TYPE_MISMATCH',
  'ILLEGAL_TYPE_OF_ARGUMENT',
  'BAD_ARGUMENTS',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'INCORRECT_DATA',
]);

export function translateStoreError(err: unknown, doing: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; message?: string };
  const retriable = e.type === undefined || !NOT_RETRIABLE_TYPES.has(e.type);
  return new DependencyError(
    'STORE_UNAVAILABLE',
    'clickhouse',
    `ClickHouse failed while ${doing}: ${e.message ?? String(err)}`,
    retriable,
    {
      cause: err,
    },
  );
}
