import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './api';
import type { ReadingSink } from './ingest';
import { createInProcessBus } from './infra/bus/in-process-bus';
import { connectStore, type StoreConnection } from './infra/clickhouse/client';
import { createStoreDeadLetterSink } from './infra/clickhouse/dead-letters.clickhouse';
import { migrate } from './infra/clickhouse/migrate';
import { syncStations } from './infra/clickhouse/stations.clickhouse';
import { importStationList } from './ingest/stations/import-station-list';
import { loadVersions } from './ingest/stations/registry-files';
import { createClickHouseReadingStore } from './infra/clickhouse/reading-store.clickhouse';
import { AppError, InputError } from './infra/errors';
import { createKafka } from './infra/kafka/kafka-client';
import { createKafkaDeadLetterSink, createKafkaReadingSink } from './infra/kafka/reading-sink.kafka';
import { createKafkaReadingSource } from './infra/kafka/reading-source.kafka';
import { ensureTopics, topicsFor } from './infra/kafka/topics';
import type { Logger } from './infra/logger';
import { createProcessor, type DeadLetterSink, type Processor, type ReadingSource } from './processing';
import type { Config } from './schemas/config';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createProcessingMetrics } from './processing/metrics';

/**
 * The composition root (STYLE.md rule 2): builds adapters, then roles, starts them in order and
 * stops them in reverse — HTTP server, consumers, producers, store.
 */
export interface Running {
  /** Where the API listens, when this role serves HTTP. */
  url?: string;
  app?: FastifyInstance;
  sink?: ReadingSink;
  store?: StoreConnection;
  processor?: Processor;
  /** Settles when a role stops by itself (a consumer crash rejects it). */
  done: Promise<void>;
  stop(): Promise<void>;
}

type Stopper = () => Promise<void>;

async function stopAll(stoppers: Stopper[], logger: Logger): Promise<void> {
  for (const stop of stoppers.reverse()) {
    try {
      await stop();
    } catch (err) {
      logger.warn({ err }, 'error while stopping');
    }
  }
}

async function openStore(config: Config, logger: Logger): Promise<StoreConnection> {
  const store = await connectStore(config);
  await migrate(store, logger.child({ module: 'migrate' }));
  logger.info({ mode: store.mode, database: store.database, dataPath: store.dataPath }, 'store ready');
  return store;
}

interface Bus {
  sink: ReadingSink;
  source: ReadingSource;
  deadLetters: DeadLetterSink;
  ping(): Promise<void>;
  close(): Promise<void>;
}

