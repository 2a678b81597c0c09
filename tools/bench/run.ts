/**
 * `npm run bench`: yrd-air's speed next to the engine's own, each pair measured in this run.
 * Prints a Markdown table (paste it into BENCHMARKS.md with the commit).
 *   npm run bench                 # everything (about 5–10 minutes on 2 cores)
 *   npm run bench -- --quick      # smaller data, for a smoke run
 *   npm run bench -- --only=ingest,kafka   # some sections: ingest, kafka, backfill, views
 * Not a test: nothing here asserts a time.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from '../../api';
import { bundledVersion, createStationRegistry, ADAPTERS, runBackfill } from '../../ingest';
import {
  createInProcessBus,
  createClickHouseStationQueries,
  connectStore,
  type StoreConnection,
  createStoreDeadLetterSink,
  migrate,
  createClickHouseReadingStore,
  createClickHouseSeriesQueries,
  createClickHouseRegionalQueries,
  createClickHouseStatsQueries,
  syncStations,
  chDateTime,
  tablesOf,
  createKafka,
  createKafkaReadingSource,
  MAX_BYTES_PER_PARTITION,
  ensureTopics,
  topicsFor,
} from '../../infra';
import { createLogger } from '../../kernel';
import type { BusMessage } from '../../bus';
import { createProcessor } from '../../processing';
import { encodeReadings } from '../../bus';
import { startLocalKafka } from '../kafka-broker';
import { regionalView, factorsView, areaCompliance, areaOzone, seriesSpec, forecastView } from '../../views';
import { type Reading, POLLUTANTS } from '../../schemas';
import { benchReadings } from './readings';
import { feedsFileFor, startSimulator } from '../simulator';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (section: string): boolean => only === undefined || only.includes(section);
const HOUR = 3_600_000;
const logger = createLogger({ level: 'silent' });
const rows: string[][] = [];
const note = (what: string, ours: string, reference: string, ratio: string, extra = ''): void => {
  rows.push([what, ours, reference, ratio, extra]);
  console.error(`| ${[what, ours, reference, ratio, extra].join(' | ')} |`);
};
const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** Peak RSS while `fn` runs, sampled every 50 ms. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0, peakRssMb: Math.max(peak, process.memoryUsage().rss) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

async function timesOf(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return percentiles(ms);
}

function percentiles(times: readonly number[]): { p50: number; p95: number } {
  const ms = [...times].sort((a, b) => a - b);
  const at = (p: number): number => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] as number;
  return { p50: at(50), p95: at(95) };
}

const db = (store: StoreConnection, database: string): StoreConnection => ({ ...store, database });

async function ingestBench(store: StoreConnection, dir: string): Promise<{ readings: Reading[]; refRate: number }> {
  const s = db(store, 'bench_ingest');
  await migrate(s, logger);
  const list = bundledVersion();
  await syncStations(s, [list]);
  const { readings, stations: codes, hours, startMs: start } = benchReadings(quick);
  const stations = codes.map((code) => ({ code }));
  const readingStore = createClickHouseReadingStore(s);
  const bus = createInProcessBus({ logger, maxBatchMessages: 200 });
  const processor = createProcessor({
    source: bus.source,
    store: readingStore,
    deadLetters: createStoreDeadLetterSink(readingStore),
    logger,
  });
  const running = processor.run();
  // Feeds deliver an hour of every station at a time: publish hour by hour.
  const perHour = stations.length * POLLUTANTS.length;
  const ours = await measured(async () => {
    for (let i = 0; i < readings.length; i += perHour) await bus.sink.publish(readings.slice(i, i + perHour));
  });
  await processor.stop();
  await running;
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
        to: new Date(start + hours * HOUR).toISOString(),
        resolution: 'day',
        format: 'json',
        limit: 1_000_000,
        referenceState: true,
        incomplete: false,
        asOf,
      },
      { fromMs: start, toMs: start + hours * HOUR },
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
  await migrate(s, logger);
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

/** Resolves once the store holds `expected` revisions (polled every 50 ms). */
async function untilStored(s: StoreConnection, expected: number): Promise<void> {
  const t = tablesOf(s.database);
  for (;;) {
    const rs = await s.client.query({ query: `SELECT count() AS n FROM ${t.revisions}`, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string }>();
    if (Number(row?.n) >= expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts tools/bench/publisher.ts in its own process; resolves once it is connected and ready. */
async function startPublisher(
  bootstrap: string[],
  topic: string,
): Promise<{ go(): Promise<{ ms: number; peakRssMb: number }> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/publisher.ts', bootstrap.join(','), topic, ...(quick ? ['--quick'] : [])],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the publisher exited (${code}) before answering`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  if ((await next()) !== 'ready') throw new Error('the publisher did not say ready');
  return {
    async go() {
      const answer = next();
      child.stdin.write('go\n');
      const [word, ms, peak] = (await answer).split(' ');
      if (word !== 'published') throw new Error(`the publisher said ${word}`);
      return { ms: Number(ms), peakRssMb: Number(peak) };
    },
  };
}

/**
 * Ingest over a real Kafka broker (Maven Central's jars, tools/kafka-broker): the same readings
 * published hour by hour by an ingest process of their own (tools/bench/publisher.ts: the Kafka sink,
 * idempotent, acks from all), consumed by 1, 2 and 4 processors of one group in this process on
 * a topic with as many partitions, stored — timed from the first publish until the store holds
 * every reading; three runs of each, the median reported. Reference: the engine's own file()
 * load rate.
 */
/** The run of median rate among repeated runs, and their range as written in the table (` (3 runs: a–b)`). */
function medianRun<R extends { rate: number }>(runs: readonly R[]): { mid: R; range: string } {
  const sorted = [...runs].sort((a, b) => a.rate - b.rate);
  const mid = sorted[Math.floor(sorted.length / 2)] as R;
  const range =
    runs.length > 1 ? ` (${runs.length} runs: ${fmt(sorted[0]?.rate ?? NaN)}–${fmt(sorted.at(-1)?.rate ?? NaN)})` : '';
  return { mid, range };
}

/** Runs of each Kafka configuration (one with --quick). */
const KAFKA_ROUNDS = quick ? 1 : 3;

async function kafkaBench(store: StoreConnection, readings: Reading[], refRate: number): Promise<void> {
  const broker = await startLocalKafka({ brokers: 1 });
  try {
    const kafka = createKafka({ brokers: broker.bootstrap, clientId: 'bench' }, logger);
    const admin = kafka.admin();
    await admin.connect();
    const list = bundledVersion();
    const configs = quick ? [1, 2] : [1, 2, 4];
    const runs = new Map<
      number,
      { rate: number; ms: number; publishedMs: number; peakRssMb: number; publisherRssMb: number }[]
    >();
    // Each configuration KAFKA_ROUNDS times, the configurations taken in turn, so the shared
    // machine's drift falls on all of them alike; the median is reported, with the range.
    for (let round = 0; round < KAFKA_ROUNDS; round++) {
      for (const consumers of configs) {
        const s = db(store, `bench_kafka_${consumers}_${round}`);
        await migrate(s, logger);
        await syncStations(s, [list]);
        const topics = topicsFor(`bench${consumers}r${round}`, { partitions: consumers });
        await ensureTopics(admin, topics);
        const publisher = await startPublisher(broker.bootstrap, topics.raw.name);
        const readingStore = createClickHouseReadingStore(s);
        const processors = Array.from({ length: consumers }, () =>
          createProcessor({
            source: createKafkaReadingSource(kafka, {
              topic: topics.raw.name,
              groupId: `bench${consumers}r${round}.processing`,
              logger,
            }),
            store: readingStore,
            deadLetters: createStoreDeadLetterSink(readingStore),
            logger,
          }),
        );
        const running = processors.map((p) => p.run());
        await new Promise((r) => setTimeout(r, 3_000)); // the group settles before the clock starts
        let published = { ms: 0, peakRssMb: 0 };
        const run = await measured(async () => {
          const publishing = publisher.go();
          await untilStored(s, readings.length);
          published = await publishing;
        });
        await Promise.all(processors.map((p) => p.stop()));
        await Promise.all(running);
        const done = runs.get(consumers) ?? [];
        done.push({
          rate: readings.length / (run.ms / 1000),
          ms: run.ms,
          publishedMs: published.ms,
          peakRssMb: run.peakRssMb,
          publisherRssMb: published.peakRssMb,
        });
        runs.set(consumers, done);
      }
    }
    const base = medianRun(runs.get(1) ?? []).mid.rate;
    for (const consumers of configs) {
      const rs = runs.get(consumers) ?? [];
      const { mid, range } = medianRun(rs);
      const rate = mid.rate;
      note(
        `ingest over a real Kafka broker, ${consumers} partition${consumers > 1 ? 's' : ''} / consumer${consumers > 1 ? 's' : ''} (one process), ${fmt(readings.length)} readings published by an ingest process`,
        `${fmt(rate)} /s${range}`,
        `${fmt(refRate)} /s (file() JSONEachRow)`,
        `${((100 * rate) / refRate).toFixed(1)} %`,
        `${consumers > 1 ? `${(rate / base).toFixed(2)}× the one-consumer rate; ` : ''}median run: publishing took ${fmt(mid.publishedMs)} ms of ${fmt(mid.ms)}; peak RSS: processing process ${fmt(Math.max(...rs.map((r) => r.peakRssMb)))} MB, publishing process ${fmt(Math.max(...rs.map((r) => r.publisherRssMb)))} MB (holds the readings it sends)`,
      );
    }
    await catchUp(kafka, admin, broker.bootstrap, store, readings.length, refRate);
    await admin.disconnect();
    await ingestRoleMemory(broker.bootstrap);
  } finally {
    await broker.stop();
  }
}

/**
 * The processing role catching up: the readings are on the topic before the consumer starts (as
 * after an outage of the processing side), so the publisher does not share the cores while it is
 * timed — what the processing role achieves from a real broker when the ingest role runs on other
 * cores, as docker-compose.yml deploys them. Timed from the consumer's start until the store holds
 * every reading (the group's join included); three runs, the median reported.
 */
async function catchUp(
  kafka: ReturnType<typeof createKafka>,
  admin: ReturnType<ReturnType<typeof createKafka>['admin']>,
  bootstrap: string[],
  store: StoreConnection,
  expected: number,
  refRate: number,
): Promise<void> {
  const runs: { rate: number; publishedMs: number; peakRssMb: number }[] = [];
  for (let round = 0; round < KAFKA_ROUNDS; round++) {
    const s = db(store, `bench_kafka_catchup_${round}`);
    await migrate(s, logger);
    await syncStations(s, [bundledVersion()]);
    const topics = topicsFor(`benchcatchup${round}`, { partitions: 1 });
    await ensureTopics(admin, topics);
    const published = await (await startPublisher(bootstrap, topics.raw.name)).go();
    const readingStore = createClickHouseReadingStore(s);
    const processor = createProcessor({
      source: createKafkaReadingSource(kafka, {
        topic: topics.raw.name,
        groupId: `benchcatchup${round}.processing`,
        logger,
      }),
      store: readingStore,
      deadLetters: createStoreDeadLetterSink(readingStore),
      logger,
    });
    let running: Promise<void> | undefined;
    const run = await measured(async () => {
      running = processor.run();
      await untilStored(s, expected);
    });
    await processor.stop();
    await running;
    runs.push({ rate: expected / (run.ms / 1000), publishedMs: published.ms, peakRssMb: run.peakRssMb });
  }
  const { mid, range } = medianRun(runs);
  note(
    `processing role catching up over a real Kafka broker, 1 partition: ${fmt(expected)} readings already on the topic (published in ${fmt(mid.publishedMs)} ms by an ingest process)`,
    `${fmt(mid.rate)} /s${range}`,
    `${fmt(refRate)} /s (file() JSONEachRow)`,
    `${((100 * mid.rate) / refRate).toFixed(1)} %`,
    `from the consumer's start (group join included); peak RSS ${fmt(Math.max(...runs.map((r) => r.peakRssMb)))} MB`,
  );
}

/** Peak resident set of a process (VmHWM), in MB. */
const peakRssOf = (pid: number): number =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

/**
 * The ingest role (`yrd-air ingest`: feeds → Kafka, no store) pulling the four simulated centres
 * (served from this process, as real centres are elsewhere), whose first pulls bring their 48
 * served hours: its peak RSS (VmHWM) once every feed has pulled and the readings published stop
 * growing. Twice: from the sources through tsx (`npx yrd-air`), and as deployed (the image runs
 * the `npm run build` bundle, with the heap limits docker-compose.yml gives the role).
 */
async function ingestRoleMemory(bootstrap: string[]): Promise<void> {
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  const sim = await startSimulator({ ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 } });
  try {
    const variants: [string, string[]][] = [
      ['from the sources through tsx', ['--import', 'tsx', 'cli.ts', 'ingest']],
      [
        'as deployed: dist/yrd-air.mjs, --max-semi-space-size=2 --max-old-space-size=96',
        ['--max-semi-space-size=2', '--max-old-space-size=96', 'dist/yrd-air.mjs', 'ingest'],
      ],
    ];
    for (const [how, args] of variants) {
      const dataDir = mkdtempSync(join(tmpdir(), 'yrd-air-bench-ingest-'));
      const feedsFile = join(dataDir, 'feeds.json');
      writeFileSync(feedsFile, JSON.stringify(feedsFileFor(sim)));
      const child = spawn(process.execPath, args, {
        env: {
          // eslint-disable-next-line no-restricted-syntax -- the child needs PATH and HOME to find node
          ...childPath(process.env),
          LOG_LEVEL: 'warn',
          KAFKA_BROKERS: bootstrap.join(','),
          KAFKA_TOPIC_PREFIX: `bench-role-${variants.findIndex((v) => v[0] === how)}`,
          DATA_DIR: dataDir,
          PORT: '0',
          FEEDS_FILE: feedsFile,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const lines = createInterface({ input: child.stdout });
        const url = await new Promise<string>((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`yrd-air ingest exited (${code})`)));
          lines.on('line', (line) => {
            const m = /health at (http:\/\/\S+)/.exec(line);
            if (m) resolve(m[1] as string);
          });
        });
        const published = async (): Promise<number> => {
          const text = await (await fetch(`${url}/metrics`)).text();
          return [...text.matchAll(/^ingest_readings_published_total\{[^}]*\} (\d+)/gm)].reduce(
            (n, m) => n + Number(m[1]),
            0,
          );
        };
        const t0 = performance.now();
        let last = -1;
        for (let stable = 0; stable < 3 && performance.now() - t0 < 180_000;) {
          await new Promise((r) => setTimeout(r, 2_000));
          const feeds = (
            (await (await fetch(`${url}/v1/feeds`)).json()) as { feeds: { lastSuccessAt: string | null }[] }
          ).feeds;
          const n = await published();
          stable = feeds.length === 4 && feeds.every((f) => f.lastSuccessAt !== null) && n === last ? stable + 1 : 0;
          last = n;
        }
        note(
          `ingest role (\`yrd-air ingest\`, own process), ${how}: first pulls of the four simulated centres, ${fmt(last)} readings published to Kafka`,
          `peak RSS ${fmt(peakRssOf(child.pid as number))} MB`,
          '150 MB (aim)',
          '',
          'VmHWM of the process; Node.js itself is ~45 MB',
        );
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await sim.stop();
  }
}

async function backfillBench(store: StoreConnection, dir: string): Promise<void> {
  const s = db(store, 'bench_backfill');
  await migrate(s, logger);
  const list = bundledVersion();
  await syncStations(s, [list]);
  const archiveDir = resolve('..', 'shared', 'data', 'china_sites');
  const files = readdirSync(archiveDir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(archiveDir, f))
    .slice(0, quick ? 2 : 6);
  const readingStore = createClickHouseReadingStore(s);
  const bus = createInProcessBus({ logger, maxBatchMessages: 2_000 });
  const processor = createProcessor({
    source: bus.source,
    store: readingStore,
    deadLetters: createStoreDeadLetterSink(readingStore),
    logger,
  });
  const running = processor.run();
  const ours = await measured(() =>
    runBackfill({
      files,
      sink: bus.sink,
      registry: createStationRegistry([list]),
      archive: ADAPTERS['cnemc-archive'],
      stateFile: join(dir, 'bf-state.json'),
      force: true,
    }),
  );
  await processor.stop();
  await running;
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

/** Five years of PM2.5 and O3 and one of all six pollutants for every station, generated in the engine. */
async function generate(s: StoreConnection, years: number): Promise<number> {
  const t = tablesOf(s.database);
  const codes = bundledVersion().stations.map((x) => x.code);
  const from = Date.parse(`${2026 - years}-01-01T01:00:00+08:00`);
  const hours = Math.round((Date.parse('2026-01-01T01:00:00+08:00') - from) / HOUR);
  const lastYear = Math.round(
    (Date.parse('2026-01-01T01:00:00+08:00') - Date.parse('2025-01-01T01:00:00+08:00')) / HOUR,
  );
  const insert = async (pollutants: string[], fromMs: number, n: number): Promise<void> =>
    store_command(
      s,
      `INSERT INTO ${t.readings} (station, pollutant, time, value, unit, source_flag, source_valid, qc_flags, valid, status, source_kind, source_id, arrived_at, version)
      SELECT st, p, toDateTime({from:DateTime('UTC')}) + toIntervalHour(h) AS time,
             round(greatest(1, multiIf(p = 'pm25', 35, p = 'pm10', 60, p = 'o3', 90, p = 'no2', 30, p = 'so2', 8, 0.7)
               * (1 + 0.4 * sin(2 * pi() * h / 8766) + 0.3 * sin(2 * pi() * (h % 24) / 24)) * (0.6 + 0.8 * (cityHash64(st, p, h) % 1000) / 1000)), 1),
             if(p = 'co', 'mg/m3', 'ug/m3'), '', true, [], true, 'provisional', 'feed', 'bench', time + INTERVAL 20 MINUTE, 1
      FROM (SELECT arrayJoin({codes:Array(String)}) AS st) AS a CROSS JOIN (SELECT arrayJoin({pollutants:Array(String)}) AS p) AS b CROSS JOIN (SELECT number AS h FROM numbers({n:UInt32})) AS c`,
      { from: chDateTime(fromMs), codes, pollutants, n },
    );
  await insert(['pm25', 'o3'], from, hours);
  await insert(['pm10', 'no2', 'so2', 'co'], Date.parse('2025-01-01T01:00:00+08:00'), lastYear);
  await store_command(s, `OPTIMIZE TABLE ${t.readings} FINAL`, {});
  return codes.length * (2 * hours + 4 * lastYear);
}
async function store_command(s: StoreConnection, query: string, query_params: Record<string, unknown>): Promise<void> {
  await s.client.command({ query, query_params });
}

async function queryBench(store: StoreConnection): Promise<void> {
  const s = db(store, 'bench_query');
  await migrate(s, logger);
  await syncStations(s, [bundledVersion()]);
  const years = quick ? 2 : 5;
  const gen = await measured(() => generate(s, years));
  note(
    `generated dataset (in the engine): ${fmt(gen.value)} hourly readings, ${years} years × 330 stations`,
    `${fmt(gen.ms / 1000)} s`,
    '',
    '',
  );
  const stations = createClickHouseStationQueries(s);
  const series = createClickHouseSeriesQueries(s);
  const stats = createClickHouseStatsQueries(s);
  const versions = () => stations.versions();
  const app = await buildApp({
    logger,
    readiness: {},
    dashboard: false,
    views: {
      series: async (q, r) => series.page(seriesSpec(q, r, await versions()), q.format),
      compliance: (q) => areaCompliance({ queries: stats, series, versions }, q),
      forecast: (q) => forecastView({ series, versions }, q),
      trends: async () => Promise.reject(new Error('not benchmarked')),
      ozone: (q) => areaOzone({ series, versions }, q),
      apportionment: {
        regional: (q, r) => regionalView({ series, versions, regional: createClickHouseRegionalQueries(s) }, q, r),
        transport: async () => Promise.reject(new Error('not benchmarked')),
        factors: (q, r) => factorsView({ series, versions }, q, r),
      },
    },
  });
  const t = tablesOf('bench_query');
  const get = async (url: string): Promise<void> => {
    const res = await app.inject(url);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  };
  const hand = async (query: string): Promise<void> =>
    void (await (await store.client.query({ query, format: 'JSONEachRow' })).json());
  const runs = quick ? 3 : 7;
  const firstYear = 2026 - years;
  const cityOf = `transform(station, [${bundledVersion()
    .stations.map((x) => `'${x.code}'`)
    .join(',')}], [${bundledVersion()
    .stations.map((x) => `'${x.city}'`)
    .join(',')}], '')`;
  const provinceOf = `transform(city, [${[...new Map(bundledVersion().stations.map((x) => [x.city, x.province])).keys()].map((c) => `'${c}'`).join(',')}], [${[...new Map(bundledVersion().stations.map((x) => [x.city, x.province])).values()].map((c) => `'${c}'`).join(',')}], '')`;
  const controls = bundledVersion()
    .stations.filter((x) => x.control)
    .map((x) => `'${x.code}'`)
    .join(',');
  /**
   * The same answer as a compliance view, written by hand: every annual statistic of docs/standards.md
   * §3.1 (means and the 98th/95th/90th percentiles of the city's daily values of all six
   * pollutants, O3 as MDA8 from windowed 8-h means) for 2025, for the given stations' city or for
   * every city. (Earlier runs compared with PM2.5's mean and P95 alone.)
   */
  const allStatistics = (stations: string[] | null): string => `
    WITH hourly AS (
      SELECT station, ${cityOf} AS city, pollutant, toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day,
             toHour(time - INTERVAL 1 HOUR, 'Asia/Shanghai') + 1 AS label, value
      FROM ${t.readings} FINAL
      WHERE valid AND value IS NOT NULL AND station NOT IN (${controls}) AND time > '2024-12-31 16:00:00' AND time <= '2025-12-31 16:00:00'
        ${stations ? `AND station IN (${stations.map((c) => `'${c}'`).join(',')})` : ''}),
    station_days AS (
      SELECT city, station, toString(pollutant) AS stat, day, avg(value) AS v FROM hourly WHERE pollutant != 'o3'
      GROUP BY city, station, pollutant, day HAVING count() >= 20
      UNION ALL
      SELECT city, station, 'o3_mda8' AS stat, day, max(m8) AS v FROM (
        SELECT city, station, day, label, avg(value) OVER w AS m8, count() OVER w AS n8 FROM hourly WHERE pollutant = 'o3'
        WINDOW w AS (PARTITION BY station, day ORDER BY label RANGE BETWEEN 7 PRECEDING AND CURRENT ROW))
      WHERE label >= 8 AND n8 >= 6 GROUP BY city, station, day HAVING count() >= 14 OR max(m8) > 160)
    SELECT city, stat, count() AS days, avg(cv) AS mean, quantilesExactInclusive(0.9, 0.95, 0.98)(cv) AS q
    FROM (SELECT city, stat, day, avg(v) AS cv FROM station_days GROUP BY city, stat, day)
    GROUP BY city, stat`;
  const pairs: [string, string, string][] = [
    [
      `/v1/series cross-province daily PM2.5, ${years} years`,
      `/v1/series?level=province&id=shanghai,jiangsu,zhejiang,anhui&pollutant=pm25&resolution=day&from=${firstYear}-01-01&to=2025-12-31&limit=1000000`,
      `SELECT province, day, avg(v) FROM (SELECT ${provinceOf} AS province, city, day, avg(v) AS v FROM (
         SELECT station, ${cityOf} AS city, toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day, avg(value) AS v, count() AS n
         FROM ${t.readings} FINAL WHERE pollutant = 'pm25' AND valid AND station NOT IN (${controls}) GROUP BY station, day HAVING n >= 20)
       GROUP BY province, city, day) GROUP BY province, day ORDER BY province, day`,
    ],
    [
      '/v1/compliance, one city, one year (all statistics)',
      `/v1/compliance?level=city&id=${encodeURIComponent('南京')}&year=2025`,
      allStatistics(
        bundledVersion()
          .stations.filter((x) => x.city === '南京')
          .map((x) => x.code),
      ),
    ],
    [
      '/v1/compliance with rank=true: every city of the list computed for one year',
      `/v1/compliance?level=city&id=${encodeURIComponent('南京')}&year=2025&rank=true`,
      allStatistics(null),
    ],
    [
      '/v1/compliance/forecast, Jiangsu, mid-year, with its earlier years',
      `/v1/compliance/forecast?level=province&id=jiangsu&year=2025&at=2025-06-30`,
      `SELECT toYear(day) AS y, day <= toDate(concat(toString(toYear(day)), '-06-30')) AS before, avg(cv) FROM (SELECT day, avg(v) AS cv FROM (SELECT toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day, station, avg(value) AS v, count() AS n
         FROM ${t.readings} FINAL WHERE pollutant = 'pm25' AND valid AND ${provinceOf.replaceAll('city', cityOf)} = 'jiangsu' AND station NOT IN (${controls}) GROUP BY day, station HAVING n >= 20) GROUP BY day) GROUP BY y, before`,
    ],
    [
      '/v1/ozone, region yrd, one year',
      `/v1/ozone?level=region&id=yrd&from=2025-01-01&to=2025-12-31`,
      `SELECT day, avg(m) FROM (SELECT city, day, avg(mda8) AS m FROM (SELECT station, ${cityOf} AS city, day, max(w) AS mda8 FROM (
         SELECT station, toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day, avg(value) OVER (PARTITION BY station ORDER BY time ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS w
         FROM ${t.readings} FINAL WHERE pollutant = 'o3' AND valid AND station NOT IN (${controls}) AND time > '2024-01-01 16:00:00' AND time <= '2025-12-31 16:00:00') GROUP BY station, day) GROUP BY city, day) GROUP BY day`,
    ],
    [
      '/v1/apportionment/regional, 上海, one year by month',
      `/v1/apportionment/regional?city=${encodeURIComponent('上海')}&from=2025-01-01&to=2025-12-31&resolution=month`,
      `SELECT toStartOfMonth(toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai')) AS m, avgIf(value, station != '1146A') AS city, avgIf(value, station = '1146A') AS bg
         FROM ${t.readings} FINAL WHERE pollutant = 'pm25' AND ${cityOf} = '上海' AND time > '2024-12-31 16:00:00' AND time <= '2025-12-31 16:00:00' GROUP BY m`,
    ],
  ];
  for (const [what, url, sql] of pairs) {
    await get(url); // warm both
    await hand(sql);
    // Ours and the reference alternate, so a drift of the shared machine's speed (it moves by tens
    // of per cent within minutes) falls on both alike; the peak RSS is of our runs alone.
    const ours: number[] = [];
    const ref: number[] = [];
    let peak = 0;
    for (let i = 0; i < runs; i++) {
      const m = await measured(() => get(url));
      ours.push(m.ms);
      peak = Math.max(peak, m.peakRssMb);
      const r = await measured(() => hand(sql));
      ref.push(r.ms);
    }
    const o = percentiles(ours);
    const h = percentiles(ref);
    note(
      what,
      `p50 ${fmt(o.p50)} ms, p95 ${fmt(o.p95)} ms`,
      `p50 ${fmt(h.p50)} ms, p95 ${fmt(h.p95)} ms (hand-written SQL)`,
      `${(o.p50 / h.p50).toFixed(2)}×`,
      `peak RSS ${fmt(peak)} MB`,
    );
  }
  // Factors: a year of one province's hourly data; a new seed each call, so no cache.
  let seed = 100;
  const factorsUrl = '/v1/apportionment/factors?level=province&id=shanghai&from=2025-01-01&to=2025-12-31&factors=5';
  const fullFactors = await measured(() => timesOf(3, () => get(`${factorsUrl}&seed=${seed++}`)));
  const oneStart = await timesOf(3, () => get(`${factorsUrl}&restarts=1&bootstrap=0&seed=${seed++}`));
  note(
    '/v1/apportionment/factors, Shanghai province, one year hourly (6 species, 5 factors, 4 starts + 10 bootstrap runs)',
    `p50 ${fmt(fullFactors.value.p50)} ms`,
    `p50 ${fmt(oneStart.p50)} ms (one start, no bootstrap)`,
    `${(fullFactors.value.p50 / oneStart.p50).toFixed(2)}×`,
    `peak RSS ${fmt(fullFactors.peakRssMb)} MB`,
  );
  // Growth: the same series over 1 year and over 4× the years.
  const one = await timesOf(runs, () =>
    get(
      `/v1/series?level=province&id=shanghai,jiangsu,zhejiang,anhui&pollutant=pm25&resolution=day&from=2025-01-01&to=2025-12-31`,
    ),
  );
  const span = quick ? 2 : 4;
  const four = await timesOf(runs, () =>
    get(
      `/v1/series?level=province&id=shanghai,jiangsu,zhejiang,anhui&pollutant=pm25&resolution=day&from=${2026 - span}-01-01&to=2025-12-31&limit=1000000`,
    ),
  );
  note(
    `growth: the series over 1 year vs ${span} years of data`,
    `p50 ${fmt(one.p50)} ms → ${fmt(four.p50)} ms`,
    '',
    `${(four.p50 / one.p50).toFixed(2)}× for ${span}× data`,
  );
  await app.close();
}

/**
 * One section in this process: its rows go to stdout as `ROW <json>` lines for the parent. Each
 * section runs in a fresh process so its peak RSS is its own, not what earlier sections left.
 */
async function section(name: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-air-bench-'));
  mkdirSync(join(dir, 'store'));
  const store = await connectStore({
    dataDir: join(dir, 'store'),
    clickhouse: { url: undefined, username: 'default', password: '', database: 'bench_ingest' },
  });
  try {
    if (name === 'ingest') {
      const ingested = await ingestBench(store, dir);
      if (wanted('kafka')) await kafkaBench(store, ingested.readings, ingested.refRate);
    } else if (name === 'backfill') await backfillBench(store, dir);
    else if (name === 'views') await queryBench(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of rows) console.log(`ROW ${JSON.stringify(r)}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const own = process.argv.find((a) => a.startsWith('--section='))?.slice('--section='.length);
  if (own) return section(own);
  for (const name of ['ingest', 'backfill', 'views']) {
    if (!(wanted(name) || (name === 'ingest' && wanted('kafka')))) continue;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', `--section=${name}`, ...process.argv.slice(2)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('ROW ')) rows.push(JSON.parse(line.slice(4)) as string[]);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`bench section ${name} failed (exit ${code})`);
  }
  const lines = [
    `yrd-air bench ${quick ? '(quick) ' : ''}— ${new Date().toISOString()} — Node ${process.version}, ${(await import('node:os')).cpus().length} cores — ${((Date.now() - started) / 1000).toFixed(0)} s — each section in a process of its own`,
    '',
    '| measure | yrd-air | engine / reference | ratio | notes |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  console.log(lines.join('\n'));
}

await main();

function childPath(env: NodeJS.ProcessEnv): { PATH: string; HOME: string } {
  return { PATH: env.PATH ?? '', HOME: env.HOME ?? '/tmp' };
}
