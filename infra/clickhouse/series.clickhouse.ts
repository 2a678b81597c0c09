import { cstMidnightMs, DAY_MS, HOUR_MS } from '../../kernel';
import type { SeriesRow } from '../../schemas';
import { type Member, type SeriesKey, type SeriesSpec, type SeriesQueries, GRADE_II, VALIDITY } from '../../views';
import type { StoreConnection } from './client';
import { queryColumns } from './columns';
import { basePollutantsOf, seriesSql, type SeriesSqlOptions } from './queries/series.sql';
import { SERIES_EXPORT_SETTINGS, seriesExportSql } from './queries/series-export.sql';
import { columnsFileParams, columnsFileSql } from './queries/columns-file.sql';
import { lastHoursSql } from './queries/latest.sql';
import { translateStoreError } from './store-errors';
import { chDateTime, chDateTime64, tablesOf } from './tables';

/** seriesSql's columns (id, pollutant, time, value, n_valid, n_expected, capture, valid, converted), column by column. */
type JsonColumns = [
  string[],
  string[],
  string[],
  (number | null)[],
  (number | string)[],
  (number | string)[],
  number[],
  (boolean | number)[],
  (boolean | number)[],
];

/** The store-printed form of an output time (the cursor's), from the ISO text the JSON rows carry. */
const keyTime = (iso: string): string => (iso.length > 10 ? iso.replace('T', ' ').replace('Z', '') : iso);

/**
 * What each member's area expects while its list is in force, counted here rather than by joins in
 * the statement: the stations of its city (mCityN), the cities of its area (mAreaN), and the most
 * cities its area had under any list of the period (mAreaMaxN, a month's or year's expectation).
 */
function expectedCounts(members: readonly Member[]): { mCityN: number[]; mAreaN: number[]; mAreaMaxN: number[] } {
  const stations = new Map<string, number>();
  const cities = new Map<string, Set<string>>();
  const key = (...parts: string[]): string => parts.join('\u0000');
  for (const m of members) {
    const c = key(m.area, m.city, m.fromDay, m.toDay);
    stations.set(c, (stations.get(c) ?? 0) + 1);
    const a = key(m.area, m.fromDay, m.toDay);
    cities.set(a, (cities.get(a) ?? new Set()).add(m.city));
  }
  const most = new Map<string, number>();
  for (const m of members)
    most.set(m.area, Math.max(most.get(m.area) ?? 0, cities.get(key(m.area, m.fromDay, m.toDay))?.size ?? 0));
  return {
    mCityN: members.map((m) => stations.get(key(m.area, m.city, m.fromDay, m.toDay)) ?? 0),
    mAreaN: members.map((m) => cities.get(key(m.area, m.fromDay, m.toDay))?.size ?? 0),
    mAreaMaxN: members.map((m) => most.get(m.area) ?? 0),
  };
}

