/**
 * Whose fault an error is: `caller` — the request, record, file or command line must change (4xx);
 * `operator` — the configuration must change; `dependency` — a store, bus or feed failed;
 * `internal` — a bug.
 */
export type ErrorFault = 'caller' | 'operator' | 'dependency' | 'internal';

export interface ErrorCodeSpec {
  /** The HTTP status an error of this code answers with; a throw site never picks one. */
  readonly status: number;
  readonly fault: ErrorFault;
}

/**
 * Every stable error code yrd-air emits, in HTTP bodies, reject rows, dead-letter messages, feed
 * states and CLI messages, with its HTTP status and whose fault it is. The error classes
 * (errors.ts) and the API's error handler take the status from here, so one code always answers
 * with one status. Each has a row in docs/errors.md (a test checks both directions and the
 * status), and each is emitted somewhere in the sources (another test checks that).
 */
export const ERROR_REGISTRY = {
  CONFIG_INVALID: { status: 500, fault: 'operator' },
  CLI_ARGUMENT_INVALID: { status: 400, fault: 'caller' },
  STATION_LIST_INVALID: { status: 400, fault: 'caller' },
  FEED_HTTP_FAILED: { status: 502, fault: 'dependency' },
  FEED_PARSE_FAILED: { status: 502, fault: 'dependency' },
  READING_INVALID: { status: 400, fault: 'caller' },
  READING_UNKNOWN_STATION: { status: 422, fault: 'caller' },
  READING_STATION_NOT_OWNED: { status: 403, fault: 'caller' },
  READING_TIME_IN_FUTURE: { status: 422, fault: 'caller' },
  MESSAGE_MALFORMED: { status: 400, fault: 'caller' },
  QUERY_INVALID: { status: 400, fault: 'caller' },
  QUERY_INVALID_RANGE: { status: 400, fault: 'caller' },
  QUERY_UNKNOWN_AREA: { status: 422, fault: 'caller' },
  QUERY_UNPROCESSABLE: { status: 422, fault: 'caller' },
  FORECAST_INVALID: { status: 400, fault: 'caller' },
  FORECAST_UNKNOWN_CITY: { status: 422, fault: 'caller' },
  FORECAST_CITY_NOT_OWNED: { status: 403, fault: 'caller' },
  AUTH_KEY_INVALID: { status: 401, fault: 'caller' },
  AUTH_FORBIDDEN: { status: 403, fault: 'caller' },
  RATE_LIMITED: { status: 429, fault: 'caller' },
  BODY_TOO_LARGE: { status: 413, fault: 'caller' },
  MEDIA_TYPE_UNSUPPORTED: { status: 415, fault: 'caller' },
  PRECONDITION_FAILED: { status: 412, fault: 'caller' },
  URI_TOO_LONG: { status: 414, fault: 'caller' },
  HEADERS_TOO_LARGE: { status: 431, fault: 'caller' },
  REQUEST_TIMEOUT: { status: 408, fault: 'caller' },
  RANGE_NOT_SATISFIABLE: { status: 416, fault: 'caller' },
  NOT_FOUND: { status: 404, fault: 'caller' },
  STORE_UNAVAILABLE: { status: 503, fault: 'dependency' },
  STORE_LOCKED: { status: 503, fault: 'dependency' },
  BUS_UNAVAILABLE: { status: 503, fault: 'dependency' },
  INTERNAL: { status: 500, fault: 'internal' },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;

/** The codes in registry order (the order of docs/errors.md), for zod's enum. */
export const ERROR_CODES = Object.keys(ERROR_REGISTRY) as [ErrorCode, ...ErrorCode[]];

/** The codes whose fault is `F`: `InputError` takes only caller codes, `DependencyError` only dependency codes. */
export type ErrorCodeOf<F extends ErrorFault> = {
  [C in ErrorCode]: (typeof ERROR_REGISTRY)[C]['fault'] extends F ? C : never;
}[ErrorCode];

/** The HTTP status of a code. */
export const statusOf = (code: ErrorCode): number => ERROR_REGISTRY[code].status;
