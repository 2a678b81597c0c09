/** The `backfill` section: archive days through the backfill next to the engine parsing the same files. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADAPTERS, bundledVersion, createStationRegistry, runBackfill } from '../../ingest';
import { prepareStore, startInProcessPipeline, type StoreConnection } from '../../infra';
import { db, fmt, logger, measured, note, quick } from './common';

export async function backfillBench(store: StoreConnection, dir: string): Promise<void> {
  const s = db(store, 'bench_backfill');
  const list = bundledVersion();
  await prepareStore(s, logger, [list]);
  const archiveDir = resolve('..', 'shared', 'data', 'china_sites');
  const files = readdirSync(archiveDir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(archiveDir, f))
    .slice(0, quick ? 2 : 6);
  const pipeline = startInProcessPipeline(s, logger, { maxBatchMessages: 2_000 });
  const ours = await measured(() =>
    runBackfill({
      files,
      sink: pipeline.sink,
      registry: createStationRegistry([list]),
      archive: ADAPTERS['cnemc-archive'],
      stateFile: join(dir, 'bf-state.json'),
      force: true,
    }),
  );
  await pipeline.stop();
  // Reference: the engine parsing the same files itself and unpivoting their non-empty cells.
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  // Reference: the engine parsing each file whole (schema inferred, every column typed) into a table.
  const refParse = await measured(async () => {
    for (const [i, f] of files.entries()) {
      await store.client.command({
        query: `CREATE TABLE bench_backfill.raw${i} ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM file('${f}', 'CSV') SETTINGS input_format_csv_skip_first_lines = 1, input_format_csv_allow_variable_number_of_columns = 1`,
      });
    }
  });
  const readingsStored = ours.value.readings;
  const oursRate = readingsStored / (ours.ms / 1000);
  const refRate = readingsStored / (refParse.ms / 1000);
  note(
    `backfill of ${files.length} archive days (${fmt(bytes / 1e6)} MB), readings of registry stations`,
    `${fmt(oursRate)} readings/s`,
    `${fmt(refRate)} readings/s (engine parses the files whole)`,
    `${((100 * oursRate) / refRate).toFixed(1)} %`,
    `peak RSS ${fmt(ours.peakRssMb)} MB`,
  );
}
