export { createInProcessBus } from './bus/in-process-bus';
export { startInProcessPipeline } from './bus/in-process-pipeline';
export {
  createClickHouseChangeQueries,
  createClickHouseRejectQueries,
  createClickHouseScorecardQueries,
  createClickHouseStationQueries,
} from './clickhouse/api-queries.clickhouse';
export { connectStore, type StoreConnection } from './clickhouse/client';
export { createStoreDeadLetterSink } from './clickhouse/dead-letters.clickhouse';
export { createClickHouseExceptionalDays } from './clickhouse/exceptional-days.clickhouse';
export { migrate } from './clickhouse/migrate';
export { openStore, type OpenedStore, prepareStore } from './clickhouse/open-store';
export { createClickHouseReadingStore } from './clickhouse/reading-store.clickhouse';
export { createClickHouseRegionalQueries } from './clickhouse/regional.clickhouse';
export { createClickHouseFlagQueries } from './clickhouse/flags.clickhouse';
export { removeSourceReadings, storeIsEmpty } from './clickhouse/history.clickhouse';
export { pruneSupersededRevisions } from './clickhouse/retention.clickhouse';
export { createClickHouseSeriesQueries } from './clickhouse/series.clickhouse';
export { createClickHouseSpeciesStore } from './clickhouse/species.clickhouse';
export { createClickHouseForecastStore } from './clickhouse/forecasts.clickhouse';
export { syncStations } from './clickhouse/stations.clickhouse';
export { createClickHouseStatsQueries } from './clickhouse/stats.clickhouse';
export { chDateTime, tablesOf } from './clickhouse/tables';
export { loadConfig } from './config/load-config';
export { createKafka } from './kafka/kafka-client';
export { translateKafkaError } from './kafka/kafka-errors';
export { createKafkaDeadLetterSink, createKafkaReadingSink } from './kafka/reading-sink.kafka';
export { createKafkaReadingSource, MAX_BYTES_PER_PARTITION } from './kafka/reading-source.kafka';
export { ensureTopics, topicsFor } from './kafka/topics';
