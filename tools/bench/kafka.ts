/** The `kafka` section: ingest over a real Kafka broker, the processing role catching up, the ingest role's memory. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bundledVersion } from '../../ingest';
import {
  createClickHouseReadingStore,
  createKafka,
  createKafkaReadingSource,
  createStoreDeadLetterSink,
  ensureTopics,
  prepareStore,
  type StoreConnection,
  topicsFor,
} from '../../infra';
import { fromRoot } from '../../kernel';
import { createProcessor } from '../../processing';
import type { Reading } from '../../schemas';
import { startLocalKafka } from '../kafka-broker';
import { feedsFileFor, startSimulator } from '../simulator';
import {
  db,
  fmt,
  loadsAfterEachRun,
  logger,
  measured,
  medianIndex,
  note,
  quick,
  referenceLoads,
  spreadOf,
  throughput,
  untilStored,
} from './common';

/** Starts tools/bench/publisher.ts in its own process; resolves once it is connected and ready. */
async function startPublisher(
  bootstrap: string[],
  topic: string,
): Promise<{ go(): Promise<{ ms: number; peakRssMb: number }> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fromRoot('tools', 'bench', 'publisher.ts'),
      bootstrap.join(','),
      topic,
      ...(quick ? ['--quick'] : []),
    ],
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
 * Runs of each Kafka configuration (one with --quick, where the reference is then loaded three
 * times after it); each run is followed by the engine loading the revisions it stored.
 */
const KAFKA_ROUNDS = quick ? 1 : 3;

/**
 * Ingest over a real Kafka broker (Maven Central's jars, tools/kafka-broker): the same readings
 * published hour by hour by an ingest process of their own (tools/bench/publisher.ts: the Kafka sink,
 * idempotent, acks from all), consumed by 1, 2 and 4 processors of one group in this process on
 * a topic with as many partitions, stored — timed from the first publish until the store holds
 * every reading; three runs of each, the median reported. Reference: the engine loading the
 * revisions each run stored (common.ts referenceLoads), right after it.
 */
export async function kafkaBench(store: StoreConnection, dir: string, readings: Reading[]): Promise<void> {
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
    const references = new Map<number, number[]>();
    // Each configuration KAFKA_ROUNDS times, the configurations taken in turn, so the shared
    // machine's drift falls on all of them alike; the median is reported, with the range.
    for (let round = 0; round < KAFKA_ROUNDS; round++) {
      for (const consumers of configs) {
        const s = db(store, `bench_kafka_${consumers}_${round}`);
        await prepareStore(s, logger, [list]);
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
        const loaded = await referenceLoads(
          s,
          join(dir, `kafka-${consumers}-${round}.jsonl`),
          loadsAfterEachRun(KAFKA_ROUNDS),
        );
        references.set(consumers, [...(references.get(consumers) ?? []), ...loaded.rates]);
      }
    }
    const base = spreadOf((runs.get(1) ?? []).map((r) => r.rate)).median;
    for (const consumers of configs) {
      const rs = runs.get(consumers) ?? [];
      const ours = spreadOf(rs.map((r) => r.rate));
      const mid = rs[medianIndex(rs.map((r) => r.rate))] as (typeof rs)[number];
      throughput(
        `ingest over a real Kafka broker, ${consumers} partition${consumers > 1 ? 's' : ''} / consumer${consumers > 1 ? 's' : ''} (one process), ${fmt(readings.length)} readings published by an ingest process`,
        ours,
        spreadOf(references.get(consumers) ?? []),
        `${consumers > 1 ? `${(ours.median / base).toFixed(2)}× the one-consumer median; ` : ''}median run: publishing took ${fmt(mid.publishedMs)} ms of ${fmt(mid.ms)}; peak RSS: processing process ${fmt(Math.max(...rs.map((r) => r.peakRssMb)))} MB, publishing process ${fmt(Math.max(...rs.map((r) => r.publisherRssMb)))} MB (holds the readings it sends)`,
      );
    }
    await catchUp(kafka, admin, broker.bootstrap, store, dir, readings.length);
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
 * every reading (the group's join included); three runs, the median reported, each followed by
 * the engine loading the revisions it stored.
 */
async function catchUp(
  kafka: ReturnType<typeof createKafka>,
  admin: ReturnType<ReturnType<typeof createKafka>['admin']>,
  bootstrap: string[],
  store: StoreConnection,
  dir: string,
  expected: number,
): Promise<void> {
  const runs: { rate: number; publishedMs: number; peakRssMb: number }[] = [];
  const reference: number[] = [];
  for (let round = 0; round < KAFKA_ROUNDS; round++) {
    const s = db(store, `bench_kafka_catchup_${round}`);
    await prepareStore(s, logger, [bundledVersion()]);
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
    const loaded = await referenceLoads(s, join(dir, `catchup-${round}.jsonl`), loadsAfterEachRun(KAFKA_ROUNDS));
    reference.push(...loaded.rates);
  }
  const mid = runs[medianIndex(runs.map((r) => r.rate))] as (typeof runs)[number];
  throughput(
    `processing role catching up over a real Kafka broker, 1 partition: ${fmt(expected)} readings already on the topic (published in ${fmt(mid.publishedMs)} ms by an ingest process in the median run)`,
    spreadOf(runs.map((r) => r.rate)),
    spreadOf(reference),
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
      ['from the sources through tsx', ['--import', 'tsx', fromRoot('app', 'cli.ts'), 'ingest']],
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

function childPath(env: NodeJS.ProcessEnv): { PATH: string; HOME: string } {
  return { PATH: env.PATH ?? '', HOME: env.HOME ?? '/tmp' };
}
