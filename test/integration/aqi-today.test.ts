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
import { type AqiResponse, zAqiResponse } from '../../schemas/api/aqi';
import type { HourlyAqiResponse } from '../../schemas/api/aqi-hourly';
import type { Pollutant } from '../../schemas/pollutant';
import type { Reading } from '../../schemas/reading';
import { createViews } from '../../views';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { archiveCells } from '../helpers/shared-data';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * `GET /v1/aqi` for a day in progress, on the real archive days 2025-02-11 and 2025-02-12: every
 * station-hour published there is handed to the real processor (QC, the real engine) as a feed
 * reading arriving 20 minutes after its hour ends, so `asOf` replays the day as it built up. The
 * route is read over real HTTP. Expectations come from the archive's own published cells:
 * - the day so far: each station's mean of its published PM2.5 hours so far, formed into the city
 *   value as docs/standards.md §3.3 says (station values as integers, GB/T 8170; their mean, half
 *   up), and its IAQI by hand from HJ 633's 24-h PM2.5 breakpoints;
 * - the latest 24-h moving AQI: the city `PM2.5_24h`, `SO2_24h` and `NO2_24h` the centre published for
 *   that hour (its `PM10_24h` differs where QC leaves out a PM2.5 above its PM10, as documented).
 */
const HOUR = 3_600_000;
// 2025-02-13's file for its hour 0: label 24 of 2025-02-12.
const FILES = ['20250211', '20250212', '20250213'];
const TYPES: Record<string, Pollutant> = {
  'PM2.5': 'pm25',
  PM10: 'pm10',
  SO2: 'so2',
  NO2: 'no2',
  O3: 'o3',
  CO: 'co',
};
const version = bundledVersion();
const CITY = '南京';
const cityStations = version.stations
  .filter((s) => s.city === CITY && !s.control)
  .map((s) => s.code)
  .sort();

const sites = new Map(FILES.map((f) => [f, archiveCells('sites', f)]));
const published = archiveCells('cities', '20250212');

/** The archive hour (0–23) of file D is the hour ending at D hh:00 CST; hour 0 is label 24 of the day before. */
const hourEnding = (file: string, hour: number): number =>
  Date.parse(`${file.slice(0, 4)}-${file.slice(4, 6)}-${file.slice(6)}T00:00:00+08:00`) + hour * HOUR;

let store: TestStore;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [version]);
  const known = new Set(version.stations.map((s) => s.code));
  const readings: Reading[] = [];
  for (const [file, cells] of sites) {
    for (const [key, text] of cells) {
      const [hour, type, code] = key.split('|') as [string, string, string];
      const pollutant = TYPES[type];
      if (!pollutant || !known.has(code)) continue;
      const t = hourEnding(file, Number(hour));
      readings.push(
        aReading({
          station: code,
          pollutant,
          value: Number(text),
          time: new Date(t).toISOString(),
          arrivedAt: new Date(t + 20 * 60_000).toISOString(),
        }),
      );
    }
  }
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  for (let i = 0; i < readings.length; i += 5000) {
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(readings.slice(i, i + 5000)).map((m, k) => ({
        ...m,
        partition: 0,
        offset: String(i + k),
      })),
    });
  }
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
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 300_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

async function get<T>(path: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params).toString()}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}
async function aqi(params: Record<string, string>): Promise<AqiResponse> {
  const body = await get<AqiResponse>('/v1/aqi', params);
  expect(zAqiResponse.parse(body)).toStrictEqual(body);
  return body;
}

/** GB/T 8170 to an integer: half to even on the decimal value. */
const gbt8170 = (x: number): number => {
  const d = Number(x.toFixed(8));
  const f = Math.floor(d);
  return d - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(d);
};
/** HJ 633 Table 1, PM2.5 24-h mean: the IAQI by linear interpolation, a city's half up (docs/standards.md §3.3). */
function pm25Iaqi(c: number): number {
  const bp = [0, 35, 75, 115, 150, 250, 350, 500];
  const iaqi = [0, 50, 100, 150, 200, 300, 400, 500];
  let k = 1;
  while (k < bp.length - 1 && c > bp[k]!) k++;
  const lo = bp[k - 1]!;
  const hi = bp[k]!;
  return Math.floor(((iaqi[k]! - iaqi[k - 1]!) / (hi - lo)) * (c - lo) + iaqi[k - 1]! + 0.5);
}

/**
 * The city's PM2.5 of 2025-02-12 over labels 1…`through`, formed from the archive by hand: each
 * station's published hours (QC leaves out an hour whose PM2.5 is above its PM10, docs/standards.md
 * Known differences), their mean as an integer, then the stations' mean, half up.
 */
function pm25SoFar(through: number): number {
  const stationValues: number[] = [];
  for (const code of cityStations) {
    const hours: number[] = [];
    for (let h = 1; h <= through; h++) {
      const cells = h < 24 ? sites.get('20250212')! : sites.get('20250213')!;
      const pm25 = cells.get(`${h % 24}|PM2.5|${code}`);
      const pm10 = cells.get(`${h % 24}|PM10|${code}`);
      if (pm25 === undefined) continue;
      if (pm10 !== undefined && Number(pm25) > Number(pm10)) continue;
      hours.push(Number(pm25));
    }
    // A station stands for the day so far with ⌈through × 20/24⌉ of its hours (the complete day's 20 of 24, scaled).
    if (hours.length >= Math.ceil((through * 20) / 24))
      stationValues.push(gbt8170(hours.reduce((a, b) => a + b, 0) / hours.length));
  }
  return Math.floor(stationValues.reduce((a, b) => a + b, 0) / stationValues.length + 0.5);
}

