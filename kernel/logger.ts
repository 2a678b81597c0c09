import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Anything that could hold a secret is censored wherever it appears in a log object. */
const REDACT_PATHS = [
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'key',
  '*.key',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'credentials',
  '*.credentials',
];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Human-readable output; default: only when stdout is a terminal (ARCHITECTURE.md rule 10). */
  pretty?: boolean;
  /** Where to write; default stdout. Tests pass a stream to read the logs back. */
  destination?: NodeJS.WritableStream;
}

/** The root logger, built once by the composition root and handed down as `deps.logger`. */
export function createLogger(opts: LoggerOptions): Logger {
  const base = { level: opts.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (opts.destination) return pino(base, opts.destination);
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard' } },
    });
  }
  return pino(base);
}
