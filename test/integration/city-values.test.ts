import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { runBackfill } from '../../ingest';
import { ADAPTERS } from '../../ingest/adapters';
import { startInProcessPipeline } from '../../infra/bus/in-process-pipeline';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createViews } from '../../views';
import type { AqiResponse } from '../../schemas/api/aqi';
import type { SeriesResponse, SeriesRow } from '../../schemas/api/series';
import { silentLogger } from '../helpers/logger';
import { sharedData } from '../helpers/shared-data';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * City values against what the national centre published for them (real data, 2025-02-09…15).
 * The seven station files are backfilled into the real engine and served over real HTTP; every
 * city-day of the 41 cities is compared with the centre's city file of the same days, read here
 * with plain splits. What a published row means was checked on these files first:
 * - `PM2.5_24h`, `PM10_24h`, `SO2_24h`, `NO2_24h`, `CO_24h` at hour 0 of file D+1 (label 24 of D):
 *   the 24-h mean of natural day D (labels 01–24), for stations and cities alike;
 * - in these 2025 files `O3_8h` is the day's running maximum of the 8-h means, so at label 24 the
 *   MDA8 of day D, and `O3_8h_24h` the 8-h moving mean itself (the pair swapped against its
 *   names); `O3_24h` is empty.
 * The expectation is the centre's published value. Our city value rests on our station values,
 * formed from the hourly values the archive carries (integers, CO to 0.1), while the centre's rest
 * on its unrounded hourly data: where one of a city's station-days differs from the centre's own
 * published 24-h value for that station (or the station counts on one side only — a station with
 * fewer than 20 hours has no valid day here, docs/standards.md §2.1, but the centre publishes its
 * mean), the city-day is not comparable and is counted apart, by reason. On those city-days the
 * centre's own station values are checked against the centre's city value instead, with the rule
 * implemented a second way here (exact decimal digits of the binary mean).
 */
