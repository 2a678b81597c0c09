import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADAPTERS,
  runBackfill,
  type BackfillSummary,
  importStationList,
  createStationRegistry,
  loadVersions,
} from '../ingest';
import { openStore, pruneSupersededRevisions, startInProcessPipeline } from '../infra';
import { AppError, DAY_MS, InputError, type Logger } from '../kernel';
import { createProgressBar } from './progress';
import { openKafkaBus } from './roles';
import type { Config, ReadingStatus } from '../schemas';

/** One-shot commands of the CLI (the long-running roles are in roles.ts). */

/** `yrd-air migrate`: applies pending migrations and exits. */
export async function runMigrate(config: Config, logger: Logger): Promise<number[]> {
  const store = await openStore(config, logger);
  try {
    return store.migrated;
  } finally {
    await store.close();
  }
}

/** `yrd-air prune`: superseded revisions older than `days` (needs the store to itself, like migrate). */
export async function runPrune(config: Config, logger: Logger, days: number): Promise<number> {
  const store = await openStore(config, logger);
  try {
    return await pruneSupersededRevisions(store, Date.now() - days * DAY_MS);
  } finally {
    await store.close();
  }
}

/**
 * Every input file a command reads, checked before anything else is done (the store opened,
 * migrated or a registry version written): a missing or unreadable one is the caller's, named.
 */
function requireFiles(command: string, files: readonly string[]): void {
  const problems = files.flatMap((file) => {
    try {
      if (!statSync(file).isFile()) return [`${file} is not a file`];
      accessSync(file, constants.R_OK);
      return [];
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return [code === 'ENOENT' ? `${file}: no such file` : `${file} cannot be read (${code ?? 'error'})`];
    }
  });
  if (problems.length > 0) throw new InputError('CLI_ARGUMENT_INVALID', `${command}: ${problems.join('; ')}`);
}

/** Where centre keys live: CENTRE_KEYS_FILE, else DATA_DIR/centre-keys.json. */
export function centreKeysFile(config: Config): string {
  return config.centreKeysFile ?? join(config.dataDir, 'centre-keys.json');
}

/**
 * `yrd-air stations import`: saves the list as a registry version (files, which ingest reads
 * without the store), then mirrors the registry into the store's `stations` table when the store
 * is free; if `yrd-air start` holds it, the running instance mirrors the list at its next start
 * while its ingest uses the new list at once.
 */
export async function importStations(
  config: Config,
  logger: Logger,
  csv: string,
  opts: { version?: string; validFrom?: string },
): Promise<string> {
  requireFiles('stations import', [csv]);
  const result = importStationList(config.dataDir, csv, opts);
  if (result.problems.length > 0) {
    throw new InputError(
      'STATION_LIST_INVALID',
      `station list ${csv} refused:\n${result.problems.map((p) => `line ${p.line}: ${p.reason}`).join('\n')}`,
    );
  }
  const lines = [
    `imported ${result.version.stations.length} stations as version ${result.version.version}, valid from ${result.version.validFrom}` +
      (result.outsideRegion > 0 ? ` (${result.outsideRegion} stations outside the four provinces left out)` : ''),
  ];
  try {
    const store = await openStore(config, logger, { stations: loadVersions(config.dataDir) });
    try {
      lines.push("the store's station table is up to date");
    } finally {
      await store.close();
    }
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'STORE_LOCKED')) throw err;
    lines.push(
      'the running instance holds the store: ingest uses the new list now, the station table follows at its next start',
    );
  }
  return lines.join('\n');
}

/**
 * `yrd-air backfill <files…>`: national archive CSV files through ingest's boundary onto the bus.
 * With KAFKA_BROKERS the readings go to Kafka (a running processor stores them; this process
 * needs no store). Otherwise the process stores them itself on the in-process bus, which needs
 * the embedded store to itself: if `yrd-air start` holds it, say what to do instead.
 */
