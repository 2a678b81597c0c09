import { Command, InvalidArgumentError } from 'commander';
import { issueKey, revokeKeys } from '../api';
import { AppError, InputError, createLogger, type Logger } from '../kernel';
import { loadConfig } from '../infra';
import {
  centreKeysFile,
  describeBackfill,
  importStations,
  runBackfillCommand,
  runMigrate,
  runPrune,
  runSimulate,
} from './commands';
import { HISTORY_SOURCE, removeHistory } from './history';
import { startAll, startApi, startIngest, startProcessing, type Running } from './roles';
import { zCentre, type Centre, type Config } from '../schemas';

/** Exit codes: 1 runtime failure, 78 configuration error (EX_CONFIG). */
const EXIT_FAILURE = 1;
const EXIT_CONFIG = 78;

/** Whether a failure also prints its stack: only when asked for, with LOG_LEVEL=debug (or trace). */
let showStacks = false;

/**
 * Ends the command on a failure with one line, `yrd-air: CODE: message`, and a non-zero exit; the
 * stack only with LOG_LEVEL=debug. A configuration error prints one line per problem, each
 * naming the variable (values are never echoed), and exits 78.
 */
function fail(err: unknown, logger?: Logger): never {
  logger?.flush();
  if (err instanceof AppError && err.code === 'CONFIG_INVALID') {
    for (const line of err.message.split('\n')) process.stderr.write(`yrd-air: invalid configuration: ${line}\n`);
    process.exit(EXIT_CONFIG);
  }
  const [code, message] =
    err instanceof AppError ? [err.code, err.message] : ['INTERNAL', (err as Error)?.message ?? String(err)];
  process.stderr.write(`yrd-air: ${code}: ${message.replace(/\s*\n\s*/g, '; ')}\n`);
  if (showStacks && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(EXIT_FAILURE);
}

function setup(): { config: Config; logger: Logger } {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    fail(err);
  }
  showStacks = config.logLevel === 'debug' || config.logLevel === 'trace';
  return { config, logger: createLogger({ level: config.logLevel }) };
}

/** A one-shot command: configured, run, its output printed; any failure ends it through `fail`. */
function oneShot<A extends unknown[]>(
  run: (config: Config, logger: Logger, ...args: A) => Promise<string | undefined> | string | undefined,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const { config, logger } = setup();
    try {
      const out = await run(config, logger, ...args);
      if (out !== undefined) process.stdout.write(`${out}\n`);
    } catch (err) {
      fail(err, logger);
    }
  };
}

/** A server's HTTP port that cannot be opened is the operator's to change: a configuration error naming PORT. */
function portProblem(err: unknown): unknown {
  const sys = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (sys?.syscall !== 'listen' || (sys.code !== 'EADDRINUSE' && sys.code !== 'EACCES')) return err;
  const why = sys.code === 'EADDRINUSE' ? 'is already in use by another process' : 'may not be opened by this user';
  return new AppError('CONFIG_INVALID', `PORT: ${sys.address ?? ''}:${sys.port ?? ''} ${why}`, undefined, {
    cause: err,
  });
}

/** Runs a long-lived role until SIGINT/SIGTERM, then stops it in order. */
async function serve(
  start: (config: Config, logger: Logger) => Promise<Running>,
  banner: (r: Running) => string | undefined,
): Promise<void> {
  const { config, logger } = setup();
  let running: Running;
  try {
    running = await start(config, logger);
  } catch (err) {
    fail(portProblem(err), logger);
  }
  const line = banner(running);
  if (line) process.stdout.write(`${line}\n`);
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  running.done.catch(async (err) => {
    logger.error({ err }, 'a role stopped on an error');
    await running.stop();
    fail(err, logger);
  });
}

const program = new Command('yrd-air')
  .description('PM2.5 and ozone data pipeline for the Yangtze River Delta')
  // A wrong command line is a failure like any other: one line with its code (and a pointer to --help).
  .configureOutput({
    outputError: (text, write) =>
      write(`yrd-air: CLI_ARGUMENT_INVALID: ${text.replace(/^error: /, '').trim()} (see --help)\n`),
  });

program
  .command('start')
  .description('ingest, processing and the API in one process (embedded store unless CLICKHOUSE_URL is set)')
  .action(() =>
    serve(startAll, (r) => `yrd-air is running: API at ${r.url?.replace('0.0.0.0', 'localhost')} (Ctrl-C to stop)`),
  );
program
  .command('process')
  .description('the stream processor alone (needs KAFKA_BROKERS)')
  .action(() => serve(startProcessing, () => undefined));
program
  .command('api')
  .description('the HTTP API alone')
  .action(() => serve(startApi, (r) => `yrd-air API at ${r.url?.replace('0.0.0.0', 'localhost')}`));