const FILES = ['20250209', '20250210', '20250211', '20250212', '20250213', '20250214', '20250215'];
/** The natural days with a label 24 in the files (hour 0 of the next file). */
const DAYS = FILES.slice(0, 6).map((d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`);
const DAILY: Record<string, string> = {
  pm25: 'PM2.5_24h',
  pm10: 'PM10_24h',
  so2: 'SO2_24h',
  no2: 'NO2_24h',
  co: 'CO_24h',
  o3_mda8: 'O3_8h',
};
const HOURLY: Record<string, string> = { pm25: 'PM2.5', pm10: 'PM10', so2: 'SO2', no2: 'NO2', co: 'CO', o3: 'O3' };

const version = bundledVersion();
const cities = [...new Set(version.stations.map((s) => s.city))].sort();
/** Each city's stations that count: the list's non-control sites, by code. */
const members = new Map(
  cities.map((c) => [
    c,
    version.stations
      .filter((s) => s.city === c && !s.control)
      .map((s) => s.code)
      .sort(),
  ]),
);

/** `file|hour|type|column` → the cell's text, for the station files and the city files. */
function readCells(kind: 'sites' | 'cities'): Map<string, string> {
  const cells = new Map<string, string>();
  for (const f of FILES) {
    const lines = readFileSync(sharedData(`china_${kind}/china_${kind}_${f}.csv`), 'utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    const header = (lines[0] ?? '').split(',');
    for (const line of lines.slice(1)) {
      const c = line.split(',');
      for (let i = 3; i < c.length; i++)
        if (c[i] !== '' && header[i]) cells.set(`${f}|${c[1]}|${c[2]}|${header[i]}`, c[i] as string);
    }
  }
  return cells;
}

/** Day D's label 24: hour 0 of the next file. */
const label24 = (day: string): string => `${FILES[DAYS.indexOf(day) + 1]}|0`;

/** Half up to `decimals` on a decimal text's digits. */
function halfUpDigits(text: string, decimals: number): string {
  const [ip = '0', fp = ''] = text.split('.');
  let digits = BigInt(ip + fp.slice(0, decimals));
  if ((fp[decimals] ?? '0') >= '5') digits += 1n;
  const s = digits.toString().padStart(decimals + 1, '0');
  return decimals === 0 ? s : `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}
/**
 * Half up on the exact value of a double, from its exact decimal digits (`toFixed` with 60
 * decimals is exact for these magnitudes) — a second method beside the code's.
 */
const halfUpExact = (x: number, decimals: number): string => halfUpDigits(x.toFixed(60), decimals);
/** Half up on the decimal value (9 decimals): how a station's value is taken to its precision. */
const halfUpDecimal = (x: number, decimals: number): string => halfUpDigits(x.toFixed(9), decimals);
const stationDecimals = (p: string): number => (p === 'co' ? 1 : 0);
const cityDecimals = (p: string): number => (p === 'co' ? 2 : 0);
/** The centre's city value from station values: summed in code order, divided, half up. */
const centreCityMean = (p: string, values: number[]): string =>
  halfUpExact(values.reduce((a, b) => a + b, 0) / values.length, cityDecimals(p));
/** Our value at the city's published precision, to compare with the published text's number. */
const asPublished = (p: string, v: number): string => v.toFixed(cityDecimals(p));

// HJ 633-2012 Table 1, typed in again here: the 24-h columns, O3 1-h and 8-h.
const LEVELS = [0, 50, 100, 150, 200, 300, 400, 500];
const BP: Record<string, number[]> = {
  so2: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  no2: [0, 40, 80, 180, 280, 565, 750, 940],
  co: [0, 2, 4, 14, 24, 36, 48, 60],
  pm10: [0, 50, 150, 250, 350, 420, 500, 600],
  pm25: [0, 35, 75, 115, 150, 250, 350, 500],
  o3_mda8: [0, 100, 160, 215, 265, 800],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
};
/** The IAQI formula, exactly, in integer arithmetic on the published decimals (×100), rounded half up. */
function iaqiHalfUp(p: string, text: string): number {
  const c = Math.round(Number(text) * 100);
  const bp = (BP[p] as number[]).map((b) => b * 100);
  for (let i = 1; i < bp.length; i++) {
    const lo = bp[i - 1] as number;
    const hi = bp[i] as number;
    if (c <= hi) {
      const dl = (LEVELS[i] as number) - (LEVELS[i - 1] as number);
      // IAQI = L0 + dl (c − lo) / (hi − lo); half up: floor((2 dl (c − lo) + (hi − lo)) / (2 (hi − lo)))
      return (LEVELS[i - 1] as number) + Math.floor((2 * dl * (c - lo) + (hi - lo)) / (2 * (hi - lo)));
    }
  }
  return 500;
}

let store: TestStore;
let app: FastifyInstance;
let base: string;
let siteCells: Map<string, string>;
let cityCells: Map<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'yrd-air-city-values-'));

