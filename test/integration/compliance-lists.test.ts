import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { areaCompliance } from '../../views/stats/compliance';
import { DEFAULT_TARGETS } from '../../views/stats/targets';
import { seriesSpec } from '../../views/stats/series';
import type { ComplianceResponse } from '../../schemas/api/compliance';
import type { SeriesQuery } from '../../schemas/api/series';
import type { Pollutant } from '../../schemas/pollutant';
import type { Reading } from '../../schemas/reading';
import type { StationListVersion } from '../../schemas/station';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * Compliance follows the station list in force each day (docs/standards.md §3.3), and an area with
 * an incomplete city is not judged (§3.3, §2.1). Three list versions, all cut from the bundled
 * list (Shanghai, and of Zhejiang only 杭州, 舟山 and 宁波):
 * - `base` (the bundled list's validity, so in force from 2025-01-01);
 * - `july`, from 2025-07-01: without 1142A (上海) — it leaves mid-year, but keeps reporting;
 * - `december`, from 2025-12-01: without 1142A and 1143A (上海).
 * Data of 2025, every hour at a constant value (so every daily value is that value):
 * - 1141A: PM2.5 26, PM10 60, NO2 30, SO2 10, CO 0.8, O3 100 — all year;
 * - 1143A: PM2.5 20, PM10 50, NO2 20, SO2 8, CO 0.6, O3 90 — all year (on the list to Nov 30);
 * - 1142A: PM2.5 50 — all year (on the list to Jun 30);
 * - 1223A (杭州): PM2.5 30 all year; 1258A (舟山): PM2.5 50 from Jan 1 to Oct 31 (304 days);
 *   宁波: nothing.
 */
const HOUR = 3_600_000;
const bundled = bundledVersion();
const base: StationListVersion = {
  version: 'test-base',
  validFrom: bundled.validFrom,
  stations: bundled.stations.filter((s) => s.province === 'shanghai' || ['杭州', '舟山', '宁波'].includes(s.city)),
};
const july: StationListVersion = {
  version: 'test-2025-07',
  validFrom: '2025-07-01',
  stations: base.stations.filter((s) => s.code !== '1142A'),
};
const december: StationListVersion = {
  version: 'test-2025-12',
  validFrom: '2025-12-01',
  stations: base.stations.filter((s) => s.code !== '1142A' && s.code !== '1143A'),
};

/** Every hour (labels 01–24) of the natural days fromDay…toDay at a constant value. */
function hours(station: string, pollutant: Pollutant, value: number, fromDay: string, toDay: string): Reading[] {
  const start = Date.parse(`${fromDay}T00:00:00+08:00`) + HOUR;
  const end = Date.parse(`${toDay}T00:00:00+08:00`) + 24 * HOUR;
  return Array.from({ length: (end - start) / HOUR + 1 }, (_, i) =>
    aReading({
      station,
      pollutant,
      value,
      time: new Date(start + i * HOUR).toISOString(),
      arrivedAt: '2026-01-02T00:00:00Z',
    }),
  );
}
const YEAR = ['2025-01-01', '2025-12-31'] as const;

let store: TestStore;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [base, july, december]);
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  const six: Record<Pollutant, [number, number]> = {
    pm25: [26, 20],
    pm10: [60, 50],
    no2: [30, 20],
    so2: [10, 8],
    co: [0.8, 0.6],
    o3: [100, 90],
  };
  const batches: Reading[][] = [
    ...(Object.entries(six) as [Pollutant, [number, number]][]).map(([p, [a, c]]) => [
      ...hours('1141A', p, a, ...YEAR),
      ...hours('1143A', p, c, ...YEAR),
    ]),
    [
      ...hours('1142A', 'pm25', 50, ...YEAR),
      ...hours('1223A', 'pm25', 30, ...YEAR),
      ...hours('1258A', 'pm25', 50, '2025-01-01', '2025-10-31'),
    ],
  ];
  let offset = 0;
  for (const readings of batches) {
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(readings).map((m) => ({ ...m, partition: 0, offset: String(offset++) })),
    });
  }
  const stations = createClickHouseStationQueries(store);
  const queries = createClickHouseStatsQueries(store);
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: {
      compliance: (q) =>
        areaCompliance(
          {
            queries,
            series: createClickHouseSeriesQueries(store),
            versions: () => stations.versions(),
            targets: { file: [], defaults: DEFAULT_TARGETS },
          },
          q,
        ),
    },
  });
}, 240_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const get = async (qs: string): Promise<ComplianceResponse> => {
  const res = await app.inject(`/v1/compliance?${qs}`);
  expect(res.statusCode).toBe(200);
  return res.json() as ComplianceResponse;
};
const of = (r: ComplianceResponse, p: string) => r.pollutants.find((s) => s.pollutant === p);

