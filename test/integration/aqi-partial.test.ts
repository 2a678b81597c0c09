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
import { areaCompliance } from '../../views/stats/compliance';
import type { AqiResponse } from '../../schemas/api/aqi';
import type { ComplianceResponse } from '../../schemas/api/compliance';
import type { Pollutant } from '../../schemas/pollutant';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;

/** 24 hours of day `day` (labels 01–24) at a constant value: the daily mean, MDA8 and max 1-h are that value. */
const dayOf = (pollutant: Pollutant, day: string, value: number) =>
  Array.from({ length: 24 }, (_, i) =>
    aReading({
      station: '1141A',
      pollutant,
      value,
      time: new Date(Date.parse(`${day}T00:00:00+08:00`) + (i + 1) * HOUR).toISOString(),
    }),
  );

/** All six pollutants: SO2 10, NO2 40, CO 1.0, PM10 80, PM2.5 45, O3 120 every hour. */
const wholeDay = (day: string) => [
  ...dayOf('so2', day, 10),
  ...dayOf('no2', day, 40),
  ...dayOf('co', day, 1.0),
  ...dayOf('pm10', day, 80),
  ...dayOf('pm25', day, 45),
  ...dayOf('o3', day, 120),
];

// 1141A is the only station of 上海 with data, so the city's daily values are its own.
beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const readings = [
    ...dayOf('so2', '2025-06-01', 20), // 2012 regime, SO2 alone
    ...dayOf('so2', '2026-02-20', 20), // still 2012 regime, SO2 alone
    ...dayOf('so2', '2026-03-10', 20), // 2026 regime, SO2 alone
    ...dayOf('pm25', '2026-03-11', 80), // 2026 regime, PM2.5 alone
    ...wholeDay('2026-03-12'), // 2026 regime, all six
  ];
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
      compliance: (q) => areaCompliance({ queries, versions: () => stations.versions() }, q),
    },
  });
}, 180_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await app.inject(path);
  expect(res.statusCode).toBe(200);
  return res.json() as T;
};
const aqiOf = async (level: string, id: string, date: string) =>
  (await get<AqiResponse>(`/v1/aqi?level=${level}&id=${encodeURIComponent(id)}&date=${date}`)).results[0];
const outcome = (r: AqiResponse['results'][number] | undefined) => [
  r?.aqi,
  r?.category?.zh ?? null,
  r?.partial,
  r?.withheld,
];

describe('days without every indicator (HJ 633-2012 keeps the AQI; HJ 633-2026 §5.3 only above 100) (stubbed source)', () => {
  it('2026, SO2 alone: no AQI, no category; its sub-index and concentration kept', async () => {
    // SO2 24-h 20 on the 0–50 segment: 50/50·20 = 20 ≤ 100, with five indicators missing → NA.
    for (const [level, id] of [
      ['station', '1141A'],
      ['city', '上海'],
    ]) {
      const r = await aqiOf(level as string, id as string, '2026-03-10');
      expect(outcome(r)).toEqual([null, null, false, true]);
      expect(r).toMatchObject({ iaqi: { so2: 20 }, primary: [], concentrations: { so2: 20 } });
      expect(r?.missing).toEqual(['no2', 'co', 'pm10', 'pm25', 'o3_8h']);
    }
  });

  it('2026, PM2.5 alone above IAQI 100: that IAQI is the AQI, partial', async () => {
    // PM2.5 80 on the 2026 column (60 → 100, 115 → 150): (150−100)/(115−60)·(80−60)+100 = 118.2 → 118,
    // a city's IAQI rounded half up as the national centre rounds every city AQI (docs/standards.md §3.3).
    const r = await aqiOf('city', '上海', '2026-03-11');
    expect(outcome(r)).toEqual([118, '轻度污染', true, false]);
    expect(r?.primary).toEqual(['pm25']);
  });

  it('2026, all six: a whole day (the O3 maximum 1-h is no 2026 indicator)', async () => {
    // SO2 10 → 10; NO2 40 → 50; CO 1.0 → 50/2·1 = 25; PM10 80 → 50 + 50/70·30 = 71.4 → 72;
    // PM2.5 45 → 50 + 50/25·10 = 70; MDA8 120 → 50 + 50/60·20 = 66.7 → 67. AQI 72 (PM10), 良.
    const r = await aqiOf('station', '1141A', '2026-03-12');
    expect(outcome(r)).toEqual([72, '良', false, false]);
    expect(r?.iaqi).toEqual({ so2: 10, no2: 50, co: 25, pm10: 72, pm25: 70, o3_8h: 67 });
    expect(r?.missing).toEqual([]);
  });

  it('2012, SO2 alone: the AQI of SO2 (20, 优), partial', async () => {
    const r = await aqiOf('city', '上海', '2025-06-01');
    expect(outcome(r)).toEqual([20, '优', true, false]);
    expect(r?.missing).toEqual(['no2', 'co', 'pm10', 'pm25', 'o3_1h', 'o3_8h']);
  });

  it('counts good days and partial days over the year, each day under its own regime', async () => {
    // 2026: 02-20 (2012 rules, SO2 alone: AQI 20, good, partial), 03-10 (2026, SO2 alone: no AQI),
    // 03-11 (2026, PM2.5 alone: 118, partial), 03-12 (whole: 72, good). Valid 3, good 2 → 66.7 %.
    const want = {
      valid: 3,
      good: 2,
      heavy: 0,
      goodRatio: 66.7,
      heavyRatio: 0,
      partialDays: 2,
      withheldDays: 1,
    };
    for (const [level, id] of [
      ['station', '1141A'],
      ['city', '上海'],
      ['province', 'shanghai'],
    ]) {
      const r = await get<ComplianceResponse>(
        `/v1/compliance?level=${level}&id=${encodeURIComponent(id as string)}&year=2026`,
      );
      expect(r.days).toEqual(want);
    }
    // 2025: the one SO2-alone day counts under the 2012 rules: 1 valid, 1 good, 1 partial.
    const y2025 = await get<ComplianceResponse>(`/v1/compliance?level=city&id=${encodeURIComponent('上海')}&year=2025`);
    expect(y2025.days).toEqual({ ...want, valid: 1, good: 1, goodRatio: 100, partialDays: 1, withheldDays: 0 });
  });
});
