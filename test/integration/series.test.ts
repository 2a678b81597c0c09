import type { AddressInfo } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import { tableFromIPC } from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor, type Processor } from '../../processing';
import { seriesSpec } from '../../views/stats/series';
import { areaOzone } from '../../views/stats/ozone';
import type { OzoneResponse } from '../../schemas/api/ozone';
import type { SeriesResponse, SeriesRow } from '../../schemas/api/series';
import type { Reading } from '../../schemas/reading';
import type { Pollutant } from '../../schemas/pollutant';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;
let base: string;
let processor: Processor;
let offset = 0;
let loadedAt: string;

/** Hour-ending instant of label `label` (1–24) of natural day `day`. */
const at = (day: string, label: number): string =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + label * HOUR).toISOString();
const hours = (
  station: string,
  pollutant: Pollutant,
  day: string,
  labels: number[],
  valueOf: (label: number) => number,
  arrivedAt = '2025-04-01T00:00:00Z',
): Reading[] => labels.map((l) => aReading({ station, pollutant, time: at(day, l), value: valueOf(l), arrivedAt }));
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const febDays = (n: number): string[] => range(1, n).map((d) => `2025-02-${String(d).padStart(2, '0')}`);

async function feed(readings: Reading[]): Promise<void> {
  const messages = encodeReadings(readings).map((m) => ({ ...m, partition: 0, offset: String(offset++) }));
  await processor.handleBatch({ topic: 't', partition: 0, messages });
}