describe('compliance counts the station list in force each day (stubbed source)', () => {
  it('a station that left the list mid-year: its days while on the list, and no verdict', async () => {
    const r = await get('level=station&id=1142A&year=2025');
    // On the list 2025-01-01…06-30: 31 + 28 + 31 + 30 + 31 + 30 = 181 days at 50 (its later days are not its own).
    expect(of(r, 'pm25')).toMatchObject({
      nValid: 181,
      mean: 50,
      percentile: { p: 95, value: 50 },
      meets324: false,
      complies: null,
      cityCoverage: null,
    });
    expect(r.stations).toBe(1);
  });

  it('a station that left on 1 December: 334 days, valid, and ranked among its city’s stations', async () => {
    const r = await get('level=station&id=1143A&year=2025&rank=true');
    expect(of(r, 'pm25')).toMatchObject({ nValid: 334, mean: 20, meets324: true, meetsMonthly: false, complies: true });
    expect(of(r, 'pm25')?.shortMonths).toEqual([{ month: 12, n: 0, required: 27 }]);
    // 8/60 + 20/40 + 50/70 + 20/35 + 0.6/4 + 90/160 = 2.6315… → 2.63, against 1141A's
    // 10/60 + 30/40 + 60/70 + 26/35 + 0.8/4 + 100/160 = 3.3417… → 3.34; 1142A has PM2.5 only (no index).
    expect(r.composite.index).toBe(2.63);
    expect(r.rank).toMatchObject({ position: 1, of: 2 });
    const other = await get('level=station&id=1141A&year=2025&rank=true');
    expect([other.composite.index, other.rank?.position, other.rank?.of]).toEqual([3.34, 2, 2]);
  });

  it('a city: each day the mean of the stations on that day’s list', async () => {
    const r = await get(`level=city&id=${encodeURIComponent('上海')}&year=2025`);
    // Jan 1–Jun 30 (181 d): (26 + 50 + 20)/3 = 32; Jul 1–Nov 30 (153 d): (26 + 20)/2 = 23; Dec (31 d): 26.
    // Mean (181·32 + 153·23 + 31·26)/365 = (5792 + 3519 + 806)/365 = 10117/365 = 27.718 → 28. P95: k = 1 + 364·0.95 = 346.8,
    // and days 185…365 of the sorted series are the 181 days at 32 → 32.
    expect(of(r, 'pm25')).toMatchObject({ nValid: 365, mean: 28, percentile: { p: 95, value: 32 }, complies: true });
    // NO2: Jan 1–Nov 30 (334 d) (30 + 20)/2 = 25, Dec 30: (334·25 + 31·30)/365 = 25.42 → 25;
    // P98: k = 1 + 364·0.98 = 357.72, past the 334 days at 25 → 30.
    expect(of(r, 'no2')).toMatchObject({ mean: 25, percentile: { p: 98, value: 30 } });
    // The stations of 上海 on some list of the year (1142A and 1143A included).
    expect(r.stations).toBe(base.stations.filter((s) => s.city === '上海').length);
  });

  it('the city’s annual PM2.5 is the series’ (a second method: city means formed in SQL)', async () => {
    const stations = createClickHouseStationQueries(store);
    const page = await createClickHouseSeriesQueries(store).page(
      seriesSpec(
        {
          level: 'city',
          id: ['上海'],
          pollutant: ['pm25'],
          resolution: 'year',
          limit: 10,
          referenceState: true,
          incomplete: false,
          format: 'json',
        } as SeriesQuery,
        { fromMs: Date.parse('2025-01-01T01:00:00+08:00'), toMs: Date.parse('2026-01-01T01:00:00+08:00') },
        await stations.versions(),
      ),
      'json',
    );
    if (page.kind !== 'rows') throw new Error('expected rows');
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]?.value).toBeCloseTo(10117 / 365, 9);
    expect(page.rows[0]?.nValid).toBe(365);
  });

  it('a province of one city: that city’s statistics, all its cities valid', async () => {
    const r = await get('level=province&id=shanghai&year=2025');
    expect(of(r, 'pm25')).toMatchObject({
      mean: 28,
      complies: true,
      meets324: true,
      cityCoverage: { expected: 1, valid: 1, invalid: [], missing: [], complete: true },
    });
    // The target on it is judged the same way: 28 ≤ 35, met.
    expect(r.targets.find((t) => t.indicator === 'pm25_annual')).toMatchObject({ target: 35, value: 28, met: true });
  });
});

describe('a province with an incomplete city is not judged (stubbed source)', () => {
  it('names the invalid and missing cities, reports the valid cities’ mean, and judges neither compliance nor target', async () => {
    const r = await get('level=province&id=zhejiang&year=2025');
    // 杭州 365 days at 30 (valid); 舟山 304 days (< 324, invalid); 宁波 no data (missing).
    expect(of(r, 'pm25')).toMatchObject({
      mean: 30,
      percentile: { p: 95, value: 30 },
      meets324: false,
      complies: null,
      nValid: 0,
      cityCoverage: { expected: 3, valid: 1, invalid: ['舟山'], missing: ['宁波'], complete: false },
    });
    expect(r.complies).toBeNull();
    // The PM2.5 target of 2025 (35) is not judged either: the compliance verdict and the target's agree.
    expect(r.targets.find((t) => t.indicator === 'pm25_annual')).toMatchObject({ target: 35, value: null, met: null });
    expect(r.cities).toBe(3);
  });
});
