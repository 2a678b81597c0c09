import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { buildApp, type AppDeps, createKeyVerifier } from '../api';
import { createIngest, type Ingest, type ReadingSink, ADAPTERS, createIngestMetrics, loadVersions } from '../ingest';
import {
  createInProcessBus,
  createClickHouseChangeQueries,
  createClickHouseRejectQueries,
  createClickHouseFlagQueries,
  createClickHouseScorecardQueries,
  createClickHouseStationQueries,
  openStore,
  type StoreConnection,
  createStoreDeadLetterSink,
  createClickHouseReadingStore,
  createKafka,
  translateKafkaError,
  createKafkaDeadLetterSink,
  createKafkaReadingSink,
  createKafkaReadingSource,
  ensureTopics,
  topicsFor,
  createClickHouseSpeciesStore,
  createClickHouseForecastStore,
  createClickHouseRegionalQueries,
  createClickHouseSeriesQueries,
  createClickHouseExceptionalDays,
  pruneSupersededRevisions,
  createClickHouseStatsQueries,
  storeIsEmpty,
} from '../infra';
import { AppError, DAY_MS, type Logger } from '../kernel';
import {
  createProcessor,
  type DeadLetterSink,
  MAX_PLAUSIBLE,
  PM_TOLERANCE,
  CONSTANT_RUN,
  SPIKE,
  type Processor,
  type ReadingSource,
  type ReadingStore,
  createProcessingMetrics,
  explainBatch,
  type ProcessingMetrics,
} from '../processing';
import { createViews } from '../views';
import { scheduleDemoForecasts } from './demo-forecasts';
import { loadHistory, planHistory } from './history';
import { type Config, zFeedsFile, type FeedDefinition } from '../schemas';

/**
 * The composition root (ARCHITECTURE.md rule 2): builds adapters, then roles, starts them in order and
 * stops them in reverse — HTTP server, ingest, consumers, producers, store.
 */
