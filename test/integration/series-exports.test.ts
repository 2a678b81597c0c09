import type { AddressInfo } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import { DataType, tableFromIPC, type Timestamp } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
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
import { createProcessor } from '../../processing';
import { seriesSpec } from '../../views/stats/series';
import type { SeriesResponse, SeriesRow } from '../../schemas/api/series';
import type { Reading } from '../../schemas/reading';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * The files of `GET /v1/series` read back by a modeler's own readers (csv-parse, hyparquet,
 * apache-arrow) over real HTTP on the real engine: the same column names, times and values as the
 * JSON, missing values as empty CSV cells, instants typed as UTC timestamps in Parquet and Arrow.
 * The expected instants are written out by hand from the CST labels (label L of a CST day ends at
 * day 00:00+08:00 + L hours), not taken from the code. The readings go straight to the real
 * processor (a stand-in source that delivers nothing, no bus): the files are what is tested.
 */
let store: TestStore;
let app: FastifyInstance;
let base: string;

const HOUR = 3_600_000;
/** Hour-ending instant of label `label` (1–24) of 2025-03-01 (CST), as ISO 8601 in UTC. */
const at = (label: number): string =>
  new Date(Date.parse('2025-03-01T00:00:00+08:00') + label * HOUR).toISOString().replace('.000Z', 'Z');
const labels = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

