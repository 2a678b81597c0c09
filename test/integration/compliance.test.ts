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
import { listsForStatistics } from '../../views/stats/areas';
import type { TargetRule } from '../../schemas/targets';
import type { ComplianceResponse } from '../../schemas/api/compliance';
import type { Pollutant } from '../../schemas/pollutant';
import type { Reading } from '../../schemas/reading';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;

/** Every hour of 2023 (labels 01–24 of each natural day) at a constant value. */
function year(station: string, pollutant: Pollutant, value: number): Reading[] {
  const start = Date.parse('2023-01-01T01:00:00+08:00');
  return Array.from({ length: 365 * 24 }, (_, i) =>
    aReading({
      station,
      pollutant,
      value,
      time: new Date(start + i * HOUR).toISOString(),
      arrivedAt: '2024-01-02T00:00:00Z',
    }),
  );
}

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  // 上海: 1141A and 1142A.
  const values: Record<Pollutant, [number, number]> = {
    pm25: [30, 40],
    pm10: [60, 60],
    no2: [30, 50],
    so2: [10, 10],
    co: [0.8, 0.8],
    o3: [100, 100],
  };
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  let offset = 0;
  for (const [pollutant, [a, b]] of Object.entries(values) as [Pollutant, [number, number]][]) {
    const readings = [...year('1141A', pollutant, a), ...year('1142A', pollutant, b)];
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(readings).map((m) => ({ ...m, partition: 0, offset: String(offset++) })),
    });
  }
  const stations = createClickHouseStationQueries(store);
  const queries = createClickHouseStatsQueries(store);
  // A centre's own targets over the defaults: 上海 2023 at most 34; Shanghai province 10 % below a given 2022 base of 40.
  const file: TargetRule[] = [
    {
      level: 'city',
      id: '上海',
      from: 2023,
      to: 2023,
      indicator: 'pm25_annual',
      max: 34,
      source: 'test: a stricter city target',
    },
    {
      level: 'province',
      id: 'shanghai',
      from: 2023,
      to: 2023,
      indicator: 'pm25_annual',
      relative: { baseYear: 2022, change: -0.1, baseline: 40 },
      source: 'test: −10 % vs 2022',
    },
  ];
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
            targets: { file, defaults: DEFAULT_TARGETS },
          },
          q,
        ),
    },
  });
}, 180_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const get = async (qs: string): Promise<ComplianceResponse> => {
  const res = await app.inject(`/v1/compliance?${qs}`);
  expect(res.statusCode).toBe(200);
  return res.json() as ComplianceResponse;
};

