import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseExceptionalDays } from '../../infra/clickhouse/exceptional-days.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createModel, createPublication, simulatedStations } from '../../tools/simulator';
import { createProcessor } from '../../processing';
import { createViews } from '../../views';
import { encodeReadings } from '../../bus';
import type { AqiResponse } from '../../schemas/api/aqi';
import type { ComplianceResponse } from '../../schemas/api/compliance';
import type { ForecastResponse } from '../../schemas/api/forecast';
import type { OzoneResponse } from '../../schemas/api/ozone';
import type { SeriesResponse, SeriesRow } from '../../schemas/api/series';
import type { Reading } from '../../schemas/reading';
import type { Station, StationListVersion } from '../../schemas/station';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * Every view tells the same truth. A small simulated network — three cities of two provinces, 20
 * stations on each of two station lists, a year (2025) — loaded into the real engine as its centres
 * first publish it (the values `yrd-air simulate --archive` writes) and served over real HTTP. The
 * list changes on 2025-07-01 (a 苏州 station leaves, a 南京 station joins; both report all year)
 * and 南京 has a recorded dust day. For every city, each province and the region, the statistics
 * that /v1/series, /v1/compliance, /v1/compliance/forecast, /v1/ozone and /v1/aqi share must be
 * equal after the published rounding (docs/standards.md §3.5). Each city's PM2.5 year is also
 * computed a second way, by hand from the hourly values loaded.
 */
const YEAR = 2025;
const SEED = 20_251_203;
const CHANGE = '2025-07-01';
const DUST_CITY = '南京';
const DUST_DAY = '2025-03-15';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const all = simulatedStations().filter((s) => !s.control);
const of = (city: string, n: number): Station[] =>
  all
    .filter((s) => s.city === city)
    .sort((a, b) => a.code.localeCompare(b.code))
    .slice(0, n);
const sh = of('上海', 7);
const nj = of('南京', 8);
const sz = of('苏州', 6);
const joined = nj[7] as Station; // in the list from CHANGE
const left = sz[5] as Station; // in the list until the day before CHANGE
const first: StationListVersion = {
  version: 'net-2025a',
  validFrom: '2024-01-01',
  stations: [...sh, ...nj.slice(0, 7), ...sz],
};
const second: StationListVersion = {
  version: 'net-2025b',
  validFrom: CHANGE,
  stations: [...sh, ...nj, ...sz.slice(0, 5)],
};
const CITIES = ['上海', '南京', '苏州'];
const PROVINCES: Record<string, string[]> = { shanghai: ['上海'], jiangsu: ['南京', '苏州'] };
const AREAS: [level: 'city' | 'province' | 'region', id: string, cities: string[]][] = [
  ...CITIES.map((c) => ['city', c, [c]] as ['city', string, string[]]),
  ...Object.entries(PROVINCES).map(([p, cs]) => ['province', p, cs] as ['province', string, string[]]),
  ['region', 'yrd', CITIES],
];
const DAYS = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(YEAR, 0, 1) + i * DAY).toISOString().slice(0, 10));
const ANNUAL = ['so2', 'no2', 'pm10', 'pm25', 'co', 'o3'] as const;
/** The daily statistic behind each annual item, as /v1/series names it. */
const SERIES_OF: Record<(typeof ANNUAL)[number], string> = {
  so2: 'so2',
  no2: 'no2',
  pm10: 'pm10',
  pm25: 'pm25',
  co: 'co',
  o3: 'o3_mda8',
};

