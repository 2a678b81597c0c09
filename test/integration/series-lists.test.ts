import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { seriesSpec } from '../../views/stats/series';
import type { SeriesQuery, SeriesRow } from '../../schemas/api/series';
import type { StationListVersion } from '../../schemas/station';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * What an area expects follows the station list in force each day (docs/standards.md §3.3): a city
 * expects its stations of that day's list, a province or the region its cities of that day's
 * list, and a month the most cities any list of the month gave it. Two lists here: the bundled
 * one, and one from 2025-03-02 without station 1142A (上海) and without the city 舟山.
 */
const HOUR = 3_600_000;
const at = (day: string, label: number): string =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + label * HOUR).toISOString();
const list = bundledVersion();
const later: StationListVersion = {
  version: 'test-2025-03',
  validFrom: '2025-03-02',
  stations: list.stations.filter((s) => s.code !== '1142A' && s.city !== '舟山'),
};
const SH = list.stations.filter((s) => s.city === '上海' && !s.control).length;
const CITIES = new Set(list.stations.map((s) => s.city)).size;
const ZJ_CITIES = new Set(list.stations.filter((s) => s.province === 'zhejiang').map((s) => s.city)).size;

let store: TestStore;
let listsBefore: string[];
let listsAfter: string[];
let page: (q: Partial<SeriesQuery>) => Promise<SeriesRow[]>;

beforeAll(async () => {
  store = await openTestStore();
  const stations = createClickHouseStationQueries(store);
  await syncStations(store, [list]);
  listsBefore = (await stations.versions()).map((v) => `${v.version} ${v.validFrom} ${v.stations.length}`);
  // the station queries keep the lists they read: an import must still be seen
  await syncStations(store, [list, later]);
  listsAfter = (await stations.versions()).map((v) => `${v.version} ${v.validFrom} ${v.stations.length}`);
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  const readings = ['2025-03-01', '2025-03-02'].flatMap((day) =>
    Array.from({ length: 24 }, (_, i) => [
      aReading({ station: '1141A', pollutant: 'pm25', time: at(day, i + 1), value: 10 }),
      aReading({ station: '1142A', pollutant: 'pm25', time: at(day, i + 1), value: 30 }),
      // 舟山 (Zhejiang): 1258A at 50 both days; on the second day 舟山 is in no list
      aReading({ station: '1258A', pollutant: 'pm25', time: at(day, i + 1), value: 50 }),
    ]).flat(),
  );
  await processor.handleBatch({
    topic: 't',
    partition: 0,
    messages: encodeReadings(readings).map((m, i) => ({ ...m, partition: 0, offset: String(i) })),
  });
  const series = createClickHouseSeriesQueries(store);
  page = async (q) => {
    const query = {
      pollutant: ['pm25'],
      resolution: 'day',
      limit: 1000,
      referenceState: true,
      incomplete: false,
      format: 'json',
      ...q,
    } as SeriesQuery;
    const r = await series.page(
      seriesSpec(
        query,
        { fromMs: Date.parse('2025-03-01T01:00:00+08:00'), toMs: Date.parse('2025-03-03T01:00:00+08:00') },
        await stations.versions(),
      ),
      'json',
    );
    if (r.kind !== 'rows') throw new Error('expected rows');
    return r.rows;
  };
}, 120_000);
afterAll(async () => {
  await store?.dispose();
});

describe('series areas follow the station list in force each day (stubbed source)', () => {
  it('sees a list imported after the lists were first read', () => {
    expect(listsBefore).toEqual([`${list.version} ${list.validFrom} ${list.stations.length}`]);
    expect(listsAfter).toEqual([
      `${list.version} ${list.validFrom} ${list.stations.length}`,
      `test-2025-03 2025-03-02 ${later.stations.length}`,
    ]);
    expect(later.stations.length).toBe(
      list.stations.length - 1 - list.stations.filter((s) => s.city === '舟山').length,
    );
  });

  it('a city: its stations of the day, means of those alone', async () => {
    const rows = await page({ level: 'city', id: ['上海'] });
    expect(rows.map((r) => [r.time, r.value, r.nValid, r.nExpected])).toEqual([
      ['2025-03-01', 20, 2, SH],
      // 1142A has left the list: its 30 is not the city's any more
      ['2025-03-02', 10, 1, SH - 1],
    ]);
  });

  it('a province and the region: their cities of the day', async () => {
    const zj = await page({ level: 'province', id: ['zhejiang'] });
    // 舟山 is Zhejiang's only city with data, and on 2025-03-02 it is in no list: no row that day
    expect(zj.map((r) => [r.time, r.value, r.nValid, r.nExpected])).toEqual([['2025-03-01', 50, 1, ZJ_CITIES]]);
    const yrd = await page({ level: 'region', id: ['yrd'] });
    expect(yrd.map((r) => [r.time, r.value, r.nValid, r.nExpected])).toEqual([
      ['2025-03-01', (20 + 50) / 2, 2, CITIES],
      ['2025-03-02', 10, 1, CITIES - 1],
    ]);
  });

  it('a month of an area expects the most cities any list of the month gave it', async () => {
    const rows = await page({ level: 'region', id: ['yrd'], resolution: 'month', incomplete: true });
    expect(rows).toHaveLength(1);
    // Each city's March holds 2 valid days of 27: not valid, so no city counts as valid
    expect(rows[0]).toMatchObject({ time: '2025-03-01', nValid: 0, nExpected: CITIES, valid: false });
    // with incomplete=true the value is the mean of the cities' incomplete months: 上海 (20 + 10) / 2, 舟山 50
    expect(rows[0]?.value).toBeCloseTo((15 + 50) / 2, 9);
  });
});
