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
import type { Pollutant } from '../../schemas/pollutant';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;

/** 24 hours of day `day` (labels 01–24) at a constant value. */
const dayOf = (station: string, pollutant: Pollutant, day: string, value: number) =>
  Array.from({ length: 24 }, (_, i) =>
    aReading({
      station,
      pollutant,
      value,
      time: new Date(Date.parse(`${day}T00:00:00+08:00`) + (i + 1) * HOUR).toISOString(),
    }),
  );

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const readings = ['2025-03-01', '2026-03-05'].flatMap((day) => [
    ...dayOf('1141A', 'pm25', day, 70),
    ...dayOf('1142A', 'pm25', day, 80),
    ...dayOf('1141A', 'pm10', day, 100),
    ...dayOf('1142A', 'pm10', day, 120),
    ...dayOf('1141A', 'o3', day, 100),
    ...dayOf('1142A', 'o3', day, 100),
  ]);
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  await processor.handleBatch({
    topic: 't',
    partition: 0,
    messages: encodeReadings(readings).map((m, i) => ({ ...m, partition: 0, offset: String(i) })),
  });
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
            versionAt: (day) => stations.current({ atMs: Date.parse(`${day}T12:00:00+08:00`) }),
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

const get = async (qs: string): Promise<AqiResponse> => {
  const res = await app.inject(`/v1/aqi?${qs}`);
  expect(res.statusCode).toBe(200);
  return res.json() as AqiResponse;
};

describe('GET /v1/aqi (hand-computed from HJ 633) (stubbed source)', () => {
  it('scores a station from its own daily values', async () => {
    const r = await get('level=station&id=1141A&date=2025-03-01');
    // PM2.5 70 → 93.75 → 94; PM10 100 → 75; MDA8 100 → 50; O3 max 1-h 100 → 31.25 → 32.
    expect(r.results[0]).toMatchObject({
      area: '1141A',
      aqi: 94,
      iaqi: { pm25: 94, pm10: 75, o3_8h: 50, o3_1h: 32 },
      primary: ['pm25'],
      category: { zh: '良' },
    });
    expect(r.regime).toBe('2012');
  });

  it('scores a city from its city-averaged concentrations (2012 regime)', async () => {
    // 上海 here: PM2.5 (70 + 80)/2 = 75 → 100; PM10 110 → 80.
    const r = await get(`level=city&id=${encodeURIComponent('上海')}&date=2025-03-01`);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({
      area: '上海',
      aqi: 100,
      iaqi: { pm25: 100, pm10: 80 },
      primary: ['pm25'],
      category: { en: 'Good' },
    });
  });

  it('uses the 2026 regime from 2026-03-01: new PM breakpoints, no O3 max 1-h', async () => {
    // PM2.5 75: (150−100)/(115−60)·(75−60)+100 = 113.6 → 114. PM10 110: (100−50)/(120−50)·(110−50)+50 = 92.9 → 93.
    const r = await get(`level=city&id=${encodeURIComponent('上海')}&date=2026-03-05`);
    expect(r.regime).toBe('2026');
    expect(r.results[0]).toMatchObject({
      aqi: 114,
      iaqi: { pm25: 114, pm10: 93, o3_8h: 50 },
      primary: ['pm25'],
      category: { zh: '轻度污染' },
    });
    expect(r.results[0]?.iaqi.o3_1h).toBeUndefined();
  });

  it('lists the cities of a province', async () => {
    const r = await get('level=province&id=shanghai&date=2025-03-01');
    expect(r.results.map((x) => x.area)).toEqual(['上海']);
  });

  it('refuses a bad date with the error shape', async () => {
    const res = await app.inject('/v1/aqi?level=city&id=x&date=2025-3-1');
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('QUERY_INVALID');
  });
});
