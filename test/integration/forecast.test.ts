import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { forecastView, trendsView } from '../../views/stats/forecast-views';
import { theilSenTrend } from '../../views/stats/theil-sen';
import { forecastAnnualMean } from '../../views/stats/year-forecast';
import type { ForecastResponse, TrendsResponse } from '../../schemas/api/forecast';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';
import { consulateDailyMeans, consulateHours } from '../helpers/us-consulate';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;
let base: string;
const SH = encodeURIComponent('上海');

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  // The real nine-year Shanghai series as the readings of 1141A, 上海's only reporting station here:
  // an hour starting at local HH ends at HH+1 (CST).
  const readings = [...consulateHours()].map(([key, value]) => {
    const [day, hh] = key.split('|') as [string, string];
    const end = Date.parse(`${day}T00:00:00+08:00`) + (Number(hh) + 1) * HOUR;
    return aReading({
      station: '1141A',
      pollutant: 'pm25',
      value,
      time: new Date(end).toISOString(),
      arrivedAt: '2022-01-05T00:00:00Z',
    });
  });
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  const messages = encodeReadings(readings);
  for (let i = 0; i < messages.length; i += 40)
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: messages.slice(i, i + 40).map((m, j) => ({ ...m, partition: 0, offset: String(i + j) })),
    });
  const stations = createClickHouseStationQueries(store);
  const deps = {
    series: createClickHouseSeriesQueries(store),
    versions: () => stations.versions(),
    now: () => Date.parse('2026-11-28T00:00:00Z'),
  };
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: { forecast: (q) => forecastView(deps, q), trends: (q) => trendsView(deps, q) },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 240_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${base}${path}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
};

describe('forecast and trends over HTTP on the real engine, on the real Shanghai series', () => {
  it('the forecast equals the forecast of the daily means computed apart from the store', async () => {
    const r = await get<ForecastResponse>(`/v1/compliance/forecast?level=city&id=${SH}&year=2019&at=2019-06-30`);
    // Second method: daily means straight from the CSV (test helper), the same forecast function.
    const daily = consulateDailyMeans();
    const expected = forecastAnnualMean({
      year: 2019,
      at: '2019-06-30',
      target: 35,
      days: daily.filter((d) => d.day.startsWith('2019-')),
      history: daily.filter((d) => d.day < '2019-01-01'),
    });
    expect(r.target.value).toBe(35);
    expect(r.ytd.validDays).toBe(expected.ytd.validDays);
    expect(r.ytd.mean).toBeCloseTo(expected.ytd.mean as number, 9);
    expect(r.budget.maxMean).toBeCloseTo(expected.budget.maxMean as number, 9);
    expect(r.projection?.yearsUsed).toEqual(expected.projection?.yearsUsed);
    expect(r.projection?.mean).toBeCloseTo(expected.projection?.mean as number, 9);
    expect(r.probability).toBeCloseTo(expected.probability as number, 9);
    expect(r.verdict).toBe(expected.verdict);
  });

  it('a past year at its end says met or not met', async () => {
    const r = await get<ForecastResponse>(`/v1/compliance/forecast?level=city&id=${SH}&year=2021`);
    expect(r.at).toBe('2021-12-31');
    expect(['met', 'not met']).toContain(r.verdict);
    expect(r.remainingDays).toBe(0);
  });

  it('the trend of the monthly means equals Theil–Sen on the months computed apart, and falls', async () => {
    const r = await get<TrendsResponse>(`/v1/trends?level=city&id=${SH}&from=2013-01-01&to=2021-12-31`);
    const perMonth = new Map<string, number[]>();
    for (const d of consulateDailyMeans())
      if (d.value !== null) perMonth.set(d.day.slice(0, 7), [...(perMonth.get(d.day.slice(0, 7)) ?? []), d.value]);
    const monthly = [...perMonth].map(([month, vs]) => ({
      month,
      value: vs.length >= (month.endsWith('-02') ? 25 : 27) ? vs.reduce((a, b) => a + b, 0) / vs.length : null,
    }));
    const expected = theilSenTrend(monthly, { target: 25 });
    expect(r.trend.n).toBe(expected.n);
    expect(r.trend.slope).toBeCloseTo(expected.slope, 9);
    // From the 60s to about 30 over nine years: several µg/m³ a year down, significantly.
    expect(r.trend.slope).toBeLessThan(-2);
    expect(r.trend.upper).toBeLessThan(0);
    expect(r.trend.pValue).toBeLessThan(0.01);
  });

  it('refuses a trend over too few months', async () => {
    expect((await fetch(`${base}/v1/trends?level=city&id=${SH}&from=2019-01-01&to=2019-12-31`)).status).toBe(422);
  });
});