// The bundled list: 上海's non-control stations, and the region's cities (what nExpected counts).
const list = bundledVersion();
const SH_STATIONS = list.stations.filter((s) => s.city === '上海' && !s.control).length;
const YRD_CITIES = new Set(list.stations.map((s) => s.city)).size;

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [list]);
  processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  await feed([
    // 1141A: PM2.5 = the label, all 24 hours → 24-h mean 12.5.
    ...hours('1141A', 'pm25', '2025-03-01', range(1, 24), (l) => l),
    // 1142A: 20 hours of 40 → valid (≥ 20 h), mean 40.
    ...hours('1142A', 'pm25', '2025-03-01', range(1, 20), () => 40),
    // 1143A: 19 hours of 100 → not valid (19 < 20).
    ...hours('1143A', 'pm25', '2025-03-01', range(1, 19), () => 100),
    // 南京 (Jiangsu): one station, 24 hours of 30.
    ...hours('1151A', 'pm25', '2025-03-01', range(1, 24), () => 30),
    // O3 at 1141A: 10·label → the 8-h mean ending at label 8 is (10+…+80)/8 = 45.
    ...hours('1141A', 'o3', '2025-03-01', range(1, 24), (l) => 10 * l),
    // PM10 in February 2025: 1141A on 25 days (the February minimum), 1142A on 24.
    ...febDays(25).flatMap((d) => hours('1141A', 'pm10', d, range(1, 24), () => 50)),
    ...febDays(24).flatMap((d) => hours('1142A', 'pm10', d, range(1, 24), () => 70)),
  ]);
  loadedAt = new Date().toISOString();
  const stations = createClickHouseStationQueries(store);
  const series = createClickHouseSeriesQueries(store);
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: {
      series: async (q, r) => series.page(seriesSpec(q, r, await stations.versions()), q.format),
      ozone: (q) => areaOzone({ series, versions: () => stations.versions() }, q),
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const get = (qs: string): Promise<Response> => fetch(`${base}/v1/series?${qs}`);
const json = async (qs: string): Promise<SeriesResponse> => {
  const res = await get(qs);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as SeriesResponse;
};
const SH = encodeURIComponent('上海');
const day = 'from=2025-03-01&to=2025-03-01';

describe('GET /v1/series over HTTP on the real engine (expectations by hand from docs/standards.md) (stubbed source)', () => {
  it('station hours: the stored values at their hour-ending instants', async () => {
    const r = await json(`level=station&id=1141A&pollutant=pm25&${day}`);
    expect(r.rows).toHaveLength(24);
    expect(r.rows[2]).toEqual({
      id: '1141A',
      pollutant: 'pm25',
      time: '2025-02-28T19:00:00Z',
      value: 3,
      nValid: 1,
      nExpected: 1,
      capture: 1,
      valid: true,
      converted: false,
    });
    expect(r.next).toBeNull();
  });

  it('station days: 20 valid hours make a day, 19 do not', async () => {
    const r = await json(`level=station&id=1141A,1142A,1143A&pollutant=pm25&${day}&resolution=day`);
    expect(r.rows.map((x) => [x.id, x.time, x.value, x.nValid, x.valid])).toEqual([
      ['1141A', '2025-03-01', 12.5, 24, true],
      ['1142A', '2025-03-01', 40, 20, true],
      ['1143A', '2025-03-01', null, 19, false],
    ]);
    expect(r.rows[1]?.capture).toBeCloseTo(20 / 24, 12);
  });

  it('city days average the valid station days; provinces and regions average cities', async () => {
    const city = await json(`level=city&id=${SH},${encodeURIComponent('南京')}&pollutant=pm25&${day}&resolution=day`);
    // A city's value as the national centre forms it (docs/standards.md §3.3): station days at their
    // published precision (12.5 → 13, half up), their mean half up: (13 + 40)/2 = 26.5 → 27.
    expect(city.rows.map((x) => [x.id, x.value, x.nValid, x.nExpected])).toEqual([
      ['上海', 27, 2, SH_STATIONS],
      ['南京', 30, 1, list.stations.filter((s) => s.city === '南京' && !s.control).length],
    ]);
    const province = await json(`level=province&id=shanghai&pollutant=pm25&${day}&resolution=day`);
    expect(province.rows.map((x) => [x.id, x.value, x.nValid, x.nExpected])).toEqual([['shanghai', 27, 1, 1]]);
    const region = await json(`level=region&id=yrd&pollutant=pm25&${day}&resolution=day`);
    expect(region.rows.map((x) => [x.id, x.value, x.nValid, x.nExpected])).toEqual([
      ['yrd', (27 + 30) / 2, 2, YRD_CITIES],
    ]);
  });

  it('city hours average the stations reporting that hour', async () => {
    const r = await json(
      `level=city&id=${SH}&pollutant=pm25&from=${encodeURIComponent(at('2025-03-01', 1))}&to=${encodeURIComponent(at('2025-03-01', 2))}`,
    );
    // Label 1: 1141A 1, 1142A 40, 1143A 100.
    expect(r.rows.map((x) => [x.time, x.value, x.nValid])).toEqual([['2025-02-28T17:00:00Z', (1 + 40 + 100) / 3, 3]]);
  });

  it('the 8-h O3 mean needs 6 hours in its window', async () => {
    const r = await json(`level=station&id=1141A&pollutant=o3_8h&${day}`);
    const byLabel = (l: number): SeriesRow | undefined =>
      r.rows.find((x) => x.time === new Date(at('2025-03-01', l)).toISOString().replace('.000', ''));
    expect(byLabel(5)).toMatchObject({ value: null, nValid: 5, valid: false });
    expect(byLabel(6)).toMatchObject({ value: (10 + 20 + 30 + 40 + 50 + 60) / 6, nValid: 6, valid: true });
    expect(byLabel(8)).toMatchObject({ value: 45, nValid: 8, valid: true });
    // Label 24: the window 17–24, an arithmetic run 170…240.
    expect(byLabel(24)).toMatchObject({ value: (170 + 240) / 2, nValid: 8 });
  });

  it('months: February needs 25 valid days; a province averages its cities’ valid months', async () => {
    const r = await json('level=station&id=1141A,1142A&pollutant=pm10&from=2025-02-10&to=2025-02-11&resolution=month');
    expect(r.rows.map((x) => [x.id, x.time, x.value, x.nValid, x.nExpected, x.valid])).toEqual([
      ['1141A', '2025-02-01', 50, 25, 28, true],
      ['1142A', '2025-02-01', null, 24, 28, false],
    ]);
    // 上海 in February: days with 1141A and 1142A average 60 (24 days), the 25th only 1141A (50).
    const city = await json(`level=city&id=${SH}&pollutant=pm10&from=2025-02-01&to=2025-02-28&resolution=month`);
    expect(city.rows[0]).toMatchObject({ value: (24 * 60 + 50) / 25, nValid: 25, valid: true });
    const year = await json('level=station&id=1141A&pollutant=pm10&from=2025-01-01&to=2025-12-31&resolution=year');
    expect(year.rows[0]).toMatchObject({ time: '2025-01-01', value: null, nValid: 25, nExpected: 365, valid: false });
  });

  it('says what cannot be answered with 422 and what is malformed with 400, in the one error shape', async () => {
    const unknown = await get(`level=city&id=${encodeURIComponent('纽约')}&pollutant=pm25&${day}`);
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('QUERY_UNKNOWN_AREA');
    const mda8Hourly = await get(`level=station&id=1141A&pollutant=o3_mda8&${day}`);
    expect(mda8Hourly.status).toBe(422);
    expect(((await mda8Hourly.json()) as { error: { code: string; message: string } }).error.message).toMatch(
      /o3_mda8 is a daily statistic/,
    );
    const tooMany = await get(`level=station&id=1141A&pollutant=pm25&${day}&limit=2000000`);
    expect(tooMany.status).toBe(422);
    const bad = await get(`level=station&id=1141A&pollutant=nox&${day}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('QUERY_INVALID');
  });

  it('pages by cursor: the pages together are the whole series, in order, with no overlap', async () => {
    const whole = (await json(`level=station&id=1141A&pollutant=pm25,o3&${day}`)).rows;
    expect(whole).toHaveLength(48);
    const pages: SeriesRow[][] = [];
    let qs = `level=station&id=1141A&pollutant=pm25,o3&${day}&limit=10`;
    for (;;) {
      const res = await get(qs);
      const body = (await res.json()) as SeriesResponse;
      pages.push(body.rows);
      if (!body.next) break;
      expect(res.headers.get('link')).toContain(`cursor=${body.next}`);
      qs = `level=station&id=1141A&pollutant=pm25,o3&${day}&limit=10&cursor=${body.next}`;
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 8]);
    expect(pages.flat()).toEqual(whole);
  });

  it('writes CSV, Parquet and Arrow that read back to the JSON rows', async () => {
    const qs = `level=station&id=1141A,1142A,1143A&pollutant=pm25&${day}&resolution=day`;
    const expected = (await json(qs)).rows;
    const csv = await get(`${qs}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const records = parseCsv(await csv.text(), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.id, r.time, r.value === '' ? null : Number(r.value), Number(r.nValid)])).toEqual(
      expected.map((r) => [r.id, r.time, r.value, r.nValid]),
    );

    const pq = await get(`${qs}&format=parquet`);
    const buf = await pq.arrayBuffer();
    const rows = (await parquetReadObjects({ file: buf, compressors })) as Record<string, unknown>[];
    expect(rows.map((r) => [r.id, r.value, Number(r.nValid), Boolean(r.valid)])).toEqual(
      expected.map((r) => [r.id, r.value, r.nValid, r.valid]),
    );
    // Typed time: a date column, read back as the same day.
    expect(rows.map((r) => (r.time instanceof Date ? r.time.toISOString().slice(0, 10) : String(r.time)))).toEqual(
      expected.map((r) => r.time),
    );

    const arrow = await get(`level=station&id=1141A&pollutant=pm25&${day}&format=arrow`);
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    const hourly = (await json(`level=station&id=1141A&pollutant=pm25&${day}`)).rows;
    expect(table.numRows).toBe(24);
    expect([...(table.getChild('value') ?? [])]).toEqual(hourly.map((r) => r.value));
    // Hour-ending instants typed as timestamps (seconds or milliseconds since the epoch, by unit).
    const times = [...(table.getChild('time')?.toArray() ?? [])].map((t: number | bigint) => Number(t));
    const scale = times[0] !== undefined && times[0] < 1e11 ? 1000 : 1;
    expect(times.map((t) => new Date(t * scale).toISOString().replace('.000', ''))).toEqual(hourly.map((r) => r.time));
  });

  it('pages binary formats too: each page a whole file, `next` in the headers', async () => {
    const qs = `level=station&id=1141A&pollutant=pm25&${day}&format=parquet&limit=10`;
    const first = await get(qs);
    const next = first.headers.get('x-next-cursor');
    expect(next).toBeTruthy();
    const a = (await parquetReadObjects({ file: await first.arrayBuffer(), compressors })) as { value: number }[];
    const second = await get(`${qs}&cursor=${next}`);
    const b = (await parquetReadObjects({ file: await second.arrayBuffer(), compressors })) as { value: number }[];
    expect(a.map((r) => r.value)).toEqual(range(1, 10));
    expect(b.map((r) => r.value)).toEqual(range(11, 20));
  });

  it('updatedSince returns what changed after the instant; asOf answers as the data stood', async () => {
    // A correction of 1141A PM2.5 at label 3: 3 → 30, arriving after everything above.
    await feed([
      aReading({
        station: '1141A',
        pollutant: 'pm25',
        time: at('2025-03-01', 3),
        value: 30,
        arrivedAt: '2025-04-02T00:00:00Z',
      }),
    ]);
    const since = `updatedSince=${encodeURIComponent('2025-04-01T12:00:00Z')}`;
    const hourly = await json(`level=station&id=1141A,1142A&pollutant=pm25&${day}&${since}`);
    expect(hourly.rows.map((x) => [x.id, x.time, x.value])).toEqual([['1141A', '2025-02-28T19:00:00Z', 30]]);
    const daily = await json(`level=city&id=${SH}&pollutant=pm25,pm10&${day}&resolution=day&${since}`);
    // 1141A's day is now (300 − 3 + 30)/24 = 13.625, published 14; 上海 = (14 + 40)/2 = 27 (§3.3).
    expect(daily.rows.map((x) => [x.id, x.pollutant, x.value])).toEqual([['上海', 'pm25', 27]]);
    const before = await json(
      `level=station&id=1141A&pollutant=pm25&${day}&resolution=day&asOf=${encodeURIComponent('2025-04-01T12:00:00Z')}`,
    );
    expect(before.rows[0]?.value).toBe(12.5);
    const res = await get(
      `level=station&id=1141A&pollutant=pm25&${day}&resolution=day&asOf=${encodeURIComponent('2025-04-01T12:00:00Z')}`,
    );
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(loadedAt).toBeTruthy();
  });
});

