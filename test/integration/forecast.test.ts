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
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { listsForStatistics } from '../../views/stats/areas';
import { areaCompliance } from '../../views/stats/compliance';
import { type ForecastDeps, forecastView, trendsView } from '../../views/stats/forecast-views';
import { DEFAULT_TARGETS } from '../../views/stats/targets';
import { theilSenTrend } from '../../views/stats/theil-sen';
import { forecastAnnualMean } from '../../views/stats/year-forecast';
import type { ComplianceResponse } from '../../schemas/api/compliance';
import type { ForecastResponse, TrendsResponse } from '../../schemas/api/forecast';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';
import { consulateDailyMeans, consulateHours } from '../helpers/us-consulate';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;
let base: string;
let deps: ForecastDeps;
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
  // 南京 (1151A alone): 2020 with 183 days of 34 and 183 of 35 — an annual mean of 34.5, published
  // 34 (GB/T 8170, half to even) — and 1 January – 30 June 2025 at 30 (whole days of one integer
  // value, so no rounding of daily or city values can move them).
  const daysAt = (from: string, days: number, value: (day: number) => number) =>
    Array.from({ length: days * 24 }, (_, i) =>
      aReading({
        station: '1151A',
        pollutant: 'pm25',
        value: value(Math.floor(i / 24)),
        time: new Date(Date.parse(`${from}T01:00:00+08:00`) + i * HOUR).toISOString(),
        arrivedAt: '2025-07-01T00:00:00Z',
      }),
    );
  readings.push(...daysAt('2020-01-01', 366, (d) => (d % 2 === 0 ? 34 : 35)), ...daysAt('2025-01-01', 181, () => 30));
  const messages = encodeReadings(readings);
  for (let i = 0; i < messages.length; i += 40)
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: messages.slice(i, i + 40).map((m, j) => ({ ...m, partition: 0, offset: String(i + j) })),
    });
  const stations = createClickHouseStationQueries(store);
  const series = createClickHouseSeriesQueries(store);
  const versions = async () => listsForStatistics(await stations.versions(), false);
  const complianceDeps = { queries: createClickHouseStatsQueries(store), series, versions };
  deps = {
    series,
    versions,
    compliance: (q) => areaCompliance(complianceDeps, q),
    now: () => Date.parse('2026-11-28T00:00:00Z'),
  };
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: {
      forecast: (q) => forecastView(deps, q),
      trends: (q) => trendsView(deps, q),
      compliance: (q) => areaCompliance({ ...complianceDeps, targets: { file: [], defaults: DEFAULT_TARGETS } }, q),
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 240_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

/**
 * 上海's daily values from the CSV, formed as the national centre forms a city's value
 * (docs/standards.md §3.3, §3.5): the one station's daily mean at its published precision (an
 * integer, half up) is the city's value.
 */
const cityDailyMeans = (): { day: string; value: number | null }[] =>
  consulateDailyMeans().map((d) => ({ day: d.day, value: d.value === null ? null : Number(d.value.toFixed(0)) }));

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${base}${path}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
};

describe('forecast and trends over HTTP on the real engine, on the real Shanghai series (stubbed source)', () => {
  it('the forecast equals the forecast of the daily means computed apart from the store', async () => {
    const r = await get<ForecastResponse>(`/v1/compliance/forecast?level=city&id=${SH}&year=2019&at=2019-06-30`);
    // Second method: daily means straight from the CSV (test helper), the same forecast function.
    const daily = cityDailyMeans();
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
    for (const d of cityDailyMeans())
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

  it('a relative target from a base-year mean of 34.5: published 34, × 0.9 = 30.6 → 31 in compliance and in the forecast', async () => {
    const NJ = encodeURIComponent('南京');
    const y2020 = await get<ComplianceResponse>(`/v1/compliance?level=city&id=${NJ}&year=2020`);
    expect(y2020.pollutants.find((p) => p.pollutant === 'pm25')).toMatchObject({ nValid: 366, mean: 34 });
    const y2025 = await get<ComplianceResponse>(`/v1/compliance?level=city&id=${NJ}&year=2025`);
    expect(y2025.targets.find((t) => t.indicator === 'pm25_annual')).toMatchObject({
      target: 31,
      base: { year: 2020, value: 34, change: -0.1 },
    });
    const f = await get<ForecastResponse>(`/v1/compliance/forecast?level=city&id=${NJ}&year=2025&at=2025-06-30`);
    expect(f.target.value).toBe(31);
    expect(f.target.source).toMatch(/base 2020: 34\)/);
    // 181 days of 30 (S = 5430), 184 left; target 31 (odd): below 31.5 → (31.5·365 − 5430)/184.
    expect(f.ytd).toMatchObject({ validDays: 181, mean: 30 });
    expect(f.budget.maxMean).toBeCloseTo((31.5 * 365 - 5430) / 184, 9);
  });

  it('a TARGETS_FILE target of 28.5: the budget lets the published mean reach 28, not 29', async () => {
    const f = await forecastView(
      {
        ...deps,
        targets: {
          file: [
            { level: 'city', id: '南京', from: 2025, to: 2025, indicator: 'pm25_annual', max: 28.5, source: 'file' },
          ],
          defaults: DEFAULT_TARGETS,
        },
      },
      { level: 'city', id: '南京', year: 2025, at: '2025-06-30', interval: 0.8 },
    );
    expect(f.target).toEqual({ value: 28.5, source: 'file' });
    // A mean of 28.5 is published 28 ≤ 28.5 (half to even): m = (28.5·365 − 5430)/184 = 4972.5/184.
    expect(f.budget.maxMean).toBeCloseTo(4972.5 / 184, 9);
  });

  it('refuses a trend over too few months', async () => {
    expect((await fetch(`${base}/v1/trends?level=city&id=${SH}&from=2019-01-01&to=2019-12-31`)).status).toBe(422);
  });
});