export async function runBackfillCommand(
  config: Config,
  logger: Logger,
  files: string[],
  opts: { audited?: boolean; force?: boolean },
): Promise<BackfillSummary> {
  requireFiles('backfill', files);
  const status: ReadingStatus = opts.audited ? 'audited' : 'provisional';
  const registry = createStationRegistry(loadVersions(config.dataDir));
  const bar = createProgressBar(
    1,
    'backfill [{bar}] {percentage}% | files {files} | {readings} readings | {rate} readings/s',
  );
  const started = Date.now();
  const onProgress = (p: {
    filesDone: number;
    filesTotal: number;
    bytesDone: number;
    bytesTotal: number;
    readings: number;
  }): void =>
    bar.update(p.bytesDone / Math.max(1, p.bytesTotal), {
      files: `${p.filesDone}/${p.filesTotal}`,
      readings: p.readings,
      rate: Math.round(p.readings / Math.max(0.001, (Date.now() - started) / 1000)),
    });
  const common = {
    files,
    registry,
    archive: ADAPTERS['cnemc-archive'],
    status,
    force: opts.force,
    stateFile: join(config.dataDir, 'ingest', 'backfill-state.json'),
    onProgress,
  };
  try {
    if (config.kafka.brokers) {
      const bus = await openKafkaBus(config, logger);
      try {
        return await runBackfill({ ...common, sink: bus.sink });
      } finally {
        await bus.close();
      }
    }
    let store;
    try {
      store = await openStore(config, logger, { stations: loadVersions(config.dataDir) });
    } catch (err) {
      if (err instanceof AppError && err.code === 'STORE_LOCKED') {
        throw new AppError(
          'STORE_LOCKED',
          `${err.message} To backfill into a running instance, push each file to it instead: ` +
            'curl -X POST -H "Authorization: Bearer <coordinator key>" -H "Content-Type: text/csv" --data-binary @<file> http://<host>:<port>/v1/readings',
        );
      }
      throw err;
    }
    const pipeline = startInProcessPipeline(store, logger, { maxBatchMessages: 2_000 });
    try {
      return await runBackfill({ ...common, sink: pipeline.sink });
    } finally {
      await pipeline.stop();
      await store.close();
    }
  } finally {
    bar.stop();
  }
}

/** Formats a backfill summary for the terminal. */
export function describeBackfill(s: BackfillSummary): string {
  const codes = Object.entries(s.rejectsByCode).map(([code, n]) => `${code} ${n}`);
  const lines = [
    `backfill: ${s.files} file(s) read, ${s.skippedFiles.length} already done and skipped (--force to redo)`,
    `readings: ${s.readings} handed over (stored once per station, pollutant and hour); empty cells: ${s.emptyCells}`,
    `rejects: ${codes.length > 0 ? codes.join(', ') : 'none'}`,
  ];
  if (s.unknownStations.length > 0) {
    const shown = s.unknownStations.slice(0, 20).map((u) => `${u.station} (${u.cells})`);
    lines.push(
      `stations outside the registry, skipped once each (cells): ${shown.join(', ')}${s.unknownStations.length > 20 ? `, … ${s.unknownStations.length - 20} more` : ''}`,
    );
  }
  lines.push(
    `took ${(s.durationMs / 1000).toFixed(1)} s (${Math.round(s.readings / Math.max(0.001, s.durationMs / 1000))} readings/s)`,
  );
  return lines.join('\n');
}

/**
 * `yrd-air simulate`: serves the four centres' feeds on ports 8091–8094 and writes a feeds file
 * for them (DATA_DIR/simulator-feeds.json) to use as FEEDS_FILE; or, with --archive, writes the
 * same data as national archive files for a date range.
 */
export async function runSimulate(
  config: Config,
  logger: Logger,
  opts: { seed?: number; archive?: string; from?: string; to?: string },
): Promise<{ message: string; stop?: () => Promise<void> }> {
  const { startSimulator, feedsFileFor, simulatedStations, createModel, createPublication, writeArchive } =
    await import('../tools/simulator');
  if (opts.archive) {
    const dates = /^\d{4}-\d{2}-\d{2}$/;
    if (!opts.from || !opts.to || !dates.test(opts.from) || !dates.test(opts.to)) {
      throw new InputError('CLI_ARGUMENT_INVALID', '--archive needs --from and --to as YYYY-MM-DD');
    }
    const seed = opts.seed ?? 20_250_301;
    const files = writeArchive({
      dir: opts.archive,
      fromDate: opts.from,
      toDate: opts.to,
      stations: simulatedStations(),
      publication: createPublication(seed, createModel(seed)),
    });
    return { message: `wrote ${files.length} archive file(s) to ${opts.archive}` };
  }
  const sim = await startSimulator({ seed: opts.seed, logger });
  const feedsFile = join(config.dataDir, 'simulator-feeds.json');
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(feedsFile, JSON.stringify(feedsFileFor(sim), null, 2));
  const urls = Object.entries(sim.urls).map(([format, url]) => `  ${format}: ${url}`);
  return {
    message: [
      `simulating the four centres (seed ${sim.seed}, ${sim.stations.length} stations):`,
      ...urls,
      `feeds file: ${feedsFile} (use it as FEEDS_FILE); Ctrl-C to stop`,
    ].join('\n'),
    stop: () => sim.stop(),
  };
}