describe('GET /v1/ozone over HTTP on the real engine (stubbed source)', () => {
  it('gives the MDA8 series, exceedances and the rolling P90 of a city', async () => {
    const res = await fetch(`${base}/v1/ozone?level=city&id=${SH}&from=2025-03-01&to=2025-03-02`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as OzoneResponse;
    // 1141A, the only 上海 station with O3: 10·label, so the day's best 8-h window is labels 17–24,
    // mean (170 + 240)/2 = 205 > 160; the next day has no data.
    expect(r.days).toEqual([
      { day: '2025-03-01', mda8: 205, exceeds: true, p90: 205, n: 1, valid: false },
      { day: '2025-03-02', mda8: null, exceeds: false, p90: 205, n: 1, valid: false },
    ]);
    expect(r.years).toEqual([
      {
        year: 2025,
        validDays: 1,
        exceedanceDays: 1,
        mean: 205,
        p90: 205,
        valid: false,
        warmSeason: { year: 2025, validDays: 0, exceedanceDays: 0, mean: null, p90: null },
      },
    ]);
    expect(r.limit).toBe(160);
    expect(r.trend).toBeNull();
  });

  it('refuses a reversed range and an unknown area', async () => {
    expect((await fetch(`${base}/v1/ozone?level=city&id=${SH}&from=2025-03-02&to=2025-03-01`)).status).toBe(400);
    expect((await fetch(`${base}/v1/ozone?level=province&id=beijing&from=2025-03-01&to=2025-03-01`)).status).toBe(422);
  });
});
