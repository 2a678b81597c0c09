import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { createProcessor } from '../../processing';
import type { LatestAqiResponse } from '../../schemas';
import { createViews } from '../../views';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * `GET /v1/aqi/latest` over real HTTP on the real engine, its readings handed to the real processor
 * (stubbed source). One station of each of the 41 cities (the bundled list of the four provinces)
 * reports PM2.5 alone, constant over the 24 hours ending at L = 2025-06-01 12:00 CST, at a value of
 * its own; two cities share a value (a tie) and one falls silent an hour before L. PM2.5 alone is a
 * 2012-regime partial AQI: the city's IAQI of PM2.5, half up (docs/standards.md §3.3, §4.7).
 */
const HOUR = 3_600_000;
const L = Date.parse('2025-06-01T12:00:00+08:00');
const version = bundledVersion();
const cities = [...new Set(version.stations.map((s) => s.city))].sort();
const firstStation = (city: string): string =>
  version.stations.filter((s) => s.city === city && !s.control).sort((a, b) => a.code.localeCompare(b.code))[0]!.code;

// By hand: city i (in name order) at PM2.5 20 + i µg/m³; cities 5 and 6 both 25; city 10 silent at L.
const value = (i: number): number => (i === 6 ? 25 : 20 + i);
const SILENT = 10;
const OLD = version.stations
  .filter((s) => s.city === '上海' && !s.control)
  .map((s) => s.code)
  .sort()[1]!;

const FOREIGN = '9999X';

