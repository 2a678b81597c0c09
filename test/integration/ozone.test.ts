import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { encodeReadings } from '../../bus';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor, type Processor } from '../../processing';
import type { ComplianceResponse } from '../../schemas/api/compliance';
import type { OzoneResponse } from '../../schemas/api/ozone';
import type { Reading } from '../../schemas/reading';
import type { StationListVersion } from '../../schemas/station';
import { areaCompliance } from '../../views/stats/compliance';
import { areaOzone } from '../../views/stats/ozone';
import { percentile } from '../../views/stats/percentile';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let store: TestStore;
let app: FastifyInstance;
let base: string;
let processor: Processor;
let offset = 0;

/** Hour-ending instant of label `label` (1–24) of natural day `day` (CST). */
const at = (day: string, label: number): string =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + label * HOUR).toISOString();
const dayOf2025 = (i: number): string => new Date(Date.UTC(2025, 0, 1) + i * DAY).toISOString().slice(0, 10);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const o3Hours = (station: string, day: string, labels: number[], value: number): Reading[] =>
  labels.map((l) => aReading({ station, pollutant: 'o3', time: at(day, l), value, arrivedAt: '2026-01-02T00:00:00Z' }));

async function feed(readings: Reading[]): Promise<void> {
  const messages = encodeReadings(readings).map((m) => ({ ...m, partition: 0, offset: String(offset++) }));
  await processor.handleBatch({ topic: 't', partition: 0, messages });
}

/**
 * A province of three cities (Zhejiang reduced to 杭州, 宁波 and 温州 on a list of its own) with
 * different ozone peaks in 2025, a constant value over each day's 24 hours (so the day's MDA8 is
 * that value). Day i is the i-th day of 2025 (0 = 1 January):
 * - 杭州: two stations, 1223A at v + 10 and 1224A at v − 10 (the city mean is v), v = 200 on days
 *   0–49 and 100 otherwise;
 * - 宁波 (1234A): 180 on days 100–149, 100 otherwise;
 * - 温州 (1242A): 80 every day but days 0–29, which have no data (335 valid days).
 * And 1141A (上海, outside the province) for the exceedance exception.
 */
const hangzhou = (i: number): number => (i < 50 ? 200 : 100);
const ningbo = (i: number): number => (i >= 100 && i < 150 ? 180 : 100);
const wenzhou = (i: number): number | null => (i < 30 ? null : 80);