export interface Running {
  /** Where the API listens, when this role serves HTTP. */
  url?: string;
  app?: FastifyInstance;
  sink?: ReadingSink;
  store?: StoreConnection;
  processor?: Processor;
  ingest?: Ingest;
  /** Base URLs of the built-in simulator, when `start` runs it for the demo feeds. */
  simulatorUrls?: Record<string, string>;
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

interface Bus {
  sink: ReadingSink;
  source: ReadingSource;
  /** Every consumer of the processing group in this process (the in-process bus has one). */
  sources?: ReadingSource[];
  deadLetters: DeadLetterSink;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openKafkaBus(config: Config, logger: Logger): Promise<Bus> {
  const brokers = config.kafka.brokers;
  if (!brokers)
    throw new AppError(
      'CONFIG_INVALID',
      'KAFKA_BROKERS: required for this role (it talks to the others only through Kafka)',
    );
  const kafka = createKafka({ brokers, clientId: config.kafka.clientId }, logger);
  const topics = topicsFor(config.kafka.topicPrefix);
  const admin = kafka.admin();
  try {
    await admin.connect();
    await ensureTopics(admin, topics);
  } catch (err) {
    throw translateKafkaError(err, `connecting to ${brokers.join(',')}`);
  }
  const sink = await createKafkaReadingSink(kafka, topics.raw.name, logger.child({ module: 'ingest.sink' }));
  const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
  // PROCESSOR_CONSUMERS consumers of one group: the broker spreads the raw partitions over them.
  const sources = Array.from({ length: config.kafka.consumers }, () =>
    createKafkaReadingSource(kafka, {
      topic: topics.raw.name,
      groupId: `${config.kafka.topicPrefix}.processing`,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      logger,
    }),
  );
  return {
    sink,
    source: sources[0] as ReadingSource,
    sources,
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

/**
 * The feeds to pull: FEEDS_FILE's, or — with no FEEDS_FILE — the built-in simulator's four feeds,
 * so `npm start` shows live data with no centre reachable. A FEEDS_FILE of `{ "feeds": [] }`
 * pulls nothing.
 */
async function resolveFeeds(
  config: Config,
  logger: Logger,
): Promise<{ feeds: FeedDefinition[]; urls?: Record<string, string>; originMs?: number; stop?: Stopper }> {
  if (config.feeds) return { feeds: config.feeds };
  const { startSimulator, feedsFileFor } = await import('../tools/simulator');
  const anyPort = { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 };
  const simulator = await startSimulator({ logger: logger.child({ module: 'simulator' }), ports: anyPort });
  logger.info({ urls: simulator.urls }, 'no FEEDS_FILE: pulling the built-in simulator of the four centres');
  return {
    feeds: zFeedsFile.parse(feedsFileFor(simulator)).feeds,
    urls: simulator.urls,
    originMs: simulator.originMs,
    stop: () => simulator.stop(),
  };
}

/**
 * Ingest pulling the feeds to pull ({@link resolveFeeds}) onto the sink, its metrics (the feeds'
 * lag and errors included) on the process's registry.
 */
async function pullingIngest(
  config: Config,
  logger: Logger,
  sink: ReadingSink,
  metrics: Registry,
  stoppers: Stopper[],
): Promise<{ ingest: Ingest; simulatorUrls?: Record<string, string>; simulatorOriginMs?: number }> {
  const feeds = await resolveFeeds(config, logger);
  if (feeds.stop) stoppers.push(feeds.stop);
  const ingest: Ingest = createIngest({
    sink,
    feeds: feeds.feeds,
    adapters: ADAPTERS,
    dataDir: config.dataDir,
    logger,
    // The push answer judges values by processing's own rules (ingest may not import processing).
    judge: explainBatch,
    metrics: createIngestMetrics(metrics, () => ingest.feeds()),
  });
  return { ingest, simulatorUrls: feeds.urls, simulatorOriginMs: feeds.originMs };
}

/** Serves the app on PORT (closed with the role), then — in a role that pulls — starts pulling. */
async function serve(app: FastifyInstance, config: Config, stoppers: Stopper[], ingest?: Ingest): Promise<string> {
  stoppers.push(() => app.close());
  const url = await app.listen({ port: config.http.port, host: config.http.host });
  if (ingest) {
    ingest.start();
    stoppers.push(() => ingest.stop());
  }
  return url;
}

/** The API's adapters on the store, and the views assembled on them (views/create-views.ts). */
function apiDeps(
  config: Config,
  store: StoreConnection,
  metrics: Registry,
  logger: Logger,
): Omit<AppDeps, 'readiness' | 'ingest'> {
  const stations = createClickHouseStationQueries(store);
  const exceptionalDays = createClickHouseExceptionalDays(store);
  const species = createClickHouseSpeciesStore(store);
  const forecasts = createClickHouseForecastStore(store);
  return {
    logger,
    metrics,
    auth: createKeyVerifier(config.centreKeysFile ?? join(config.dataDir, 'centre-keys.json')),
    queries: {
      rejects: createClickHouseRejectQueries(store),
      flags: createClickHouseFlagQueries(store),
      stations,
      scorecards: createClickHouseScorecardQueries(store),
      changes: createClickHouseChangeQueries(store),
      exceptionalDays,
      species,
      forecasts,
    },
    views: createViews({
      stats: createClickHouseStatsQueries(store),
      series: createClickHouseSeriesQueries(store),
      regional: createClickHouseRegionalQueries(store),
      species,
      exceptionalDays,
      stations,
      forecasts,
      targets: config.targets,
      includeControlSites: config.statistics.includeControlSites,
    }),
    limits: { pushBodyLimitBytes: config.push.bodyLimitBytes, pushPerMinute: config.push.ratePerMinute },
    qcLimits: { maxPlausible: MAX_PLAUSIBLE, pmTolerance: PM_TOLERANCE, constantRun: CONSTANT_RUN, spike: SPIKE },
  };
}

/**
 * One processor per consumer of the bus (PROCESSOR_CONSUMERS with Kafka; one on the in-process
 * bus), sharing the store and the metrics. `done` settles when all have stopped; a crash of any
 * rejects it.
 */
function startProcessors(
  bus: Bus,
  store: ReadingStore,
  logger: Logger,
  metrics: ProcessingMetrics,
): { processor: Processor; done: Promise<void>; stop: Stopper } {
  const processors = (bus.sources ?? [bus.source]).map((source, i) =>
    createProcessor({ source, store, deadLetters: bus.deadLetters, logger: logger.child({ consumer: i }), metrics }),
  );
  const done = Promise.all(processors.map((p) => p.run())).then(() => undefined);
  return {
    processor: processors[0] as Processor,
    done,
    stop: async () => void (await Promise.all(processors.map((p) => p.stop()))),
  };
}

/**
 * REVISION_RETENTION_DAYS: prune superseded revisions a minute after start and then daily, in the
 * process that writes the store. Returns the stopper of the timers.
 */
function scheduleRetention(config: Config, store: StoreConnection, logger: Logger): Stopper {
  const days = config.retention.supersededDays;
  if (days === undefined) return async () => {};
  const prune = (): void =>
    void pruneSupersededRevisions(store, Date.now() - days * DAY_MS).then(
      (n) => logger.info({ pruned: n, days }, 'superseded revisions pruned'),
      (err: unknown) => logger.error({ err }, 'pruning superseded revisions failed; retrying tomorrow'),
    );
  const first = setTimeout(prune, 60_000);
  const daily = setInterval(prune, DAY_MS);
  first.unref();
  daily.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}

/** `yrd-air start`: ingest, processing and the API in one process (embedded by default). */
export async function startAll(config: Config, logger: Logger): Promise<Running> {
  const stoppers: Stopper[] = [];
  const metrics = createRegistry();
  try {
    const store = await openStore(config, logger, { stations: loadVersions(config.dataDir) });
    stoppers.push(() => store.close());
    const readingStore = createClickHouseReadingStore(store);
    let bus: Bus;
    if (config.kafka.brokers) {
      bus = await openKafkaBus(config, logger);
    } else {
      const inProcess = createInProcessBus({ logger });
      bus = {
        ...inProcess,
        deadLetters: createStoreDeadLetterSink(readingStore),
        ping: async () => {},
        close: () => inProcess.sink.close(),
      };
    }
    stoppers.push(() => bus.close());
    const {
      processor,
      done,
      stop: stopProcessors,
    } = startProcessors(bus, readingStore, logger, createProcessingMetrics(metrics));
    stoppers.push(stopProcessors);
    stoppers.push(scheduleRetention(config, store, logger));
    // Whether this is a first start is asked before the feeds pull anything into the store.
    const storeEmpty = !config.feeds && config.history.onFirstStart && (await storeIsEmpty(store));
    const { ingest, simulatorUrls, simulatorOriginMs } = await pullingIngest(
      config,
      logger,
      bus.sink,
      metrics,
      stoppers,
    );
    const deps = apiDeps(config, store, metrics, logger);
    // On the built-in simulator, its centres' forecasts of known skill for the demo (app/demo-forecasts.ts).
    const { views, queries } = deps;
    if (simulatorUrls && views?.aqi && queries?.forecasts && queries.stations)
      stoppers.push(
        scheduleDemoForecasts({ aqi: views.aqi, store: queries.forecasts, stations: queries.stations, logger }),
      );
    const app = await buildApp({
      ...deps,
      readiness: { store: async () => void (await store.client.ping()), bus: bus.ping },
      ingest: { feeds: () => ingest.feeds(), push: (req) => ingest.push(req) },
    });
    const url = await serve(app, config, stoppers, ingest);
    // On the built-in simulator, a first start loads a simulated history in the background (app/history.ts).
    const plan =
      config.history.onFirstStart && simulatorOriginMs !== undefined
        ? planHistory(config, storeEmpty, simulatorOriginMs)
        : undefined;
    if (plan) {
      const history = loadHistory({ config, logger, plan, store, sink: config.kafka.brokers ? bus.sink : undefined });
      stoppers.push(() => history.stop());
    }
    return {
      url,
      app,
      sink: bus.sink,
      store,
      processor,
      ingest,
      simulatorUrls,
      done,
      stop: () => stopAll(stoppers, logger),
    };
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
    const store = await openStore(config, logger, { stations: loadVersions(config.dataDir) });
    stoppers.push(() => store.close());
    const bus = await openKafkaBus(config, logger);
    stoppers.push(() => bus.close());
    const {
      processor,
      done,
      stop: stopProcessors,
    } = startProcessors(bus, createClickHouseReadingStore(store), logger, createProcessingMetrics(metrics));
    stoppers.push(stopProcessors);
    stoppers.push(scheduleRetention(config, store, logger));
    const app = await buildApp({
      logger,
      metrics,
      readiness: { store: async () => void (await store.client.ping()), bus: bus.ping },
    });
    const url = await serve(app, config, stoppers);
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
    const store = await openStore(config, logger, { stations: loadVersions(config.dataDir) });
    stoppers.push(() => store.close());
    const metrics = createRegistry();
    // With Kafka, this process also accepts pushes: they go to the bus like any ingest.
    let push: NonNullable<AppDeps['ingest']>['push'];
    if (config.kafka.brokers) {
      const bus = await openKafkaBus(config, logger);
      stoppers.push(() => bus.close());
      const ingest = createIngest({
        sink: bus.sink,
        feeds: [],
        adapters: ADAPTERS,
        dataDir: config.dataDir,
        logger,
        judge: explainBatch,
        metrics: createIngestMetrics(metrics),
      });
      push = (req) => ingest.push(req);
    }
    const app = await buildApp({
      ...apiDeps(config, store, metrics, logger),
      readiness: { store: async () => void (await store.client.ping()) },
      ingest: push && { push },
    });
    const url = await serve(app, config, stoppers);
    return { url, app, store, done: new Promise(() => {}), stop: () => stopAll(stoppers, logger) };
  } catch (err) {
    await stopAll(stoppers, logger);
    throw err;
  }
}

/**
 * `yrd-air ingest`: the pull scheduler alone, publishing to Kafka; it needs only the bus (and
 * DATA_DIR for its watermarks and station registry), never the store. Serves /healthz, /readyz,
 * /metrics and /v1/feeds on PORT.
 */
export async function startIngest(config: Config, logger: Logger): Promise<Running> {
  const stoppers: Stopper[] = [];
  const metrics = createRegistry();
  try {
    const bus = await openKafkaBus(config, logger);
    stoppers.push(() => bus.close());
    const { ingest, simulatorUrls } = await pullingIngest(config, logger, bus.sink, metrics, stoppers);
    const app = await buildApp({
      logger,
      metrics,
      readiness: { bus: bus.ping },
      ingest: { feeds: () => ingest.feeds() },
    });
    const url = await serve(app, config, stoppers, ingest);
    return {
      url,
      app,
      sink: bus.sink,
      ingest,
      simulatorUrls,
      done: new Promise(() => {}),
      stop: () => stopAll(stoppers, logger),
    };
  } catch (err) {
    await stopAll(stoppers, logger);
    throw err;
  }
}
