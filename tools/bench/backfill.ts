/**
 * The `backfill` section: archive days through the backfill, next to the engine loading the very
 * revisions the backfill stored, and, as a second reference, the engine parsing the same files whole.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADAPTERS, bundledVersion, createStationRegistry, runBackfill } from '../../ingest';
import { prepareStore, startInProcessPipeline, type StoreConnection } from '../../infra';
import {
  db,
  fmt,
  loadsAfterEachRun,
  logger,
  measured,
  quick,
  referenceLoads,
  RUNS,
  spreadOf,
  throughput,
} from './common';

/**
 * Runs of the backfill itself. Six archive days take about ten seconds, so three runs are cheap; a path that
 * takes minutes would run once, and the reference is then loaded three times after it.
 */
const BACKFILL_RUNS: number = RUNS;

export async function backfillBench(store: StoreConnection, dir: string): Promise<void> {
  const list = bundledVersion();
  const archiveDir = resolve('..', 'shared', 'data', 'china_sites');
  const files = readdirSync(archiveDir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(archiveDir, f))
    .slice(0, quick ? 2 : 6);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const ours: number[] = [];
  const reference: number[] = [];
  const inferred: number[] = [];
  let peakRssMb = 0;
  let stored = 0;
  for (let round = 0; round < BACKFILL_RUNS; round++) {
    const s = db(store, `bench_backfill_${round}`);
    await prepareStore(s, logger, [list]);
    const pipeline = startInProcessPipeline(s, logger, { maxBatchMessages: 2_000 });
    const stateFile = join(dir, `bf-state-${round}.json`);
    const run = await measured(() =>
      runBackfill({
        files,
        sink: pipeline.sink,
        registry: createStationRegistry([list]),
        archive: ADAPTERS['cnemc-archive'],
        stateFile,
        force: true,
      }),
    );
    await pipeline.stop();
    rmSync(stateFile, { force: true });
    stored = run.value.readings;
    ours.push(stored / (run.ms / 1000));
    peakRssMb = Math.max(peakRssMb, run.peakRssMb);
    const loads = loadsAfterEachRun(BACKFILL_RUNS);
    reference.push(...(await referenceLoads(s, join(dir, `backfill-${round}.jsonl`), loads)).rates);
    // Second reference: the engine parsing each file whole (schema inferred, every column typed,
    // the foreign stations' columns too) into a table; its rate given in the readings we stored.
    for (let i = 0; i < loads; i++) {
      const parse = await measured(async () => {
        for (const [k, f] of files.entries()) {
          await store.client.command({
            query: `CREATE TABLE ${s.database}.raw_${i}_${k} ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM file('${f}', 'CSV') SETTINGS input_format_csv_skip_first_lines = 1, input_format_csv_allow_variable_number_of_columns = 1`,
          });
        }
      });
      inferred.push(stored / (parse.ms / 1000));
      for (const k of files.keys()) await store.client.command({ query: `DROP TABLE ${s.database}.raw_${i}_${k}` });
    }
  }
  throughput(
    `backfill of ${files.length} archive days (${fmt(bytes / 1e6)} MB), ${fmt(stored)} readings of registry stations${BACKFILL_RUNS === 1 ? ' (the backfill run once, the references three times after it)' : ''}`,
    spreadOf(ours),
    spreadOf(reference),
    `peak RSS ${fmt(peakRssMb)} MB (highest of the runs)`,
    { name: "engine inferring the CSV's schema", rate: spreadOf(inferred) },
  );
}