/** GB/T 8170 (round half to even on the decimal value), written here apart from the code's. */
function round(x: number, decimals: number): number {
  const s = x.toFixed(decimals + 6);
  const scaled = Number(s) * 10 ** decimals;
  const floor = Math.floor(scaled + 1e-9);
  const rest = scaled - floor;
  if (Math.abs(rest - 0.5) < 1e-7) return (floor % 2 === 0 ? floor : floor + 1) / 10 ** decimals;
  return Math.round(scaled) / 10 ** decimals;
}
/** Half up to an integer: integer sums over a count are exact at a half, so no decimal care is needed. */
const halfUp = (x: number): number => Math.floor(x + 0.5);
const published = (p: string, x: number): number => round(x, p === 'co' ? 1 : 0);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** HJ 663-2013 Appendix A: k = 1 + (n − 1)·p/100, interpolated between the sorted values around k. */
function percentileByHand(sorted: number[], p: number): number {
  const k = 1 + ((sorted.length - 1) * p) / 100;
  const s = Math.floor(k);
  const lo = sorted[s - 1] as number;
  return s >= sorted.length ? lo : lo + ((sorted[s] as number) - lo) * (k - s);
}

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-consistency-'));
const ARRIVED = '2026-01-05T00:00:00Z';
/** The PM2.5 and CO handed to the store, by pollutant, station and hour-ending instant, for the second method. */
const loaded = new Map<string, number>();
let store: TestStore;
let app: FastifyInstance;
let base = '';

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [first, second]);
  // The simulator's values as its centres first publish them (what `yrd-air simulate --archive`
  // writes), every station all year whatever the list says: the views must follow the lists. Handed
  // to the processor a month at a time (the archive's backfill, a file a day, is ~5× slower).
  const publication = createPublication(SEED, createModel(SEED));
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  // Month m's hours end at m-01 01:00 … (m+1)-01 00:00 CST (label 24 of its last day).
  const monthStart = (m: number) => Date.UTC(YEAR, m, 1) - 8 * HOUR;
  let offset = 0;
  for (let month = 0; month < 12; month++) {
    const readings: Reading[] = [];
    for (let t = monthStart(month) + HOUR; t <= monthStart(month + 1); t += HOUR) {
      for (const st of [...sh, ...nj, ...sz]) {
        for (const v of publication.publishedHour(st, t)?.values ?? []) {
          if (v.malformed || v.value === null) continue;
          readings.push(
            aReading({
              station: st.code,
              pollutant: v.pollutant,
              value: v.value,
              time: new Date(t).toISOString(),
              arrivedAt: ARRIVED,
            }),
          );
          if (v.pollutant === 'pm25' || v.pollutant === 'co') loaded.set(`${v.pollutant}|${st.code}|${t}`, v.value);
        }
      }
    }
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(readings).map((m) => ({ ...m, partition: 0, offset: String(offset++) })),
    });
  }
  const logger = silentLogger();

  const keysFile = join(dir, 'keys.json');
  const coordinator = issueKey(keysFile, 'coordinator').key;
  const stationQueries = createClickHouseStationQueries(store);
  const exceptionalDays = createClickHouseExceptionalDays(store);
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keysFile),
    queries: { stations: stationQueries, exceptionalDays },
    views: createViews({
      stats: createClickHouseStatsQueries(store),
      series: createClickHouseSeriesQueries(store),
      exceptionalDays,
      stations: stationQueries,
      // An absolute target, so that the forecast needs no base year outside the simulated one.
      targets: (['city', 'province', 'region'] as const).map((level) => ({
        level,
        id: '*',
        from: YEAR,
        to: YEAR,
        indicator: 'pm25_annual' as const,
        max: 35,
        source: 'test',
      })),
      includeControlSites: false,
    }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const res = await fetch(`${base}/v1/exceptional-days`, {
    method: 'POST',
    headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ city: DUST_CITY, day: DUST_DAY, source: 'dust notice (test)' }]),
  });
  expect(res.status, await res.clone().text()).toBe(200);
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
const area = (level: string, id: string) => ({ level, id });
const seriesRows = async (level: string, id: string, resolution: string): Promise<SeriesRow[]> =>
  (
    await get<SeriesResponse>('/v1/series', {
      ...area(level, id),
      pollutant: [...Object.values(SERIES_OF), 'o3'].join(','),
      from: `${YEAR}-01-01`,
      to: `${YEAR}-12-31`,
      resolution,
      incomplete: 'true',
      limit: '100000',
    })
  ).rows;
const compliance = (level: string, id: string) =>
  get<ComplianceResponse>('/v1/compliance', { ...area(level, id), year: String(YEAR) });

/** What the routes answered, read once for all the comparisons. */
interface Answers {
  yearly: SeriesRow[];
  compliance: ComplianceResponse;
  forecast: ForecastResponse;
  ozone: OzoneResponse;
}
const answers = new Map<string, Answers>();
const cityDaily = new Map<string, SeriesRow[]>();
/** Each day's /v1/aqi answer for the region: every city's daily AQI. */
const aqiByDay = new Map<string, AqiResponse>();