describe('GET /v1/aqi for a day in progress (real archive days, real processor and engine, real HTTP)', () => {
  it('at 14:30 the day answers with its hours so far, provisional, beside the latest 24-h moving AQI the centre published', async () => {
    const r = await aqi({ level: 'city', id: CITY, date: '2025-02-12', asOf: '2025-02-12T14:30:00+08:00' });
    expect(r.provisional).toBe(true);
    expect(r.through).toBe('2025-02-12T06:00:00Z'); // 14:00 CST, the last hour arrived by 14:30
    const [city] = r.results;
    // Fourteen hours: a complete day would need twenty of them; the day so far counts them.
    const pm25 = pm25SoFar(14);
    expect(city?.concentrations.pm25).toBe(pm25);
    expect(city?.iaqi.pm25).toBe(pm25Iaqi(pm25));
    expect(city?.aqi).toBe(Math.max(...Object.values(city?.iaqi ?? {})));
    expect(city?.partial).toBe(false);
    // The 24-h moving AQI at 14:00: the centre's published city 24-h values of that hour.
    const moving = city?.latest24h;
    expect(moving?.time).toBe('2025-02-12T06:00:00Z');
    expect(moving?.concentrations.pm25_24h).toBe(Number(published.get(`14|PM2.5_24h|${CITY}`)));
    expect(moving?.concentrations.so2_24h).toBe(Number(published.get(`14|SO2_24h|${CITY}`)));
    expect(moving?.concentrations.no2_24h).toBe(Number(published.get(`14|NO2_24h|${CITY}`)));
    // … and the row /v1/aqi/hourly gives for that hour with window=24h.
    const hourly = await get<HourlyAqiResponse>('/v1/aqi/hourly', {
      level: 'city',
      id: CITY,
      from: '2025-02-12T06:00:00Z',
      to: '2025-02-12T07:00:00Z',
      window: '24h',
      asOf: '2025-02-12T14:30:00+08:00',
    });
    expect(hourly.rows).toEqual([moving]);
  });

  it('earlier the same day the answer stands on fewer hours, and O3 has no MDA8 before its first 8-h window', async () => {
    const r = await aqi({ level: 'city', id: CITY, date: '2025-02-12', asOf: '2025-02-12T05:30:00+08:00' });
    expect(r.provisional).toBe(true);
    expect(r.through).toBe('2025-02-11T21:00:00Z'); // 05:00 CST
    const [city] = r.results;
    expect(city?.concentrations.pm25).toBe(pm25SoFar(5));
    expect(city?.concentrations.o3_mda8).toBeUndefined();
    expect(city?.missing).toContain('o3_8h');
    expect(city?.partial).toBe(true);
    expect(city?.latest24h?.time).toBe('2025-02-11T21:00:00Z');
    expect(city?.latest24h?.concentrations.pm25_24h).toBe(Number(published.get(`5|PM2.5_24h|${CITY}`)));
  });

  it('after its last hour the day is complete: not provisional, and equal to its hours so far just before', async () => {
    const during = await aqi({ level: 'city', id: CITY, date: '2025-02-12', asOf: '2025-02-13T00:30:00+08:00' });
    expect(during.provisional).toBe(true);
    expect(during.through).toBe('2025-02-12T16:00:00Z'); // label 24
    const done = await aqi({ level: 'city', id: CITY, date: '2025-02-12', asOf: '2025-02-13T01:30:00+08:00' });
    expect(done.provisional).toBe(false);
    expect(done.through).toBeUndefined();
    expect(done.results[0]?.latest24h).toBeUndefined();
    // At its 24th hour the day so far is held to the complete day's rule: the same answer.
    const { latest24h, ...soFar } = during.results[0]!;
    expect(latest24h?.time).toBe('2025-02-12T16:00:00Z');
    expect(soFar).toEqual(done.results[0]);
    expect(done.results[0]?.concentrations.pm25).toBe(pm25SoFar(24));
  });

  it('a province lists each city so far; a day not begun has nothing yet but the latest 24-h moving AQI', async () => {
    const jiangsu = await aqi({
      level: 'province',
      id: 'jiangsu',
      date: '2025-02-12',
      asOf: '2025-02-12T14:30:00+08:00',
    });
    expect(jiangsu.results).toHaveLength(13);
    expect(jiangsu.results.every((c) => c.latest24h?.time === '2025-02-12T06:00:00Z')).toBe(true);
    const nanjing = jiangsu.results.find((c) => c.area === CITY);
    expect(nanjing?.concentrations.pm25).toBe(pm25SoFar(14));
    const tomorrow = await aqi({ level: 'city', id: CITY, date: '2025-02-13', asOf: '2025-02-12T14:30:00+08:00' });
    expect(tomorrow.provisional).toBe(true);
    expect(tomorrow.through).toBeNull();
    expect(tomorrow.results[0]?.aqi).toBeNull();
    expect(tomorrow.results[0]?.latest24h?.time).toBe('2025-02-12T06:00:00Z');
  });
});