describe('GET /v1/compliance (hand-computed) (stubbed source)', () => {
  it('a city: annual statistics of its city-mean series, verdicts, composite index and good days', async () => {
    const r = await get(`level=city&id=${encodeURIComponent('上海')}&year=2023`);
    const by = Object.fromEntries(r.pollutants.map((p) => [p.pollutant, p]));
    // City daily = mean of the two stations: PM2.5 35, NO2 40, PM10 60, SO2 10, CO 0.8, MDA8 100.
    expect([by.pm25?.mean, by.pm25?.percentile.value, by.pm25?.complies]).toEqual([35, 35, true]);
    expect([by.no2?.mean, by.no2?.percentile, by.no2?.complies]).toEqual([40, { p: 98, value: 40 }, true]);
    expect([by.co?.mean, by.co?.percentile.value, by.o3?.percentile]).toEqual([null, 0.8, { p: 90, value: 100 }]);
    expect([by.pm25?.nValid, by.pm25?.meets324, by.pm25?.meetsMonthly, by.pm25?.capture]).toEqual([365, true, true, 1]);
    expect(r.complies).toBe(true);
    // 10/60 + 40/40 + 60/70 + 35/35 + 0.8/4 + 100/160 = 3.849 → 3.85; NO2 and PM2.5 tie at 1.0.
    expect(r.composite).toEqual({ index: 3.85, primary: ['no2', 'pm25'], missing: [] });
    // Daily AQI 55 (PM10 60 → 55) every day: 365 good days, none heavy; all seven indicators every day.
    expect(r.days).toEqual({
      valid: 365,
      good: 365,
      heavy: 0,
      goodRatio: 100,
      heavyRatio: 0,
      partialDays: 0,
      withheldDays: 0,
    });
    expect([r.regime, r.stations, r.cities]).toEqual(['2012', 20, 1]);
    expect([r.status, r.auditedShare]).toEqual(['all', 0]); // every value here is provisional
  });

  it('answers from audited values only when asked: none here, so nothing is valid', async () => {
    const r = await get(`level=city&id=${encodeURIComponent('上海')}&year=2023&status=audited`);
    expect(r.pollutants.every((p) => p.nValid === 0 && p.complies === null)).toBe(true);
    expect([r.status, r.complies, r.auditedShare]).toEqual(['audited', null, null]);
  });

  it('a station: its own series; 1142A fails NO2 with a mean of 50', async () => {
    const r = await get('level=station&id=1142A&year=2023');
    const no2 = r.pollutants.find((p) => p.pollutant === 'no2');
    expect([no2?.mean, no2?.complies, r.complies]).toEqual([50, false, false]);
  });

  it('judges a year by the rules in force at its end', async () => {
    const r = await get(`level=city&id=${encodeURIComponent('上海')}&year=2026`);
    expect(r.regime).toBe('2026');
    expect(r.pollutants.every((p) => p.nValid === 0 && p.complies === null)).toBe(true);
    expect(r.complies).toBeNull();
  });

  it('judges the area’s targets: a file’s rule over the default, relative targets from their base', async () => {
    const city = await get(`level=city&id=${encodeURIComponent('上海')}&year=2023`);
    // PM2.5 35 against the city's own 34: not met; O3 P90 100 against the default 160: met.
    expect(city.targets.find((t) => t.indicator === 'pm25_annual')).toMatchObject({
      target: 34,
      value: 35,
      met: false,
      source: 'test: a stricter city target',
    });
    expect(city.targets.find((t) => t.indicator === 'o3_p90')).toMatchObject({ target: 160, value: 100, met: true });
    // No good-day target outside 2025 (the 14th Five-Year Plan's year).
    expect(city.targets.find((t) => t.indicator === 'good_day_ratio')).toBeUndefined();
    const province = await get('level=province&id=shanghai&year=2023');
    // 40 × (1 − 0.1) = 36 ≥ 35: met.
    expect(province.targets.find((t) => t.indicator === 'pm25_annual')).toMatchObject({
      target: 36,
      value: 35,
      met: true,
      base: { year: 2022, value: 40, change: -0.1 },
    });
    // Another city: the default Grade II 35 of the 2012 regime.
    const other = await get(`level=city&id=${encodeURIComponent('上海')}&year=2022`);
    expect(other.targets.find((t) => t.indicator === 'pm25_annual')).toMatchObject({
      target: 35,
      value: null,
      met: null,
    });
  });

  it('ranks an area among its peers by the composite index', async () => {
    // 1141A (PM2.5 30, NO2 30) is cleaner than 1142A (40, 50) on every pollutant: 1st and 2nd of 2.
    const a = await get('level=station&id=1141A&year=2023&rank=true');
    const b = await get('level=station&id=1142A&year=2023&rank=true');
    expect(a.rank).toMatchObject({ by: 'composite index', position: 1, of: 2 });
    expect(b.rank).toMatchObject({ position: 2, of: 2 });
    expect((a.composite.index as number) < (b.composite.index as number)).toBe(true);
    // 上海 is the only city with a valid index here.
    const viaSql = (await get(`level=city&id=${encodeURIComponent('上海')}&year=2023&rank=true`)).rank;
    expect(viaSql).toMatchObject({ position: 1, of: 1 });
    // The city means formed in SQL (the series) rank as those formed from station days in TypeScript.
    const stations = createClickHouseStationQueries(store);
    const viaStations = await areaCompliance(
      { queries: createClickHouseStatsQueries(store), versions: () => stations.versions() },
      { level: 'city', id: '上海', year: 2023, status: 'all', rank: true },
    );
    expect(viaStations.rank).toEqual(viaSql);
    const province = (await get('level=province&id=shanghai&year=2023&rank=true')).rank;
    expect(province).toEqual(
      (
        await areaCompliance(
          { queries: createClickHouseStatsQueries(store), versions: () => stations.versions() },
          { level: 'province', id: 'shanghai', year: 2023, status: 'all', rank: true },
        )
      ).rank,
    );
    expect((await get(`level=city&id=${encodeURIComponent('上海')}&year=2023`)).rank).toBeNull();
  });

  it('reports 2026 in its two regimes, and the annual verdict under the rules at the year’s end', async () => {
    // 1143A PM2.5: 40 in January–February 2026, 28 from 1 March: (59·40 + 306·28)/365 = 29.9 → 30.
    const start = Date.parse('2026-01-01T01:00:00+08:00');
    const readings = Array.from({ length: 365 * 24 }, (_, i) => {
      const t = start + i * HOUR;
      const day = new Date(t - HOUR + 8 * HOUR).toISOString().slice(0, 10);
      return aReading({
        station: '1143A',
        pollutant: 'pm25',
        value: day < '2026-03-01' ? 40 : 28,
        time: new Date(t).toISOString(),
        arrivedAt: '2027-01-02T00:00:00Z',
      });
    });
    const processor = createProcessor({
      source: { run: async () => {}, stop: async () => {} },
      store: createClickHouseReadingStore(store),
      deadLetters: { publish: async () => {} },
      logger: silentLogger(),
    });
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(readings).map((m, i) => ({ ...m, partition: 0, offset: String(10_000 + i) })),
    });
    const r = await get('level=station&id=1143A&year=2026');
    expect(r.regime).toBe('2026');
    const pm = r.pollutants.find((p) => p.pollutant === 'pm25');
    expect([pm?.mean, pm?.complies]).toEqual([30, true]); // 30 ≤ 30 (GB 3095-2026)
    const parts = r.regimeParts?.map((part) => [
      part.regime,
      part.from,
      part.to,
      part.pollutants.find((p) => p.pollutant === 'pm25')?.nValid,
      part.pollutants.find((p) => p.pollutant === 'pm25')?.mean,
      part.pollutants.find((p) => p.pollutant === 'pm25')?.complies,
    ]);
    // Jan–Feb under 2012 (59 days, mean 40); March on under 2026 (306 days, mean 28). Neither part
    // has the 324 valid days an annual statistic needs, and GB 3095 Table 4 has no rule for part of
    // a year (docs/standards.md §2.1): reported, not judged.
    expect(parts).toEqual([
      ['2012', '2026-01-01', '2026-02-28', 59, 40, null],
      ['2026', '2026-03-01', '2026-12-31', 306, 28, null],
    ]);
    expect(r.regimeParts?.[1]?.pollutants.find((p) => p.pollutant === 'pm25')?.reason).toMatch(
      /^not judged: 306 valid days, fewer than the 324 an annual statistic needs/,
    );
    expect((await get('level=station&id=1143A&year=2025')).regimeParts).toBeNull();
  });

  it('counts control sites in city means only when configured (CITY_MEANS_INCLUDE_CONTROL_SITES)', async () => {
    // 1146A, 上海's control site (青浦淀山湖), at PM2.5 5 all 2023.
    const processor = createProcessor({
      source: { run: async () => {}, stop: async () => {} },
      store: createClickHouseReadingStore(store),
      deadLetters: { publish: async () => {} },
      logger: silentLogger(),
    });
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(year('1146A', 'pm25', 5)).map((m, i) => ({
        ...m,
        partition: 0,
        offset: String(50_000 + i),
      })),
    });
    const stations = createClickHouseStationQueries(store);
    const queries = createClickHouseStatsQueries(store);
    const q = { level: 'city' as const, id: '上海', year: 2023, status: 'all' as const, rank: false };
    const pm = (r: ComplianceResponse) => r.pollutants.find((p) => p.pollutant === 'pm25')?.mean;
    // Without: (30 + 40)/2 = 35, as before. With: (30 + 40 + 5)/3 = 25.
    expect(
      pm(
        await areaCompliance(
          { queries, versions: async () => listsForStatistics(await stations.versions(), false) },
          q,
        ),
      ),
    ).toBe(35);
    expect(
      pm(
        await areaCompliance({ queries, versions: async () => listsForStatistics(await stations.versions(), true) }, q),
      ),
    ).toBe(25);
  });
});