async function openKafkaBus(config: Config, logger: Logger): Promise<Bus> {
  const brokers = config.kafka.brokers;
  if (!brokers) throw new InputError('CONFIG_INVALID', 'KAFKA_BROKERS is required for this role');
  const kafka = createKafka({ brokers, clientId: config.kafka.clientId }, logger);
  const topics = topicsFor(config.kafka.topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  const sink = await createKafkaReadingSink(kafka, topics.raw.name);
  const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
  const source = createKafkaReadingSource(kafka, {
    topic: topics.raw.name,
    groupId: `${config.kafka.topicPrefix}.processing`,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    logger,
  });
  return {
    sink,
    source,
    deadLetters: dlq,
    ping: async () => void (await admin.describeCluster()),
    close: async () => {
      await sink.close();
      await dlq.close();
      await admin.disconnect();
    },
  };
}

/** One metrics registry per process, with Node's default process metrics. */
function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** `yrd-air start`: ingest, processing and the API in one process (embedded by default). */
export async function startAll(config: Config, logger: Logger): Promise<Running> {
  const stoppers: Stopper[] = [];
  const metrics = createRegistry();
  try {
    const store = await openStore(config, logger);
    stoppers.push(() => store.close());
    const readingStore = createClickHouseReadingStore(store);
    let bus: Bus;
    if (config.kafka.brokers) {
      bus = await openKafkaBus(config, logger);
    } else {
      const inProcess = createInProcessBus({ logger });
      bus = { ...inProcess, deadLetters: createStoreDeadLetterSink(readingStore), ping: async () => {}, close: () => inProcess.sink.close() };
    }
    stoppers.push(() => bus.close());
    const processor = createProcessor({
      source: bus.source,
      store: readingStore,
      deadLetters: bus.deadLetters,
      logger,
      metrics: createProcessingMetrics(metrics),
    });
    const done = processor.run();
    stoppers.push(() => processor.stop());
    const app = await buildApp({
      logger,
      metrics,
      readiness: { store: async () => void (await store.client.ping()), bus: bus.ping },
    });
    stoppers.push(() => app.close());
    const url = await app.listen({ port: config.http.port, host: config.http.host });
    return { url, app, sink: bus.sink, store, processor, done, stop: () => stopAll(stoppers, logger) };
  } catch (err) {
    await stopAll(stoppers, logger);
    throw err;
  }
}

/**
 * `yrd-air process`: the stream processor alone, consuming Kafka into the store. It serves
 * /healthz, /readyz and /metrics on PORT for its supervisor.
 */
export async function startProcessing(config: Config, logger: Logger): Promise<Running> {
  const stoppers: Stopper[] = [];
  const metrics = createRegistry();
  try {
    const store = await openStore(config, logger);
    stoppers.push(() => store.close());
    const bus = await openKafkaBus(config, logger);
    stoppers.push(() => bus.close());
    const processor = createProcessor({
      source: bus.source,
      store: createClickHouseReadingStore(store),
      deadLetters: bus.deadLetters,
      logger,
      metrics: createProcessingMetrics(metrics),
    });
    const done = processor.run();
    stoppers.push(() => processor.stop());
    const app = await buildApp({ logger, metrics, readiness: { store: async () => void (await store.client.ping()), bus: bus.ping } });
    stoppers.push(() => app.close());
    const url = await app.listen({ port: config.http.port, host: config.http.host });
    return { url, app, store, processor, done, stop: () => stopAll(stoppers, logger) };
  } catch (err) {
    await stopAll(stoppers, logger);
    throw err;
  }
}

/** `yrd-air api`: the HTTP API alone, on the store. */
export async function startApi(config: Config, logger: Logger): Promise<Running> {
  const stoppers: Stopper[] = [];
  try {
    const store = await openStore(config, logger);
    stoppers.push(() => store.close());
    const app = await buildApp({ logger, readiness: { store: async () => void (await store.client.ping()) } });
    stoppers.push(() => app.close());
    const url = await app.listen({ port: config.http.port, host: config.http.host });
    return { url, app, store, done: new Promise(() => {}), stop: () => stopAll(stoppers, logger) };
  } catch (err) {
    await stopAll(stoppers, logger);
    throw err;
  }
}

/** `yrd-air migrate`: applies pending migrations and exits. */
export async function runMigrate(config: Config, logger: Logger): Promise<number[]> {
  const store = await connectStore(config);
  try {
    return await migrate(store, logger.child({ module: 'migrate' }));
  } finally {
    await store.close();
  }
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
export async function importStations(config: Config, logger: Logger, csv: string, opts: { version?: string; validFrom?: string }): Promise<string> {
  const result = importStationList(config.dataDir, csv, opts);
  if (result.problems.length > 0) {
    throw new InputError('READING_INVALID', `station list ${csv} refused:\n${result.problems.map((p) => `line ${p.line}: ${p.reason}`).join('\n')}`);
  }
  const lines = [
    `imported ${result.version.stations.length} stations as version ${result.version.version}, valid from ${result.version.validFrom}` +
      (result.outsideRegion > 0 ? ` (${result.outsideRegion} stations outside the four provinces left out)` : ''),
  ];
  try {
    const store = await connectStore(config);
    try {
      await migrate(store, logger.child({ module: 'migrate' }));
      await syncStations(store, loadVersions(config.dataDir));
      lines.push('the store\'s station table is up to date');
    } finally {
      await store.close();
    }
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'STORE_LOCKED')) throw err;
    lines.push('the running instance holds the store: ingest uses the new list now, the station table follows at its next start');
  }
  return lines.join('\n');
}