let store: TestStore;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [version]);
  const readings = cities.flatMap((city, i) =>
    Array.from({ length: 24 }, (_, k) => L - (i === SILENT ? k + 1 : k) * HOUR).map((t) =>
      aReading({ station: firstStation(city), pollutant: 'pm25', value: value(i), time: new Date(t).toISOString() }),
    ),
  );
  // A second station of 上海 reported once, 10 days before L: found by the second, unbounded look.
  readings.push(aReading({ station: OLD, pollutant: 'pm25', value: 50, time: new Date(L - 240 * HOUR).toISOString() }));
  // A station outside the list reports a day after L: the store's latest hour, in no area asked for.
  readings.push(
    aReading({ station: FOREIGN, pollutant: 'pm25', value: 10, time: new Date(L + 24 * HOUR).toISOString() }),
  );
  // City 0 also has O3 40 over the 8 hours ending at L: its 8-h O3 is 40 (IAQI 12.5 → 13, below its PM2.5's).
  for (let k = 0; k < 8; k++)
    readings.push(
      aReading({
        station: firstStation(cities[0]!),
        pollutant: 'o3',
        value: 40,
        time: new Date(L - k * HOUR).toISOString(),
      }),
    );
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
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    queries: { stations },
    views: createViews({
      stats: createClickHouseStatsQueries(store),
      series: createClickHouseSeriesQueries(store),
      stations,
      includeControlSites: false,
    }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

async function latest(params: Record<string, string>): Promise<LatestAqiResponse> {
  const res = await fetch(`${base}/v1/aqi/latest?${new URLSearchParams(params).toString()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as LatestAqiResponse;
}

describe('GET /v1/aqi/latest (stubbed source, real engine, real HTTP)', () => {
  it('lists all 41 cities of the region, ranked among those reporting the latest hour, ties shared', async () => {
    const body = await latest({ level: 'region', id: 'yrd' });
    expect(body.latest).toBe('2025-06-01T04:00:00Z');
    expect(body.results).toHaveLength(41);
    expect(new Set(body.results.map((r) => r.id))).toEqual(new Set(cities));
    const row = (i: number) => body.results.find((r) => r.id === cities[i])!;
    // City 0: PM2.5 20 → 20·50/35 = 28.57 → 29 half up; the cleanest.
    expect(row(0)).toMatchObject({
      time: '2025-06-01T04:00:00Z',
      aqi: 29,
      rank: 1,
      pm25_24h: 20,
      pm10_24h: null,
      o3_8h: 40,
    });
    expect(row(0).category?.zh).toBe('优');
    // Cities 5 and 6 at 25 (35.71 → 36) share rank 6; city 7 (27) is 8th: 1, …, 6, 6, 8.
    expect([row(5).aqi, row(6).aqi]).toEqual([36, 36]);
    expect([row(5).rank, row(6).rank, row(7).rank]).toEqual([6, 6, 8]);
    // City 10 is silent at L: its last hour, its AQI and 24-h PM2.5 then (30 → 42.86 → 43; its 24 hours
    // end there), no rank; city 11 (31) is 11th.
    expect(row(SILENT)).toMatchObject({ time: '2025-06-01T03:00:00Z', aqi: 43, rank: null, pm25_24h: 30 });
    expect(row(11).rank).toBe(11);
    // City 40 at 60: 50 + (60−35)·50/40 = 81.25 → 81, primary PM2.5, the last of the 40 ranked.
    expect(row(40)).toMatchObject({ aqi: 81, primary: ['pm25'], rank: 40 });
    // Ranked rows first, by rank; the silent city after them.
    expect(body.results.at(-1)?.id).toBe(cities[SILENT]);
    expect(body.results.slice(0, 40).map((r) => r.rank)).toEqual(
      [...body.results.slice(0, 40).map((r) => r.rank)].sort((a, b) => a! - b!),
    );
  });

  it('rows=station lists every station of a province, those without data with no hour', async () => {
    const body = await latest({ level: 'province', id: 'shanghai', rows: 'station' });
    const shanghai = version.stations.filter((s) => s.province === 'shanghai');
    expect(body.results).toHaveLength(shanghai.length);
    const reporting = body.results.filter((r) => r.time !== null);
    expect(reporting.map((r) => r.id)).toEqual([firstStation('上海'), OLD]);
    // The station of 10 days before: its hour (2025-05-22 12:00 CST), its AQI then (PM2.5 50 on 35→75:
    // 50 + 50·15/40 = 68.75 → 69 rounded up), no 24-h value (one hour), no rank.
    expect(reporting[1]).toMatchObject({ time: '2025-05-22T04:00:00Z', aqi: 69, pm25_24h: null, rank: null });
    // 上海 is the first city in name order: PM2.5 20 → 28.57, a station's IAQI rounded up → 29.
    expect(cities[0]).toBe('上海');
    expect(reporting[0]).toMatchObject({ aqi: 29, rank: 1, pm25_24h: 20, time: '2025-06-01T04:00:00Z' });
    expect(body.results.filter((r) => r.time === null).every((r) => r.rank === null && r.aqi === null)).toBe(true);
  });

  it("lastHours with a bound looks near the store's latest hour only; unbounded it finds every last hour", async () => {
    const series = createClickHouseSeriesQueries(store);
    const codes = cities.map(firstStation);
    // By hand: the store's latest hour is L + 1 day (the foreign station); the cities' stations
    // hold L (the silent one L − 1 h), within 2 days of it; OLD (L − 10 days) is beyond their 2 days.
    const bounded = await series.lastHours!([...codes, OLD], 2);
    expect(bounded.get(firstStation(cities[0]!))).toBe(L);
    expect(bounded.get(firstStation(cities[SILENT]!))).toBe(L - HOUR);
    expect(bounded.size).toBe(41);
    // OLD alone: its own latest hour is more than 2 days before the store's, so the bounded look
    // finds nothing and the unbounded one its hour.
    expect((await series.lastHours!([OLD], 2)).size).toBe(0);
    expect([...(await series.lastHours!([OLD], 0))]).toEqual([[OLD, L - 240 * HOUR]]);
  });

  it('an unknown area names itself', async () => {
    const res = await fetch(`${base}/v1/aqi/latest?level=province&id=hebei`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('QUERY_UNKNOWN_AREA');
  });
});