async function answersOf(level: string, id: string): Promise<Answers> {
  const key = `${level}|${id}`;
  const hit = answers.get(key);
  if (hit) return hit;
  const [yearly, c, forecast, ozone] = await Promise.all([
    seriesRows(level, id, 'year'),
    compliance(level, id),
    get<ForecastResponse>('/v1/compliance/forecast', { ...area(level, id), year: String(YEAR), at: `${YEAR}-12-31` }),
    get<OzoneResponse>('/v1/ozone', { ...area(level, id), from: `${YEAR}-01-01`, to: `${YEAR}-12-31` }),
  ]);
  const a = { yearly, compliance: c, forecast, ozone };
  answers.set(key, a);
  return a;
}
async function dailyOf(city: string): Promise<SeriesRow[]> {
  const hit = cityDaily.get(city);
  if (hit) return hit;
  const rows = await seriesRows('city', city, 'day');
  cityDaily.set(city, rows);
  return rows;
}
async function aqiDays(): Promise<Map<string, AqiResponse>> {
  if (aqiByDay.size === 0) {
    for (let i = 0; i < DAYS.length; i += 8) {
      const batch = DAYS.slice(i, i + 8);
      const got = await Promise.all(
        batch.map((date) => get<AqiResponse>('/v1/aqi', { ...area('region', 'yrd'), date })),
      );
      batch.forEach((d, j) => aqiByDay.set(d, got[j] as AqiResponse));
    }
  }
  return aqiByDay;
}
/** A city's valid daily values of a statistic, from /v1/series at day resolution. */
const validDays = (rows: SeriesRow[], pollutant: string): SeriesRow[] =>
  rows.filter((r) => r.pollutant === pollutant && r.valid && r.value !== null && r.time.startsWith(String(YEAR)));
const pollutantOf = (c: ComplianceResponse, p: string) => c.pollutants.find((x) => x.pollutant === p);

/**
 * The second method: each city's daily PM2.5 and CO from the hourly values handed to the store. A
 * station-day (labels 1–24: the hours ending 01:00 … 24:00) is valid with ≥ 20 hours; a city-day is
 * formed from its stations' valid days, with the list in force that day, as the national centre
 * forms it (docs/standards.md §3.3): each station's 24-h mean at its published precision (PM2.5 an
 * integer, CO 0.1 mg/m³), half up on the decimal value — worked here in integer units of that
 * precision, so CO 3.6 / 24 = 0.15 is a half whatever binary sum a float mean would give — then
 * those values summed in binary floating point in station-code order, divided by their number and
 * rounded half up on the exact binary value (`toFixed`) to an integer (CO 0.01), as the centre does.
 */
function cityDaysByHand(pollutant: 'pm25' | 'co'): Map<string, Map<string, number>> {
  const unit = pollutant === 'co' ? 10 : 1; // hourly values in units of the station precision
  const startOf = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
  const listOn = (day: string) => (day >= CHANGE ? second : first);
  const out = new Map<string, Map<string, number>>(CITIES.map((c) => [c, new Map()]));
  for (const day of DAYS) {
    for (const city of CITIES) {
      const stationValues = listOn(day)
        .stations.filter((st) => st.city === city)
        .sort((a, b) => (a.code < b.code ? -1 : 1))
        .flatMap((st) => {
          const h = Array.from({ length: 24 }, (_, i) =>
            loaded.get(`${pollutant}|${st.code}|${startOf(day) + (i + 1) * HOUR}`),
          ).filter((v): v is number => v !== undefined);
          // Sum of integers over a count: an exact half is exact in binary too.
          return h.length >= 20 ? [halfUp(h.reduce((a, v) => a + Math.round(v * unit), 0) / h.length)] : [];
        });
      if (stationValues.length === 0) continue;
      let sum = 0; // the station values, in station-code order
      for (const v of stationValues) sum += v / unit;
      out.get(city)?.set(day, Number((sum / stationValues.length).toFixed(pollutant === 'co' ? 2 : 0)));
    }
  }
  return out;
}

