/**
 * Every stable error code yrd-air emits, in HTTP bodies, reject rows and dead-letter messages.
 * Each has a row in docs/errors.md (a test checks both directions).
 */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'FEED_HTTP_FAILED',
  'FEED_PARSE_FAILED',
  'READING_INVALID',
  'READING_UNKNOWN_STATION',
  'READING_STATION_NOT_OWNED',
  'MESSAGE_MALFORMED',
  'QUERY_INVALID',
  'QUERY_INVALID_RANGE',
  'QUERY_UNKNOWN_AREA',
  'QUERY_UNPROCESSABLE',
  'AUTH_KEY_INVALID',
  'AUTH_FORBIDDEN',
  'RATE_LIMITED',
  'BODY_TOO_LARGE',
  'NOT_FOUND',
  'STORE_UNAVAILABLE',
  'STORE_LOCKED',
  'BUS_UNAVAILABLE',
  'NOT_IMPLEMENTED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