beforeAll(async () => {
  store = await openTestStore();
  const list = bundledVersion();
  await syncStations(store, [list]);
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  const readings: Reading[] = [
    // 1141A: PM2.5 = the label, O3 = 10 × the label, all 24 hours of 2025-03-01 (CST).
    ...labels(1, 24).map((l) => aReading({ station: '1141A', pollutant: 'pm25', time: at(l), value: l })),
    ...labels(1, 24).map((l) => aReading({ station: '1141A', pollutant: 'o3', time: at(l), value: 10 * l })),
    // 1143A: 19 hours of PM2.5 → its day is not valid (< 20 h): no value.
    ...labels(1, 19).map((l) => aReading({ station: '1143A', pollutant: 'pm25', time: at(l), value: 100 })),
  ];
  const messages = encodeReadings(readings).map((m, i) => ({ ...m, partition: 0, offset: String(i) }));
  await processor.handleBatch({ topic: 't', partition: 0, messages });
  const stations = createClickHouseStationQueries(store);
  const series = createClickHouseSeriesQueries(store);
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: { series: async (q, r) => series.page(seriesSpec(q, r, await stations.versions()), q.format) },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const get = async (qs: string): Promise<Response> => {
  const res = await fetch(`${base}/v1/series?${qs}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
};
const jsonRows = async (qs: string): Promise<SeriesRow[]> => ((await (await get(qs)).json()) as SeriesResponse).rows;
const FIELDS = ['id', 'pollutant', 'time', 'value', 'nValid', 'nExpected', 'capture', 'valid', 'converted'];

// The 8-h O3 mean ending at each label: valid with ≥ 6 hours in its window (docs/standards.md §2),
// so labels 1–5 have none; from label 8 on it is 10 × the mean of the window's labels.
const o3At = (l: number): number | null => {
  if (l < 6) return null;
  const window = labels(Math.max(1, l - 7), l);
  return (10 * window.reduce((a, b) => a + b, 0)) / window.length;
};
const HOURLY = 'level=station&id=1141A&pollutant=pm25,o3_8h&from=2025-03-01&to=2025-03-01';
const DAILY = 'level=station&id=1141A,1143A&pollutant=pm25&from=2025-03-01&to=2025-03-01&resolution=day';

/** A CSV record typed back by what each JSON field holds: an empty cell is a missing value. */
const typed = (r: Record<string, string>): Record<string, unknown> => ({
  ...r,
  value: r.value === '' ? null : Number(r.value),
  nValid: Number(r.nValid),
  nExpected: Number(r.nExpected),
  capture: Number(r.capture),
  valid: r.valid === 'true',
  converted: r.converted === 'true',
});

describe('GET /v1/series files over HTTP on the real engine (stubbed source)', () => {
  it('JSON: hour-ending instants in UTC with the Z offset, null where the 8-h mean is not valid', async () => {
    const rows = await jsonRows(HOURLY);
    expect(rows.map((r) => [r.pollutant, r.time, r.value])).toEqual([
      ...labels(1, 24).map((l) => ['o3_8h', at(l), o3At(l)]),
      ...labels(1, 24).map((l) => ['pm25', at(l), l]),
    ]);
    // Written out once by hand: label 1 of 2025-03-01 (CST) ends at 01:00+08:00 = 2025-02-28T17:00Z.
    expect(rows[0]?.time).toBe('2025-02-28T17:00:00Z');
  });

  it('CSV: the JSON field names as headers, the JSON times, a missing value as an empty cell', async () => {
    for (const qs of [HOURLY, DAILY]) {
      const expected = await jsonRows(qs);
      const res = await get(`${qs}&format=csv`);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const text = await res.text();
      expect(text).not.toContain('\\N');
      const header = parseCsv(text, { to_line: 1 }) as string[][];
      expect(header[0]).toEqual(FIELDS);
      const records = parseCsv(text, { columns: true }) as Record<string, string>[];
      expect(records.map(typed)).toEqual(expected);
    }
    // The cells themselves: label 1's 8-h mean is missing (an empty cell), its time the JSON's.
    const lines = (await (await get(`${HOURLY}&format=csv`)).text()).split('\n');
    expect(lines[1]).toBe('"1141A","o3_8h","2025-02-28T17:00:00Z",,1,8,0.125,false,false');
    const daily = parseCsv(await (await get(`${DAILY}&format=csv`)).text(), { columns: true }) as Record<
      string,
      string
    >[];
    expect(daily.map((r) => [r.id, r.time, r.value, r.valid])).toEqual([
      ['1141A', '2025-03-01', '12.5', 'true'],
      ['1143A', '2025-03-01', '', 'false'],
    ]);
  });

  it('Parquet: the JSON field names, the time a UTC timestamp equal to the JSON instants', async () => {
    const expected = await jsonRows(HOURLY);
    const res = await get(`${HOURLY}&format=parquet`);
    const file = await res.arrayBuffer();
    const meta = parquetMetadata(file);
    const leaves = meta.schema.slice(1);
    expect(leaves.map((c) => c.name)).toEqual(FIELDS);
    expect(leaves.find((c) => c.name === 'time')?.logical_type).toEqual({
      type: 'TIMESTAMP',
      isAdjustedToUTC: true,
      unit: 'MILLIS',
    });
    const rows = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
    expect(rows.every((r) => r.time instanceof Date)).toBe(true);
    expect(
      rows.map((r) => ({
        ...r,
        time: (r.time as Date).toISOString().replace('.000Z', 'Z'),
        nValid: Number(r.nValid),
        nExpected: Number(r.nExpected),
      })),
    ).toEqual(expected);

    // A day stays a calendar date (the CST day the JSON names), not an instant.
    const days = await get(`${DAILY}&format=parquet`);
    const dayFile = await days.arrayBuffer();
    expect(parquetMetadata(dayFile).schema.find((c) => c.name === 'time')?.logical_type).toEqual({ type: 'DATE' });
    const dayRows = (await parquetReadObjects({ file: dayFile, compressors })) as { time: Date; value: unknown }[];
    expect(dayRows.map((r) => [r.time.toISOString().slice(0, 10), r.value])).toEqual(
      (await jsonRows(DAILY)).map((r) => [r.time, r.value]),
    );
  });

  it('Arrow: the JSON field names, the time a timestamp with time zone UTC equal to the JSON instants', async () => {
    const expected = await jsonRows(HOURLY);
    const res = await get(`${HOURLY}&format=arrow`);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.arrow.file');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.schema.fields.map((f) => f.name)).toEqual(FIELDS);
    const timeType = table.schema.fields.find((f) => f.name === 'time')?.type;
    expect(DataType.isTimestamp(timeType)).toBe(true);
    expect((timeType as Timestamp).timezone).toBe('UTC');
    const rows = table.toArray().map((r: Record<string, unknown>) => {
      const o = { ...(r.toJSON as () => Record<string, unknown>)() };
      return {
        ...o,
        // apache-arrow gives a timestamp as milliseconds since the epoch, whatever its unit.
        time: new Date(Number(o.time)).toISOString().replace('.000Z', 'Z'),
        nValid: Number(o.nValid),
        nExpected: Number(o.nExpected),
      };
    });
    expect(rows).toEqual(expected);
  });
});