beforeAll(async () => {
  siteCells = readCells('sites');
  cityCells = readCells('cities');
  store = await openTestStore();
  await syncStations(store, [version]);
  const logger = silentLogger();
  const pipeline = startInProcessPipeline(store, logger, { maxBatchMessages: 2000 });
  await runBackfill({
    files: FILES.map((d) => sharedData(`china_sites/china_sites_${d}.csv`)),
    sink: pipeline.sink,
    registry: createStationRegistry([version]),
    archive: ADAPTERS['cnemc-archive'],
    stateFile: join(dir, 'state.json'),
  });
  await pipeline.stop();
  const stationQueries = createClickHouseStationQueries(store);
  app = await buildApp({
    logger,
    readiness: {},
    queries: { stations: stationQueries },
    views: createViews({
      stats: createClickHouseStatsQueries(store),
      series: createClickHouseSeriesQueries(store),
      stations: stationQueries,
      includeControlSites: false,
    }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 300_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function get<T>(path: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params).toString()}`);
  expect(res.status, `${path} ${JSON.stringify(params)}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

const series = async (params: Record<string, string>): Promise<SeriesRow[]> =>
  (await get<SeriesResponse>('/v1/series', params)).rows;

/** Each city-day: comparable (every station agrees with the centre's own) or why not. */
interface CityDay {
  city: string;
  day: string;
  pollutant: string;
  published: string;
  /** The centre's station values (label 24), by code. */
  centreStations: number[];
  /** Why the city-day is not comparable, or null. */
  setAside: string | null;
}

async function cityDaysToCompare(): Promise<CityDay[]> {
  const stationRows = await series({
    level: 'station',
    id: [...members.values()].flat().join(','),
    pollutant: Object.keys(DAILY).join(','),
    resolution: 'day',
    from: DAYS[0] as string,
    to: DAYS.at(-1) as string,
  });
  const ours = new Map(stationRows.filter((r) => r.valid).map((r) => [`${r.id}|${r.pollutant}|${r.time}`, r.value]));
  const out: CityDay[] = [];
  for (const day of DAYS) {
    for (const city of cities) {
      for (const [p, type] of Object.entries(DAILY)) {
        const published = cityCells.get(`${label24(day)}|${type}|${city}`);
        if (published === undefined) continue;
        const centreStations: number[] = [];
        let setAside: string | null = null;
        for (const code of members.get(city) ?? []) {
          const theirs = siteCells.get(`${label24(day)}|${type}|${code}`);
          const mine = ours.get(`${code}|${p}|${day}`);
          if (theirs !== undefined) centreStations.push(Number(theirs));
          if ((theirs === undefined) !== (mine === undefined || mine === null))
            setAside ??= 'a station counts on one side only';
          else if (theirs !== undefined && Number(halfUpDecimal(mine as number, stationDecimals(p))) !== Number(theirs))
            setAside ??= "a station's daily value differs from the centre's own";
        }
        out.push({ city, day, pollutant: p, published, centreStations, setAside });
      }
    }
  }
  return out;
}

describe('city daily values against the national centre’s (real data, 2025-02-09…14)', () => {
  let compared: CityDay[];
  let all: CityDay[];
  beforeAll(async () => {
    all = await cityDaysToCompare();
    compared = all.filter((c) => c.setAside === null);
  });

  it('the centre forms each city value from its own station values by the rule (every city-day)', () => {
    const off = all.filter(
      (c) =>
        c.centreStations.length > 0 && Number(centreCityMean(c.pollutant, c.centreStations)) !== Number(c.published),
    );
    expect(all.length).toBeGreaterThan(6 * 41 * 6 - 20);
    expect(off.map((c) => `${c.city} ${c.day} ${c.pollutant}`)).toEqual([]);
  });

  it('/v1/series (city, day) gives the published value on every comparable city-day', async () => {
    const rows = await series({
      level: 'city',
      id: cities.join(','),
      pollutant: Object.keys(DAILY).join(','),
      resolution: 'day',
      from: DAYS[0] as string,
      to: DAYS.at(-1) as string,
    });
    const byKey = new Map(rows.map((r) => [`${r.id}|${r.pollutant}|${r.time}`, r]));
    const wrong: string[] = [];
    for (const c of compared) {
      const r = byKey.get(`${c.city}|${c.pollutant}|${c.day}`);
      const got = r?.value === null || r?.value === undefined ? 'none' : asPublished(c.pollutant, r.value);
      if (Number(got) !== Number(c.published))
        wrong.push(`${c.city} ${c.day} ${c.pollutant}: ours ${got}, published ${c.published}`);
    }
    const reasons = new Map<string, number>();
    for (const c of all) if (c.setAside) reasons.set(c.setAside, (reasons.get(c.setAside) ?? 0) + 1);
    console.info(
      `city-days: ${all.length} published, ${compared.length} comparable and compared; set aside:`,
      Object.fromEntries(reasons),
    );
    expect(compared.length).toBeGreaterThan(900);
    expect(wrong).toEqual([]);
  });

  it('/v1/aqi (cities of the region) gives the AQI of the published daily values on every comparable city-day', async () => {
    const wrong: string[] = [];
    let n = 0;
    for (const day of DAYS) {
      const res = await get<AqiResponse>('/v1/aqi', { level: 'region', id: 'yrd', date: day });
      for (const r of res.results) {
        const mine = all.filter((c) => c.city === r.area && c.day === day);
        if (mine.length !== Object.keys(DAILY).length) continue;
        const ok = mine.filter((c) => c.setAside === null);
        const expected = Math.max(0, ...ok.map((c) => iaqiHalfUp(c.pollutant, c.published)));
        // The AQI is the largest sub-index: a city-day is comparable when every pollutant that is not
        // scores below the comparable ones, on the centre's value and on ours alike.
        const decides = (c: CityDay): boolean => {
          const ours = r.iaqi[c.pollutant === 'o3_mda8' ? 'o3_8h' : c.pollutant] ?? 0;
          return iaqiHalfUp(c.pollutant, c.published) >= expected || ours >= expected;
        };
        if (ok.length === 0 || mine.some((c) => c.setAside !== null && decides(c))) continue;
        // The daily max 1-h O3 is not published; its sub-index must not decide the AQI either way:
        // the max of the centre's hourly city O3 (labels 01–24) and ours both score below the rest.
        const hours = Array.from({ length: 24 }, (_, i) =>
          cityCells.get(i < 23 ? `${FILES[DAYS.indexOf(day)]}|${i + 1}|O3|${r.area}` : `${label24(day)}|O3|${r.area}`),
        ).filter((v): v is string => v !== undefined);
        expect(iaqiHalfUp('o3_1h', String(Math.max(...hours.map(Number))))).toBeLessThan(expected);
        expect(r.iaqi.o3_1h ?? 0).toBeLessThan(expected);
        n++;
        if (r.aqi !== expected) wrong.push(`${r.area} ${day}: ours ${r.aqi}, from the published values ${expected}`);
      }
    }
    console.info(`city daily AQI: ${n} comparable city-days compared`);
    expect(n).toBeGreaterThan(150);
    expect(wrong).toEqual([]);
  });
});

describe('city hourly values against the national centre’s (real data)', () => {
  it('/v1/series (city, hour) gives the published value on every city-hour with the same stations', async () => {
    const rows = await series({
      level: 'city',
      id: cities.join(','),
      pollutant: Object.keys(HOURLY).join(','),
      resolution: 'hour',
      from: '2025-02-09T00:00:00+08:00',
      to: '2025-02-16T00:00:00+08:00',
    });
    let compared = 0;
    let setAside = 0;
    const wrong: string[] = [];
    for (const r of rows) {
      // The hour-ending instant as the files label it: the CST date and hour 0–23.
      const cst = new Date(Date.parse(r.time) + 8 * 3_600_000).toISOString();
      const file = `${cst.slice(0, 4)}${cst.slice(5, 7)}${cst.slice(8, 10)}`;
      const hour = Number(cst.slice(11, 13));
      const type = HOURLY[r.pollutant] as string;
      const published = cityCells.get(`${file}|${hour}|${type}|${r.id}`);
      if (published === undefined || r.value === null) continue;
      const present = (members.get(r.id) ?? []).filter((c) => siteCells.has(`${file}|${hour}|${type}|${c}`));
      // Our QC may set an hour aside (e.g. PM2.5 above PM10) that the centre averages.
      if (present.length !== r.nValid) {
        setAside++;
        continue;
      }
      compared++;
      const got = asPublished(r.pollutant, r.value);
      if (Number(got) !== Number(published))
        wrong.push(`${r.id} ${r.time} ${r.pollutant}: ours ${got}, published ${published}`);
    }
    console.info(`city-hours: ${compared} compared, ${setAside} set aside (a station's hour not valid here)`);
    expect(compared).toBeGreaterThan(30_000);
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

describe('cityMda8=city-hourly: the MDA8 of the city-mean hourly O3 (real data)', () => {
  it("equals the MDA8 computed here from the centre's published city hourly O3, and differs from the default on some city-days", async () => {
    const query = {
      level: 'city',
      id: cities.join(','),
      pollutant: 'o3_mda8',
      resolution: 'day',
      from: DAYS[0] as string,
      to: DAYS.at(-1) as string,
    };
    const hourly = await series({ ...query, cityMda8: 'city-hourly' });
    const stations = await series(query);
    const byStations = new Map(stations.map((r) => [`${r.id}|${r.time}`, r.value]));
    const wrong: string[] = [];
    let compared = 0;
    let differ = 0;
    for (const day of DAYS) {
      for (const city of cities) {
        // Labels 01–23 of file D, label 24 hour 0 of D+1; windows ending at labels 8…24 (§2.2).
        const o3 = Array.from({ length: 24 }, (_, i) => {
          const v = cityCells.get(
            i < 23 ? `${FILES[DAYS.indexOf(day)]}|${i + 1}|O3|${city}` : `${label24(day)}|O3|${city}`,
          );
          return v === undefined ? null : Number(v);
        });
        const windows: number[] = [];
        for (let end = 8; end <= 24; end++) {
          const w = o3.slice(end - 8, end).filter((v): v is number => v !== null);
          if (w.length >= 6) windows.push(w.reduce((a, b) => a + b, 0) / w.length);
        }
        const max = windows.length ? Math.max(...windows) : null;
        const expected =
          max !== null && (windows.length >= 14 || Number(halfUpExact(max, 0)) > 160)
            ? Number(halfUpExact(max, 0))
            : null;
        const got = hourly.find((r) => r.id === city && r.time === day);
        compared++;
        if ((got?.value ?? null) !== expected) wrong.push(`${city} ${day}: ours ${got?.value}, expected ${expected}`);
        if (got && byStations.get(`${city}|${day}`) !== got.value) differ++;
      }
    }
    console.info(`city-hourly MDA8: ${compared} city-days compared; ${differ} differ from the mean of station MDA8s`);
    expect(wrong).toEqual([]);
    expect(differ).toBeGreaterThan(0);
  });
});

describe('cityMda8 on /v1/ozone, /v1/aqi and /v1/compliance: the same city MDA8 as /v1/series', () => {
  it('gives each method’s city MDA8 as /v1/series does', async () => {
    const city = '南京';
    for (const method of ['stations', 'city-hourly']) {
      const rows = await series({
        level: 'city',
        id: city,
        pollutant: 'o3_mda8',
        resolution: 'day',
        from: DAYS[0] as string,
        to: DAYS.at(-1) as string,
        cityMda8: method,
      });
      const ozone = await get<{ days: { day: string; mda8: number | null }[] }>('/v1/ozone', {
        level: 'city',
        id: city,
        from: DAYS[0] as string,
        to: DAYS.at(-1) as string,
        cityMda8: method,
      });
      expect(ozone.days.map((d) => [d.day, d.mda8])).toEqual(rows.map((r) => [r.time, r.value]));
      // /v1/compliance counts the same valid MDA8 days (its year is these days only).
      const compliance = await get<{ pollutants: { pollutant: string; nValid: number }[] }>('/v1/compliance', {
        level: 'city',
        id: city,
        year: '2025',
        cityMda8: method,
      });
      const year = await series({
        level: 'city',
        id: city,
        pollutant: 'o3_mda8',
        resolution: 'day',
        from: '2025-01-01',
        to: '2025-12-31',
        cityMda8: method,
      });
      expect(compliance.pollutants.find((x) => x.pollutant === 'o3')?.nValid).toBe(year.filter((r) => r.valid).length);
      for (const day of DAYS) {
        const aqi = await get<AqiResponse>('/v1/aqi', { level: 'city', id: city, date: day, cityMda8: method });
        expect(aqi.results[0]?.concentrations.o3_mda8, `${method} ${day}`).toBe(
          rows.find((r) => r.time === day)?.value,
        );
      }
    }
  });
});
