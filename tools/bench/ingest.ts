/** The `ingest` section: the embedded pipeline's ingest rate, the processor alone, current vs as-of series. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeReadings, type BusMessage } from '../../bus';
import { bundledVersion } from '../../ingest';
import {
  createClickHouseReadingStore,
  createClickHouseSeriesQueries,
  createStoreDeadLetterSink,
  MAX_BYTES_PER_PARTITION,
  prepareStore,
  startInProcessPipeline,
  type StoreConnection,
  tablesOf,
} from '../../infra';
import { HOUR_MS } from '../../kernel';
import { createProcessor } from '../../processing';
import { POLLUTANTS, type Reading } from '../../schemas';
import { seriesSpec } from '../../views';
import { db, fmt, logger, measured, note, quick, timesOf } from './common';
import { benchReadings } from './readings';

export async function ingestBench(
  store: StoreConnection,
  dir: string,
): Promise<{ readings: Reading[]; refRate: number }> {
  const s = db(store, 'bench_ingest');
  const list = bundledVersion();
  await prepareStore(s, logger, [list]);
  const { readings, stations: codes, hours, startMs: start } = benchReadings(quick);
  const stations = codes.map((code) => ({ code }));
  const pipeline = startInProcessPipeline(s, logger, { maxBatchMessages: 200 });
  // Feeds deliver an hour of every station at a time: publish hour by hour.
  const perHour = stations.length * POLLUTANTS.length;
  const ours = await measured(async () => {
    for (let i = 0; i < readings.length; i += perHour) await pipeline.sink.publish(readings.slice(i, i + perHour));
  });
  await pipeline.stop();
  // Reference: the engine loading the same rows from a JSONEachRow file with file().
  const file = join(dir, 'ingest.jsonl');
  const t = tablesOf('bench_ingest');
  const dump = await store.client.exec({ query: `SELECT * FROM ${t.revisions} FORMAT JSONEachRow` });
  const chunks: Buffer[] = [];
  for await (const c of dump.stream) chunks.push(c as Buffer);
  writeFileSync(file, Buffer.concat(chunks));
  await store.client.command({ query: `CREATE TABLE IF NOT EXISTS bench_ingest.ref AS ${t.revisions}` });
  const ref = await measured(() =>
    store.client.command({ query: `INSERT INTO bench_ingest.ref SELECT * FROM file('${file}', 'JSONEachRow')` }),
  );
  const oursRate = readings.length / (ours.ms / 1000);
  const refRate = readings.length / (ref.ms / 1000);
  // The latest-value path next to the as-of path: history must not slow the current answer.
  const series = createClickHouseSeriesQueries(s);
  const versions = [list];
  const spec = (asOf?: string) =>
    seriesSpec(
      {
        level: 'station',
        id: stations.map((x) => x.code),
        pollutant: ['pm25', 'o3'],
        from: new Date(start).toISOString(),
        to: new Date(start + hours * HOUR_MS).toISOString(),
        resolution: 'day',
        format: 'json',
        limit: 1_000_000,
        referenceState: true,
        incomplete: false,
        asOf,
      },
      { fromMs: start, toMs: start + hours * HOUR_MS },
      versions,
    );
  const latest = await timesOf(5, () => series.page(spec(), 'json'));
  const asOf = await timesOf(5, () => series.page(spec(new Date().toISOString()), 'json'));
  note(
    `station daily series of ${stations.length} stations × ${hours / 24} days: current values vs asOf (rebuilt from revisions)`,
    `current p50 ${fmt(latest.p50)} ms`,
    `asOf p50 ${fmt(asOf.p50)} ms`,
    `${(asOf.p50 / latest.p50).toFixed(2)}×`,
    'the latest-value path reads the readings table alone',
  );
  note(
    `ingest, embedded (in-process bus → QC → revision check → store), ${fmt(readings.length)} readings`,
    `${fmt(oursRate)} /s`,
    `${fmt(refRate)} /s (file() JSONEachRow)`,
    `${((100 * oursRate) / refRate).toFixed(1)} %`,
    `peak RSS ${fmt(ours.peakRssMb)} MB`,
  );
  await processingAlone(store, readings, refRate);
  return { readings, refRate };
}

/**
 * The processor's own capacity: the same readings as bus messages (an hour of every station to
 * a message) handed to it in batches of at most a Kafka fetch's bytes for a partition, as a
 * lagging consumer receives them — no bus, no publisher — into a store of its own.
 */
async function processingAlone(store: StoreConnection, readings: Reading[], refRate: number): Promise<void> {
  const s = db(store, 'bench_processing');
  await prepareStore(s, logger);
  const perHour = new Set(readings.map((r) => r.station)).size * POLLUTANTS.length;
  const batches: BusMessage[][] = [[]];
  let bytes = 0;
  let offset = 0;
  for (let i = 0; i < readings.length; i += perHour) {
    for (const m of encodeReadings(readings.slice(i, i + perHour))) {
      if (bytes + m.value.length > MAX_BYTES_PER_PARTITION) {
        batches.push([]);
        bytes = 0;
      }
      (batches.at(-1) as BusMessage[]).push({ ...m, partition: 0, offset: String(offset++) });
      bytes += m.value.length;
    }
  }
  const readingStore = createClickHouseReadingStore(s);
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: readingStore,
    deadLetters: createStoreDeadLetterSink(readingStore),
    logger,
  });
  const run = await measured(async () => {
    for (const messages of batches) await processor.handleBatch({ topic: 'bench', partition: 0, messages });
  });
  const rate = readings.length / (run.ms / 1000);
  note(
    `processing alone (decode → QC → revision check → store), ${fmt(readings.length)} readings in ${batches.length} batches of ≤ ${(MAX_BYTES_PER_PARTITION / 1024 / 1024).toFixed(1)} MB`,
    `${fmt(rate)} /s`,
    `${fmt(refRate)} /s (file() JSONEachRow)`,
    `${((100 * rate) / refRate).toFixed(1)} %`,
    `peak RSS ${fmt(run.peakRssMb)} MB`,
  );
}