describe('the network as loaded (through the processor, stubbed source)', () => {
  it('has the two lists, and the station that left and the one that joined both reported all year', async () => {
    expect(first.stations).toHaveLength(20);
    expect(second.stations).toHaveLength(20);
    const rows = await get<SeriesResponse>('/v1/series', {
      level: 'station',
      id: `${joined.code},${left.code}`,
      pollutant: 'pm25',
      from: `${YEAR}-01-01`,
      to: `${YEAR}-12-31`,
      resolution: 'month',
      incomplete: 'true',
    });
    // Their readings are stored all year: only the lists say which days are their cities'.
    const months = (code: string) => rows.rows.filter((r) => r.id === code && r.nValid > 0).length;
    expect([months(left.code), months(joined.code)]).toEqual([12, 12]);
  });

  it('series and a second method (by hand from the values loaded) agree on each city’s PM2.5 year', async () => {
    const hand = cityDaysByHand('pm25');
    for (const city of CITIES) {
      const row = (await answersOf('city', city)).yearly.find((r) => r.pollutant === 'pm25');
      const days = [...(hand.get(city)?.values() ?? [])];
      expect({ city, mean: row?.value, days: row?.nValid }).toEqual({
        city,
        mean: expect.closeTo(mean(days), 6) as unknown,
        days: days.length,
      });
    }
  });

  it('series and the second method agree on every city-day of PM2.5 and CO', async () => {
    const differ: string[] = [];
    for (const pollutant of ['pm25', 'co'] as const) {
      const hand = cityDaysByHand(pollutant);
      for (const city of CITIES) {
        const rows = validDays(await dailyOf(city), pollutant);
        const byDay = new Map(rows.map((r) => [r.time, r.value as number]));
        for (const [day, want] of hand.get(city) ?? []) {
          const got = byDay.get(day);
          if (got === undefined || Math.abs(got - want) > 1e-9)
            differ.push(`${city} ${day} ${pollutant}: series ${got} by hand ${want}`);
        }
        if (rows.length !== hand.get(city)?.size)
          differ.push(`${city} ${pollutant}: ${rows.length} valid days, by hand ${hand.get(city)?.size}`);
      }
    }
    expect(differ).toEqual([]);
  });
});