beforeAll(async () => {
  store = await openTestStore();
  const bundled = bundledVersion();
  const list: StationListVersion = {
    ...bundled,
    version: 'test-zhejiang-three-cities',
    stations: bundled.stations.filter((s) => ['杭州', '宁波', '温州'].includes(s.city) || s.code === '1141A'),
  };
  await syncStations(store, [list]);
  processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  const all = range(1, 24);
  for (let i = 0; i < 365; i++) {
    const day = dayOf2025(i);
    const w = wenzhou(i);
    await feed([
      ...o3Hours('1223A', day, all, hangzhou(i) + 10),
      ...o3Hours('1224A', day, all, hangzhou(i) - 10),
      ...o3Hours('1234A', day, all, ningbo(i)),
      ...(w === null ? [] : o3Hours('1242A', day, all, w)),
    ]);
  }
  await feed([
    // Hours 1–18: 13 valid 8-h windows (e ≤ 20), fewer than 14, so the MDA8 stands only by the
    // exceedance exception — judged on the MDA8 as published (an integer, GB/T 8170):
    ...o3Hours('1141A', '2025-07-01', range(1, 18), 160.4), // published 160: not above 160 → invalid
    ...o3Hours('1141A', '2025-07-02', range(1, 18), 160.5), // published 160 (half, to even) → invalid
    ...o3Hours('1141A', '2025-07-03', range(1, 18), 160.6), // published 161 → kept, an exceedance
    // Whole days (17 windows, valid anyway): exceedance days on the published value.
    ...o3Hours('1141A', '2025-07-04', all, 160.4),
    ...o3Hours('1141A', '2025-07-05', all, 160.6),
    ...o3Hours('1141A', '2025-07-06', all, 160.5),
  ]);
  const stations = createClickHouseStationQueries(store);
  const series = createClickHouseSeriesQueries(store);
  const versions = (): Promise<StationListVersion[]> => stations.versions();
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: {
      ozone: (q) => areaOzone({ series, versions }, q),
      compliance: (q) => areaCompliance({ queries: createClickHouseStatsQueries(store), series, versions }, q),
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 300_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

describe('GET /v1/ozone of a province: the assessment value is the mean of its cities’ MDA8 P90 (docs/standards.md §3.3) (stubbed source)', () => {
  // By hand, HJ 663 P90 with k = 1 + (n − 1)·0.9 (docs/standards.md §3.2):
  // - 杭州: n = 365, k = 328.6; sorted, 315 × 100 then 50 × 200 (X(316)…X(365)): X(328) = X(329) = 200.
  // - 宁波: 315 × 100 and 50 × 180 likewise: 180.
  // - 温州: n = 335, all 80: 80.
  // The province: (200 + 180 + 80)/3 = 153.33 → 153.
  // The P90 of the province's daily mean series instead (the mean of the cities present each day):
  // days 0–29 (200, 100) 150; days 30–49 (200, 100, 80) 126.67; days 100–149 (100, 180, 80) 120; the
  // other 265 days (100, 100, 80) 93.33. Sorted, the 126.67s are X(316)…X(335), so X(328) = X(329)
  // = 126.67 → 127: lower than the assessment value, as the averaging smooths the cities' peaks.
  const ASSESSMENT = 153;
  const OF_MEAN_SERIES = 127;

  it('a second computation from the stored station values gives the same', async () => {
    // Independently of the views: each city's daily MDA8 as the mean of its stations' station-day
    // MDA8 from the engine, then the percentile of each city, then the mean over cities.
    const stationDays = await createClickHouseStatsQueries(store).stationDaily({
      stations: ['1223A', '1224A', '1234A', '1242A'],
      fromDay: '2025-01-01',
      toDay: '2025-12-31',
    });
    const cityOf: Record<string, string> = { '1223A': '杭州', '1224A': '杭州', '1234A': '宁波', '1242A': '温州' };
    const perCityDay = new Map<string, number[]>();
    for (const d of stationDays)
      if (d.statistic === 'o3_mda8' && d.valid && d.value !== null) {
        const k = `${cityOf[d.station]}|${d.day}`;
        perCityDay.set(k, [...(perCityDay.get(k) ?? []), d.value]);
      }
    const p90s = ['杭州', '宁波', '温州'].map((city) => {
      const values = [...perCityDay]
        .filter(([k]) => k.startsWith(`${city}|`))
        .map(([, vs]) => vs.reduce((a, b) => a + b, 0) / vs.length)
        .sort((a, b) => a - b);
      return Math.round(percentile(values, 90) as number);
    });
    expect(p90s).toEqual([200, 180, 80]);
    expect(Math.round(p90s.reduce((a, b) => a + b, 0) / 3)).toBe(ASSESSMENT);
  });

  it('reports it for the year, equal to /v1/compliance’s O3, with the P90 of the mean series beside it', async () => {
    const o = await get<OzoneResponse>('/v1/ozone?level=province&id=zhejiang&from=2025-01-01&to=2025-12-31');
    expect(o.years).toHaveLength(1);
    expect(o.years[0]).toMatchObject({
      year: 2025,
      p90: ASSESSMENT,
      p90OfAreaMeanSeries: OF_MEAN_SERIES,
      validDays: 335, // 温州's, the fewest
      valid: true,
      exceedanceDays: 0, // the province's daily mean never goes above 150
    });
    // The rolling P90 on 31 December: its 365-day window is the year itself.
    expect(o.days.at(-1)).toMatchObject({
      day: '2025-12-31',
      p90: ASSESSMENT,
      n: 335,
      valid: true,
      p90OfAreaMeanSeries: OF_MEAN_SERIES,
    });
    // The daily series stays the mean of the cities: 1 January (杭州 200, 宁波 100) 150.
    expect(o.days[0]).toMatchObject({ day: '2025-01-01', mda8: 150, exceeds: false });

    const c = await get<ComplianceResponse>('/v1/compliance?level=province&id=zhejiang&year=2025');
    const o3 = c.pollutants.find((p) => p.pollutant === 'o3');
    expect(o3?.percentile.value).toBe(ASSESSMENT);
    expect(o3?.meets324).toBe(true);
    expect(o.years[0]?.p90).toBe(o3?.percentile.value);
  });

  it('a city keeps its own P90 (no mean-series field)', async () => {
    const o = await get<OzoneResponse>(
      `/v1/ozone?level=city&id=${encodeURIComponent('宁波')}&from=2025-12-31&to=2025-12-31`,
    );
    expect(o.years[0]).toMatchObject({ p90: 180, validDays: 365, valid: true });
    expect(o.years[0]?.p90OfAreaMeanSeries).toBeUndefined();
  });
});

describe('exceedances on the MDA8 as published (an integer by GB/T 8170, docs/standards.md §3.5) (stubbed source)', () => {
  it('the exceedance exception keeps 160.6 (published 161), not 160.4 or 160.5 (published 160)', async () => {
    const days = await createClickHouseStatsQueries(store).stationDaily({
      stations: ['1141A'],
      fromDay: '2025-07-01',
      toDay: '2025-07-03',
    });
    const mda8 = days
      .filter((d) => d.statistic === 'o3_mda8')
      .map((d) => [d.day, d.nValid, d.valid, d.exceedanceException]);
    expect(mda8).toEqual([
      ['2025-07-01', 13, false, false],
      ['2025-07-02', 13, false, false],
      ['2025-07-03', 13, true, true],
    ]);
  });

  it('/v1/ozone counts exceedance days on the published value', async () => {
    const o = await get<OzoneResponse>('/v1/ozone?level=station&id=1141A&from=2025-07-01&to=2025-07-06');
    expect(o.days.map((d) => [d.day, d.mda8 === null ? null : Math.round(d.mda8 * 10) / 10, d.exceeds])).toEqual([
      ['2025-07-01', null, false], // invalid: 13 windows and not an exceedance
      ['2025-07-02', null, false],
      ['2025-07-03', 160.6, true], // kept by the exception
      ['2025-07-04', 160.4, false], // published 160
      ['2025-07-05', 160.6, true], // published 161
      ['2025-07-06', 160.5, false], // published 160 (half, to the even neighbour)
    ]);
    expect(o.years[0]?.exceedanceDays).toBe(2);
  });
});
