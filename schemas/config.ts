import { z } from 'zod';
import type { FeedDefinition } from './feeds/feed-definition';
import type { TargetRule } from './targets';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Blank equals unset: `PORT=` behaves like no PORT at all. */
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const brokerList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0),
  )
  .pipe(
    z
      .array(z.string().regex(/^[A-Za-z0-9._-]+:\d{1,5}$/, 'expected host:port'))
      .min(1, 'expected a comma-separated list of host:port'),
  );

/**
 * The environment of the public contract (README "Configuration"). One `.describe()` per
 * variable: meaning, unit, default. Only infra/config/load-config.ts reads process.env.
 */
export const zEnv = z
  .object({
    DATA_DIR: opt(z.string()).describe('Folder of the embedded ClickHouse store and local state. Default ./data'),
    CLICKHOUSE_URL: opt(
      z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://localhost:8123' }),
    ).describe('ClickHouse server URL; unset = embedded engine (chDB) in DATA_DIR'),
    CLICKHOUSE_USER: opt(z.string()).describe('ClickHouse user (server mode only). Default default'),
    CLICKHOUSE_PASSWORD: opt(z.string()).describe('ClickHouse password (server mode only)'),
    CLICKHOUSE_DATABASE: opt(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a database name of letters, digits and _'),
    ).describe('Database holding the yrd-air tables. Default yrd_air'),
    KAFKA_BROKERS: opt(brokerList).describe('Comma-separated host:port list; unset = in-process bus'),
    KAFKA_CLIENT_ID: opt(z.string()).describe('Kafka client id. Default yrd-air'),
    KAFKA_TOPIC_PREFIX: opt(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, ., _ or -')).describe(
      'Prefix of the Kafka topic names. Default yrd-air',
    ),
    KAFKA_SESSION_TIMEOUT_MS: opt(
      z.coerce.number({ error: 'expected milliseconds' }).int().min(6_000).max(300_000),
    ).describe("Consumer session timeout: how soon a dead processor's partitions move to another. Default 30000"),
    PROCESSOR_CONSUMERS: opt(z.coerce.number({ error: 'expected a number of consumers' }).int().min(1).max(6)).describe(
      'Kafka consumers of the processing group in this process (each takes its share of the 6 raw partitions). Default 1',
    ),
    CITY_MEANS_INCLUDE_CONTROL_SITES: opt(z.enum(['true', 'false'], { error: 'expected true or false' })).describe(
      'Count control sites (对照点) in city means; whether MEE does is unverified (docs/standards.md §3.3). Default false',
    ),
    PORT: opt(
      z.coerce
        .number({ error: 'expected an integer from 0 to 65535' })
        .int('expected an integer from 0 to 65535')
        .min(0, 'expected an integer from 0 to 65535')
        .max(65535, 'expected an integer from 0 to 65535'),
    ).describe('HTTP port of the API. Default 8080'),
    HOST: opt(z.string()).describe('Interface the API listens on. Default 0.0.0.0'),
    FEEDS_FILE: opt(z.string()).describe('JSON file of feed definitions. Default: the bundled simulator feeds'),
    TARGETS_FILE: opt(z.string()).describe(
      'JSON file of targets per area and year (schemas/targets.ts); adds to and overrides the defaults of docs/standards.md §5',
    ),
    CENTRE_KEYS_FILE: opt(z.string()).describe(
      'JSON file of hashed centre push keys. Default DATA_DIR/centre-keys.json',
    ),
    PUSH_BODY_LIMIT_BYTES: opt(
      z.coerce
        .number({ error: 'expected a number of bytes' })
        .int()
        .min(1024)
        .max(1024 ** 3),
    ).describe('Largest accepted push body, bytes. Default 16 MiB'),
    PUSH_RATE_PER_MINUTE: opt(
      z.coerce.number({ error: 'expected a number of requests' }).int().min(1).max(1_000_000),
    ).describe('Pushes allowed per centre key per minute. Default 120'),
    REVISION_RETENTION_DAYS: opt(
      z.coerce.number({ error: 'expected a number of days' }).int().min(1).max(36_500),
    ).describe(
      'Keep superseded revisions (corrected or replaced values) this many days; unset = keep all. The latest provisional and audited revision of each reading always stay',
    ),
    HISTORY_ON_FIRST_START: opt(z.enum(['true', 'false'], { error: 'expected true or false' })).describe(
      "On a first start (empty store) with no FEEDS_FILE, load a simulated history of the simulator's stations in the background, source simulated-history (removed by `yrd-air history remove`). Default true",
    ),
    HISTORY_DAYS: opt(z.coerce.number({ error: 'expected a number of days' }).int().min(1).max(3_660)).describe(
      'Days of simulated history a first start loads, ending where the live simulator begins. Default 365',
    ),
    LOG_LEVEL: opt(z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })).describe(
      'Log level. Default info',
    ),
  })
  .superRefine((env, ctx) => {
    if (env.CLICKHOUSE_URL === undefined) {
      for (const key of ['CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD'] as const) {
        if (env[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'only meaningful with CLICKHOUSE_URL set' });
        }
      }
    }
  })
  .transform((env) => ({
    dataDir: env.DATA_DIR ?? './data',
    clickhouse: {
      url: env.CLICKHOUSE_URL,
      username: env.CLICKHOUSE_USER ?? 'default',
      password: env.CLICKHOUSE_PASSWORD ?? '',
      database: env.CLICKHOUSE_DATABASE ?? 'yrd_air',
    },
    kafka: {
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID ?? 'yrd-air',
      topicPrefix: env.KAFKA_TOPIC_PREFIX ?? 'yrd-air',
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS ?? 30_000,
      consumers: env.PROCESSOR_CONSUMERS ?? 1,
    },
    statistics: { includeControlSites: env.CITY_MEANS_INCLUDE_CONTROL_SITES === 'true' },
    http: { port: env.PORT ?? 8080, host: env.HOST ?? '0.0.0.0' },
    push: {
      bodyLimitBytes: env.PUSH_BODY_LIMIT_BYTES ?? 16 * 1024 * 1024,
      ratePerMinute: env.PUSH_RATE_PER_MINUTE ?? 120,
    },
    feedsFile: env.FEEDS_FILE,
    targetsFile: env.TARGETS_FILE,
    centreKeysFile: env.CENTRE_KEYS_FILE,
    retention: { supersededDays: env.REVISION_RETENTION_DAYS },
    history: { onFirstStart: env.HISTORY_ON_FIRST_START !== 'false', days: env.HISTORY_DAYS ?? 365 },
    logLevel: env.LOG_LEVEL ?? 'info',
  }));

export type Env = z.input<typeof zEnv>;
/** The parsed environment plus the feed definitions read from FEEDS_FILE (undefined = the demo simulator's feeds). */
export type Config = z.output<typeof zEnv> & { feeds?: FeedDefinition[]; targets?: TargetRule[] };

/** Variables whose values must never be printed, even in an error message. */
export const SECRET_ENV_VARS: readonly string[] = ['CLICKHOUSE_PASSWORD', 'CLICKHOUSE_URL'];
