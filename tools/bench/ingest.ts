/** The `ingest` section: the embedded pipeline's ingest rate, the processor alone, current vs as-of series. */
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
} from '../../infra';
import { HOUR_MS } from '../../kernel';
import { createProcessor } from '../../processing';
import { POLLUTANTS, type Reading } from '../../schemas';
import { seriesSpec } from '../../views';
import { db, fmt, logger, measured, note, quick, referenceLoads, RUNS, spreadOf, throughput, timesOf } from './common';
import { benchReadings } from './readings';

export async function ingestBench(store: StoreConnection, dir: string): Promise<{ readings: Reading[] }> {
  const list = bundledVersion();
  const { readings, stations: codes, hours, startMs: start } = benchReadings(quick);
  const stations = codes.map((code) => ({ code }));
  // Feeds deliver an hour of every station at a time: publish hour by hour.
  const perHour = stations.length * POLLUTANTS.length;
  // RUNS rounds, each into a fresh store, each followed by the engine loading what it stored, so
  // the shared machine's drift falls on both sides alike.
  const ours: number[] = [];
  const reference: number[] = [];
  let peakRssMb = 0;
  for (let round = 0; round < RUNS; round++) {
    const s = db(store, `bench_ingest_${round}`);
    await prepareStore(s, logger, [list]);
    const pipeline = startInProcessPipeline(s, logger, { maxBatchMessages: 200 });
    const run = await measured(async () => {
      for (let i = 0; i < readings.length; i += perHour) await pipeline.sink.publish(readings.slice(i, i + perHour));
    });
    await pipeline.stop();
    ours.push(readings.length / (run.ms / 1000));
    peakRssMb = Math.max(peakRssMb, run.peakRssMb);
    reference.push(...(await referenceLoads(s, join(dir, `ingest-${round}.jsonl`), 1)).rates);
  }
  const s = db(store, 'bench_ingest_0');
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
  throughput(
    `ingest, embedded (in-process bus → QC → revision check → store), ${fmt(readings.length)} readings`,
    spreadOf(ours),
    spreadOf(reference),
    `peak RSS ${fmt(peakRssMb)} MB (highest of the runs)`,
  );
  await processingAlone(store, dir, readings);
  return { readings };
}

/**
 * The processor's own capacity: the same readings as bus messages (an hour of every station to
 * a message) handed to it in batches of at most a Kafka fetch's bytes for a partition, as a
 * lagging consumer receives them — no bus, no publisher — into a store of its own.
 */
async function processingAlone(store: StoreConnection, dir: string, readings: Reading[]): Promise<void> {
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
  const ours: number[] = [];
  const reference: number[] = [];
  let peakRssMb = 0;
  for (let round = 0; round < RUNS; round++) {
    const s = db(store, `bench_processing_${round}`);
    await prepareStore(s, logger);
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
    ours.push(readings.length / (run.ms / 1000));
    peakRssMb = Math.max(peakRssMb, run.peakRssMb);
    reference.push(...(await referenceLoads(s, join(dir, `processing-${round}.jsonl`), 1)).rates);
  }
  throughput(
    `processing alone (decode → QC → revision check → store), ${fmt(readings.length)} readings in ${batches.length} batches of ≤ ${(MAX_BYTES_PER_PARTITION / 1024 / 1024).toFixed(1)} MB`,
    spreadOf(ours),
    spreadOf(reference),
    `peak RSS ${fmt(peakRssMb)} MB (highest of the runs)`,
  );
}