export function createClickHouseSeriesQueries(store: StoreConnection): SeriesQueries {
  const t = tablesOf(store.database);
  const params = (s: SeriesSpec): Record<string, unknown> => {
    const hour = s.resolution === 'hour';
    // (from, to] on hour-ending instants; whole seconds, so `> from − 1 s` is `≥ from`.
    const outFrom = hour ? s.fromMs - 1000 : cstMidnightMs(s.fromDay);
    const to = hour ? s.toMs - 1000 : cstMidnightMs(s.toDay) + DAY_MS;
    const needs8h = hour && s.pollutants.includes('o3_8h');
    return {
      stations: s.stations,
      pollutants: s.pollutants,
      basePollutants: basePollutantsOf(s.pollutants),
      from: chDateTime(needs8h ? outFrom - 7 * HOUR_MS : outFrom),
      outFrom: chDateTime(outFrom),
      to: chDateTime(to),
      referenceState: s.referenceState ? 1 : 0,
      incomplete: s.incomplete ? 1 : 0,
      minHours: VALIDITY.hoursPerDay,
      min8h: VALIDITY.hoursPer8h,
      minWindows: VALIDITY.windowsPerMda8,
      mda8Limit: GRADE_II['2012'].o3.mda8,
      minMonth: VALIDITY.daysPerMonth,
      minFeb: VALIDITY.daysPerFebruary,
      minYear: VALIDITY.daysPerYear,
      mArea: s.members.map((m) => m.area),
      mCity: s.members.map((m) => m.city),
      mStation: s.members.map((m) => m.station),
      mFrom: s.members.map((m) => m.fromDay),
      mTo: s.members.map((m) => m.toDay),
      ...expectedCounts(s.members),
      ...(s.asOfMs !== undefined ? { asOf: chDateTime64(s.asOfMs) } : {}),
      ...(s.updatedSinceMs !== undefined ? { since: chDateTime64(s.updatedSinceMs) } : {}),
      ...(s.after ? { afterId: s.after.id, afterPol: s.after.pollutant, afterTime: s.after.time } : {}),
    };
  };
  const options = (s: SeriesSpec, typed: boolean): SeriesSqlOptions => ({
    level: s.level,
    resolution: s.resolution,
    pollutants: s.pollutants,
    asOf: s.asOfMs !== undefined,
    updatedSince: s.updatedSinceMs !== undefined,
    after: s.after !== undefined,
    typed,
    cityHourlyMda8:
      s.cityMda8 === 'city-hourly' &&
      s.level !== 'station' &&
      s.resolution !== 'hour' &&
      s.pollutants.includes('o3_mda8'),
  });

  return {
    async page(spec, format) {
      try {
        if (format === 'json') {
          const columns = await queryColumns<JsonColumns>(store.client, seriesSql(t, options(spec, false)), {
            ...params(spec),
            limit: spec.limit + 1,
          });
          if (columns.length === 0) return { kind: 'rows', rows: [], next: null };
          const [id, pollutant, time, value, nValid, nExpected, capture, valid, converted] = columns;
          const n = Math.min(id.length, spec.limit);
          const rows = Array.from({ length: n }, (_, i) => ({
            id: id[i] as string,
            pollutant: pollutant[i] as SeriesRow['pollutant'],
            time: time[i] as string,
            value: value[i] === null ? null : Number(value[i]),
            nValid: Number(nValid[i]),
            nExpected: Number(nExpected[i]),
            capture: Number(capture[i]),
            valid: Boolean(valid[i]),
            converted: Boolean(converted[i]),
          }));
          const last = rows.at(-1);
          return {
            kind: 'rows',
            rows,
            next:
              id.length > spec.limit && last
                ? { id: last.id, pollutant: last.pollutant, time: keyTime(last.time) }
                : null,
          };
        }
        // Where does this page end? The key of its last row, and whether one more follows.
        const keysRs = await store.client.query({
          query: seriesSql(t, { ...options(spec, false), keysOnly: true }),
          query_params: { ...params(spec), offset: spec.limit - 1 },
          format: 'JSONEachRow',
        });
        const keys = await keysRs.json<SeriesKey>();
        const next = keys.length === 2 ? (keys[0] as SeriesKey) : null;
        const upto = next ? { uptoId: next.id, uptoPol: next.pollutant, uptoTime: next.time } : {};
        // CSV carries the JSON's time text; Parquet and Arrow a typed time (seriesExportSql).
        const inner = seriesSql(t, { ...options(spec, format !== 'csv'), upto: next !== null });
        const res = await store.client.exec({
          query: seriesExportSql(inner, format, spec.resolution),
          query_params: { ...params(spec), ...upto, limit: spec.limit },
          clickhouse_settings: SERIES_EXPORT_SETTINGS,
        });
        return { kind: 'bytes', body: res.stream, next };
      } catch (err) {
        throw translateStoreError(err, 'computing a series');
      }
    },
    async hourlyWide(spec) {
      try {
        const columns = await queryColumns<[string[], string[], ...(number | null)[][]]>(
          store.client,
          seriesSql(t, { ...options(spec, false), wide: true }),
          params(spec),
        );
        const [id = [], time = [], ...values] = columns;
        return {
          id,
          time,
          values: Object.fromEntries(
            spec.pollutants.map((p, k) => [p, (values[k] ?? []).map((v) => (v === null ? null : Number(v)))]),
          ),
        };
      } catch (err) {
        throw translateStoreError(err, 'computing a series');
      }
    },
    async file(columns, format) {
      try {
        const res = await store.client.exec({
          query: columnsFileSql(columns, format),
          query_params: columnsFileParams(columns),
          clickhouse_settings: SERIES_EXPORT_SETTINGS,
        });
        return res.stream;
      } catch (err) {
        throw translateStoreError(err, 'writing a file');
      }
    },
    async lastHours(stations, lookbackDays) {
      if (stations.length === 0) return new Map();
      try {
        const rs = await store.client.query({
          query: lastHoursSql(t),
          query_params: { stations, lookbackDays },
          format: 'JSONEachRow',
        });
        const rows = await rs.json<{ station: string; last: number | string }>();
        return new Map(rows.map((r) => [r.station, Number(r.last) * 1000]));
      } catch (err) {
        throw translateStoreError(err, 'finding the last hours');
      }
    },
  };
}
