import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { areaDailyAqi } from '../../views/stats/daily-aqi';
import type { AqiResponse } from '../../schemas/api/aqi';
import type { Reading } from '../../schemas/reading';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;

const T1 = '2025-03-02T02:00:00Z'; // provisional values arrive (real time)
const T2 = '2025-04-05T02:00:00Z'; // the centre's audited values replace them
const T3 = '2025-04-06T02:00:00Z'; // a late provisional re-publication must not undo the audit

const day = (value: number, status: Reading['status'], arrivedAt: string): Reading[] =>
  Array.from({ length: 24 }, (_, i) =>
    aReading({
      station: '1141A',
      pollutant: 'pm25',
      value,
      status,
      arrivedAt,
      time: new Date(Date.parse('2025-03-01T01:00:00+08:00') + i * HOUR).toISOString(),
    }),
  );

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  let offset = 0;
  for (const batch of [day(78, 'provisional', T1), day(30, 'audited', T2), day(90, 'provisional', T3)]) {
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(batch).map((m) => ({ ...m, partition: 0, offset: String(offset++) })),
    });
  }
  const stations = createClickHouseStationQueries(store);
  const queries = createClickHouseStatsQueries(store);
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: {
      aqi: (q) =>
        areaDailyAqi(
          {
            queries,
            versionAt: (d) => stations.current({ atMs: Date.parse(`${d}T12:00:00+08:00`) }),
            live: { series: createClickHouseSeriesQueries(store), versions: () => stations.versions() },
          },
          q,
        ),
    },
  });
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const pm25Iaqi = async (asOf?: string): Promise<number | undefined> => {
  const res = await app.inject(
    `/v1/aqi?level=station&id=1141A&date=2025-03-01${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}`,
  );
  expect(res.statusCode).toBe(200);
  return (res.json() as AqiResponse).results[0]?.iaqi.pm25;
};

describe('statistics as of an instant (stubbed source)', () => {
  it('uses the audited value after the replacement, and the provisional one as of before it', async () => {
    // Audited 30 → IAQI (50/35)·30 = 42.9 → 43. Provisional 78 → 103.75 → 104.
    expect(await pm25Iaqi()).toBe(43);
    expect(await pm25Iaqi('2025-04-01T00:00:00Z')).toBe(104);
    expect(await pm25Iaqi('2025-04-05T02:00:00Z')).toBe(43); // arrival at exactly asOf counts
    expect(await pm25Iaqi('2025-03-01T00:00:00Z')).toBeUndefined(); // nothing had arrived yet
  });

  it('says what a statistic rests on, and can use audited values only', async () => {
    const queries = createClickHouseStatsQueries(store);
    const f = { stations: ['1141A'], fromDay: '2025-03-01', toDay: '2025-03-01' };
    expect((await queries.stationDaily(f))[0]).toMatchObject({ value: 30, nValid: 24, nAudited: 24 });
    expect((await queries.stationDaily({ ...f, asOfMs: Date.parse('2025-04-01T00:00:00Z') }))[0]).toMatchObject({
      value: 78,
      nAudited: 0,
    });
    expect(await queries.stationDaily({ ...f, asOfMs: Date.parse('2025-04-01T00:00:00Z'), auditedOnly: true })).toEqual(
      [],
    );
    expect((await queries.stationDaily({ ...f, auditedOnly: true }))[0]).toMatchObject({ value: 30, nAudited: 24 });
  });

  it('never lets a later provisional value overwrite an audited one, now or as of after it', async () => {
    expect(await pm25Iaqi('2025-04-07T00:00:00Z')).toBe(43);
  });
});