program
  .command('ingest')
  .description('pull the feeds of FEEDS_FILE into Kafka (its own process: needs KAFKA_BROKERS, never the store)')
  .action(() =>
    serve(
      startIngest,
      (r) =>
        `yrd-air ingest is pulling ${r.ingest?.feeds().length ?? 0} feed(s); health at ${r.url?.replace('0.0.0.0', 'localhost')}`,
    ),
  );
program
  .command('migrate')
  .description('apply pending store migrations')
  .action(
    oneShot(async (config, logger) => {
      const applied = await runMigrate(config, logger);
      return applied.length ? `applied migrations ${applied.join(', ')}` : 'store is up to date';
    }),
  );
program
  .command('prune')
  .description(
    'delete superseded revisions older than --days (default REVISION_RETENTION_DAYS); the latest provisional and audited revision of each reading stay',
  )
  .option('--days <n>', 'age in days')
  .action(
    oneShot(async (config, logger, opts: { days?: string }) => {
      const days = opts.days !== undefined ? Number(opts.days) : config.retention.supersededDays;
      if (days === undefined || !Number.isInteger(days) || days < 1)
        throw new InputError(
          'CLI_ARGUMENT_INVALID',
          'prune: give --days <n> (a whole number of days, at least 1) or set REVISION_RETENTION_DAYS',
        );
      const n = await runPrune(config, logger, days);
      return `pruned ${n} superseded revisions older than ${days} days`;
    }),
  );
program
  .command('backfill')
  .argument('<files...>', 'national archive CSV files (china_sites_YYYYMMDD.csv)')
  .option('--audited', 'the files hold audited values (they supersede provisional ones)')
  .option('--force', 'read again files an earlier backfill finished')
  .description('load national archive CSV files (resumable; running it twice changes nothing)')
  .action(
    oneShot(async (config, logger, files: string[], opts: { audited?: boolean; force?: boolean }) =>
      describeBackfill(await runBackfillCommand(config, logger, files, opts)),
    ),
  );
program
  .command('simulate')
  .option('--seed <n>', 'generator seed', (v) => Number.parseInt(v, 10))
  .option('--archive <dir>', 'instead of serving, write archive CSV files to this folder')
  .option('--from <date>', 'first date of the archive files, YYYY-MM-DD')
  .option('--to <date>', 'last date of the archive files, YYYY-MM-DD')
  .description("serve the four centres' feeds locally (ports 8091–8094), or write archive files")
  .action(
    oneShot(async (config, logger, opts: { seed?: number; archive?: string; from?: string; to?: string }) => {
      const out = await runSimulate(config, logger, opts);
      const stop = out.stop;
      if (stop) {
        const quit = (): void => void stop().then(() => process.exit(0));
        process.on('SIGINT', quit);
        process.on('SIGTERM', quit);
      }
      return out.message;
    }),
  );
const history = program
  .command('history')
  .description(
    `the simulated history a first start loads (source ${HISTORY_SOURCE}; HISTORY_ON_FIRST_START=false turns it off)`,
  );
history
  .command('remove')
  .description(
    'remove every reading of the simulated history from the store (needs the store to itself, like prune); later starts do not load it again',
  )
  .action(
    oneShot(async (config, logger) => {
      const n = await removeHistory(config, logger);
      return `removed ${n} revisions of the simulated history (source ${HISTORY_SOURCE})`;
    }),
  );
const stations = program.command('stations').description('the station registry');
stations
  .command('import')
  .argument('<csv>', 'a station list: the project layout or the national list (UTF-8 or GB18030)')
  .option('--version <name>', 'name of this list version (default: the file name)')
  .option('--valid-from <date>', 'first day (CST) the list applies to, YYYY-MM-DD (default: today)')
  .description('import a version of the station list')
  .action(
    oneShot((config, logger, csv: string, opts: { version?: string; validFrom?: string }) =>
      importStations(config, logger, csv, opts),
    ),
  );

const parseCentre = (value: string): Centre => {
  const parsed = zCentre.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`expected one of ${zCentre.options.join(', ')}`);
  return parsed.data;
};
const keys = program.command('keys').description('centre push keys (stored hashed in CENTRE_KEYS_FILE)');
keys
  .command('issue')
  .argument('<centre>', zCentre.options.join(' | '), parseCentre)
  .description('issue a new push key (printed as the last line; shown once, stored only as a hash)')
  .action(
    oneShot((config, _logger, centre: Centre) => {
      const { id, key } = issueKey(centreKeysFile(config), centre);
      return `issued key ${id} for ${centre}; keep it secret, it is not stored:\n${key}`;
    }),
  );
keys
  .command('revoke')
  .argument('<centre>', zCentre.options.join(' | '), parseCentre)
  .description("revoke all of a centre's push keys (a running instance notices at once)")
  .action(
    oneShot(
      (config, _logger, centre: Centre) => `revoked ${revokeKeys(centreKeysFile(config), centre)} key(s) of ${centre}`,
    ),
  );

await program.parseAsync(process.argv).catch((err: unknown) => fail(err));