describe.each(AREAS)('%s %s: every view tells the same truth (loaded with a stubbed source)', (level, id, cities) => {
  it('annual means: /v1/series (year) = /v1/compliance, and /v1/compliance/forecast’s year-end PM2.5', async () => {
    const a = await answersOf(level, id);
    for (const p of ['so2', 'no2', 'pm10', 'pm25'] as const) {
      const y = a.yearly.find((r) => r.pollutant === SERIES_OF[p]);
      // The cities' year values ride along on both sides, to show a difference's cause when there is one.
      const ofCities = await Promise.all(
        cities.map(async (c) => (await answersOf('city', c)).yearly.find((r) => r.pollutant === SERIES_OF[p])?.value),
      );
      expect({ p, series: y?.value == null ? null : published(p, y.value), unrounded: y?.value, ofCities }).toEqual({
        p,
        series: pollutantOf(a.compliance, p)?.mean,
        unrounded: y?.value,
        ofCities,
      });
    }
    expect(a.forecast.ytd.throughDay).toBe(`${YEAR}-12-31`);
    expect(a.forecast.remainingDays).toBe(0);
    const ytd = a.forecast.ytd.mean;
    expect({ forecast: ytd === null ? null : published('pm25', ytd) }).toEqual({
      forecast: pollutantOf(a.compliance, 'pm25')?.mean,
    });
  });

  it.runIf(level !== 'city')(
    'an area’s annual means: /v1/compliance = the mean of its cities’ means, rounded once (docs/standards.md §3.3, §3.5)',
    async () => {
      const a = await answersOf(level, id);
      for (const p of ['so2', 'no2', 'pm10', 'pm25'] as const) {
        // The cities' unrounded years from /v1/series, averaged and then rounded as published.
        const cityMeans = await Promise.all(
          cities.map(
            async (c) => (await answersOf('city', c)).yearly.find((r) => r.pollutant === SERIES_OF[p])?.value as number,
          ),
        );
        expect({ p, mean: pollutantOf(a.compliance, p)?.mean }).toEqual({ p, mean: published(p, mean(cityMeans)) });
      }
    },
  );

  it('valid days: /v1/series (year) = /v1/compliance = /v1/ozone = the forecast’s', async () => {
    const a = await answersOf(level, id);
    if (level === 'city') {
      for (const p of ANNUAL) {
        const y = a.yearly.find((r) => r.pollutant === SERIES_OF[p]);
        expect({ p, nValid: y?.nValid }).toEqual({ p, nValid: pollutantOf(a.compliance, p)?.nValid });
      }
      expect(a.forecast.ytd.validDays).toBe(pollutantOf(a.compliance, 'pm25')?.nValid);
      expect(a.ozone.years.find((y) => y.year === YEAR)?.validDays).toBe(pollutantOf(a.compliance, 'o3')?.nValid);
      expect(a.ozone.days.at(-1)?.n).toBe(pollutantOf(a.compliance, 'o3')?.nValid);
    } else {
      // A province's or region's year is its cities': series counts the cities with a valid year.
      for (const p of ANNUAL) {
        const y = a.yearly.find((r) => r.pollutant === SERIES_OF[p]);
        expect({ p, cities: y?.nValid }).toEqual({ p, cities: a.compliance.cities });
      }
      expect(a.compliance.cities).toBe(cities.length);
    }
  });

  it('percentiles: /v1/compliance’s O3 MDA8 P90 = /v1/ozone’s (year and 365-day window), and each area’s is the mean of its cities’', async () => {
    const a = await answersOf(level, id);
    const p90 = pollutantOf(a.compliance, 'o3')?.percentile.value;
    const season = a.ozone.years.find((y) => y.year === YEAR);
    expect({ year: season?.p90, window: a.ozone.days.at(-1)?.p90 }).toEqual({ year: p90, window: p90 });
    if (level !== 'city') {
      // docs/standards.md §3.1: a region's O3 is the mean over cities of the city percentiles.
      // Each city's percentile by hand from its daily series (HJ 663 Appendix A), unrounded; the
      // area averages them and rounds once.
      for (const p of ANNUAL) {
        const unrounded = await Promise.all(
          cities.map(async (c) => {
            const values = validDays(await dailyOf(c), SERIES_OF[p])
              .map((r) => r.value as number)
              .sort((x, y) => x - y);
            return percentileByHand(values, pollutantOf(a.compliance, p)?.percentile.p as number);
          }),
        );
        expect({ p, value: pollutantOf(a.compliance, p)?.percentile.value }).toEqual({
          p,
          value: expect.closeTo(published(p, mean(unrounded)), 9) as unknown,
        });
      }
    }
  });

  it('mean MDA8: /v1/series (o3_mda8, year) = /v1/ozone, to one decimal', async () => {
    const a = await answersOf(level, id);
    const y = a.yearly.find((r) => r.pollutant === 'o3_mda8');
    expect({ series: y?.value == null ? null : round(y.value, 1) }).toEqual({
      series: a.ozone.years.find((s) => s.year === YEAR)?.mean,
    });
  });

  it('daily MDA8: /v1/ozone = /v1/series (o3_mda8, day), every day', async () => {
    const a = await answersOf(level, id);
    const daily = level === 'city' ? await dailyOf(id) : await seriesRows(level, id, 'day');
    const series = new Map(validDays(daily, 'o3_mda8').map((r) => [r.time, r.value as number]));
    const differ = a.ozone.days.flatMap((d) => {
      const want = series.get(d.day);
      const same = want === undefined ? d.mda8 === null : d.mda8 !== null && Math.abs(d.mda8 - want) < 1e-9;
      return same ? [] : [`${d.day}: ozone ${d.mda8} series ${want}`];
    });
    expect(a.ozone.days).toHaveLength(365);
    expect(differ).toEqual([]);
  });

  it(
    'day counts: /v1/compliance = the year of /v1/aqi (city daily AQI), ratios the mean of the cities’',
    { timeout: 120_000 },
    async () => {
      const aqi = await aqiDays();
      const perCity = cities.map((city) => {
        const scores = DAYS.map((d) => aqiByDay.get(d)?.results.find((r) => r.area === city)?.aqi ?? null).filter(
          (x): x is number => x !== null,
        );
        const good = scores.filter((x) => x <= 100).length;
        const heavy = scores.filter((x) => x > 200).length;
        return { valid: scores.length, good, heavy, goodRatio: round((good / scores.length) * 100, 1) };
      });
      expect(aqi.size).toBe(365);
      const { days } = (await answersOf(level, id)).compliance;
      expect({
        valid: days.valid,
        good: days.good,
        heavy: days.heavy,
        goodRatio: days.goodRatio,
      }).toEqual({
        valid: perCity.reduce((n, c) => n + c.valid, 0),
        good: perCity.reduce((n, c) => n + c.good, 0),
        heavy: perCity.reduce((n, c) => n + c.heavy, 0),
        goodRatio: round(mean(perCity.map((c) => c.goodRatio)), 1),
      });
    },
  );

  it(
    'the recorded dust day: /v1/compliance without it = the daily series and /v1/aqi without it',
    { timeout: 120_000 },
    async () => {
      await aqiDays();
      const c = (await answersOf(level, id)).compliance;
      const inArea = cities.includes(DUST_CITY);
      expect(c.excludingExceptional?.excludedCityDays ?? 0).toBe(inArea ? 1 : 0);
      if (!inArea) return;
      // The second reporting's day counts: the year of /v1/aqi without the dust city-day.
      const counts = cities.map((city) => {
        const scores = DAYS.filter((d) => !(city === DUST_CITY && d === DUST_DAY))
          .map((d) => aqiByDay.get(d)?.results.find((r) => r.area === city)?.aqi ?? null)
          .filter((x): x is number => x !== null);
        return { valid: scores.length, good: scores.filter((x) => x <= 100).length };
      });
      expect(aqiByDay.size).toBe(365);
      expect({
        valid: c.excludingExceptional?.days.valid,
        good: c.excludingExceptional?.days.good,
        goodRatio: c.excludingExceptional?.days.goodRatio,
      }).toEqual({
        valid: counts.reduce((n, x) => n + x.valid, 0),
        good: counts.reduce((n, x) => n + x.good, 0),
        goodRatio: round(mean(counts.map((x) => round((x.good / x.valid) * 100, 1))), 1),
      });
      for (const p of ['pm25', 'pm10'] as const) {
        const cityMeans = await Promise.all(
          cities.map(async (city) =>
            mean(
              validDays(await dailyOf(city), p)
                .filter((r) => !(city === DUST_CITY && r.time === DUST_DAY))
                .map((r) => r.value as number),
            ),
          ),
        );
        const without = c.excludingExceptional?.pollutants.find((x) => x.pollutant === p);
        // An area's mean: its cities' means averaged, then rounded once, as above.
        expect({ p, mean: without?.mean }).toEqual({ p, mean: published(p, mean(cityMeans)) });
      }
    },
  );
});

describe('city days: /v1/aqi’s concentrations = /v1/series at day resolution', () => {
  it.each(CITIES)('%s', async (city) => {
    const aqi = await aqiDays();
    const daily = await dailyOf(city);
    const differ: string[] = [];
    // /v1/aqi keys its daily values by the daily statistic; /v1/series's daily max 1-h O3 is `o3`.
    const KEYS: Record<string, string> = {
      so2: 'so2',
      no2: 'no2',
      co: 'co',
      pm10: 'pm10',
      pm25: 'pm25',
      o3_mda8: 'o3_mda8',
      o3_1h_max: 'o3',
    };
    for (const day of DAYS) {
      const got = aqi.get(day)?.results.find((r) => r.area === city)?.concentrations ?? {};
      for (const [k, s] of Object.entries(KEYS)) {
        const row = daily.find((r) => r.pollutant === s && r.time === day && r.valid);
        const want = row?.value ?? undefined;
        const same = want === undefined ? got[k] === undefined : Math.abs((got[k] ?? NaN) - want) < 1e-9;
        if (!same) differ.push(`${day} ${k}: aqi ${got[k]} series ${want}`);
      }
    }
    expect(differ).toEqual([]);
  });
});
