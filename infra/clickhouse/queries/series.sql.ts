import type { Level, Resolution } from '../../../schemas';
import type { Tables } from '../tables';
import { hourlySource, stationDailySql } from './stats-daily.sql';

/**
 * `GET /v1/series` in one statement, so ClickHouse writes every format itself (JSON,
 * CSV, Parquet, Arrow). Layers:
 * 1. station values at the base resolution: hourly values (and the 8-h moving O3 mean, valid with
 *    ≥ 6 hours in its window), or the station daily statistics of stats-daily.sql.ts;
 * 2. a city's value = mean of its stations' valid values, with the station list in force on the
 *    day (the `members` arrays, control sites already left out); a province or region's = mean of
 *    its cities' values (docs/standards.md §3.3: areas average cities, never pools of stations);
 * 3. month and year: means of the valid daily values, valid with ≥ 27 days a month (25 in
 *    February) or ≥ 324 a year; a province's or region's month is the mean of its cities' valid
 *    months.
 * Output columns: id, pollutant, time, value (null when not valid), n_valid, n_expected,
 * capture, valid, converted; ordered by (id, pollutant, time), which the cursor follows.
 */
export interface SeriesSqlOptions {
  level: Level;
  resolution: Resolution;
  /** The pollutants asked for: the statement holds only the parts they need. */
  pollutants: readonly string[];
  asOf: boolean;
  updatedSince: boolean;
  after: boolean;
  /** Keep `time` typed (Parquet, Arrow); otherwise ISO text. */
  typed: boolean;
  /** Only the keys of the rows: `LIMIT 2 OFFSET {offset}`, to find where a page ends. */
  keysOnly?: boolean;
  /** Rows with keys up to {uptoId, uptoPol, uptoTime} only (the end of the page). */
  upto?: boolean;
}

const CST = "'Asia/Shanghai'";

/** The hourly pollutants a series reads ({basePollutants:Array(String)}): O3 for its 8-h mean and MDA8. */
export const basePollutantsOf = (pollutants: readonly string[]): string[] => [
  ...new Set(pollutants.map((p) => (p === 'o3_8h' || p === 'o3_mda8' ? 'o3' : p))),
];

export function seriesSql(t: Tables, o: SeriesSqlOptions): string {
  const hourBase = o.resolution === 'hour';
  const period = (day: string): string =>
    o.resolution === 'month' ? `toStartOfMonth(${day})` : o.resolution === 'year' ? `toStartOfYear(${day})` : day;
  const ctes: string[] = [];
  ctes.push(`toDateTime('2018-09-01 00:00:00', ${CST}) AS amendment`);
  if (hourBase) {
    ctes.push(`h AS (
      SELECT station, pollutant, time, toDate(time - INTERVAL 1 HOUR, ${CST}) AS day,
             (pollutant != 'pm25' AND pollutant != 'pm10' AND time <= amendment AND {referenceState:UInt8} = 1) AS converted,
             value * if(converted, 273.15 / 298.15, 1) AS v, (valid AND value IS NOT NULL) AS ok
      FROM ${hourlySource(t, o.asOf)}
      WHERE station IN {stations:Array(String)} AND time > {from:DateTime('UTC')} AND time <= {to:DateTime('UTC')}
        AND pollutant IN {basePollutants:Array(String)})`);
    const parts: string[] = [];
    if (o.pollutants.some((p) => p !== 'o3_8h')) {
      parts.push(`
      SELECT toString(station) AS station, toString(pollutant) AS pollutant, time, day, if(ok, v, NULL) AS value, ok AS valid,
             toUInt32(ok) AS n_valid, toUInt32(1) AS n_expected, converted
      FROM h WHERE has({pollutants:Array(String)}, toString(pollutant)) AND time > {outFrom:DateTime('UTC')}`);
    }
    if (o.pollutants.includes('o3_8h')) {
      parts.push(`
      SELECT station, 'o3_8h' AS pollutant, time, day, if(n8 >= {min8h:UInt8}, a8, NULL) AS value, n8 >= {min8h:UInt8} AS valid,
             toUInt32(n8) AS n_valid, toUInt32(8) AS n_expected, converted
      FROM (
        SELECT toString(station) AS station, time, day, converted, avgIf(v, ok) OVER w AS a8, countIf(ok) OVER w AS n8
        FROM h WHERE pollutant = 'o3'
        WINDOW w AS (PARTITION BY station ORDER BY toUnixTimestamp(time) RANGE BETWEEN 25200 PRECEDING AND CURRENT ROW))
      WHERE time > {outFrom:DateTime('UTC')}`);
    }
    ctes.push(`st AS (${parts.join('\n      UNION ALL')})`);
  } else {
    const base = basePollutantsOf(o.pollutants);
    const some = { o3: base.includes('o3'), others: base.some((p) => p !== 'o3') };
    ctes.push(`st AS (
      SELECT station, transform(statistic, ['o3_1h_max'], ['o3'], statistic) AS pollutant, day AS time, day,
             if(valid OR {incomplete:UInt8} = 1, value, NULL) AS value, toBool(valid) AS valid, toUInt32(n_valid) AS n_valid,
             toUInt32(if(statistic = 'o3_mda8', 17, 24)) AS n_expected, converted
      FROM (${stationDailySql(t, { asOf: o.asOf, some, inner: true })})
      WHERE has({pollutants:Array(String)}, transform(statistic, ['o3_1h_max'], ['o3'], statistic)))`);
  }
  if (o.level !== 'station') {
    // One row per station of an asked-for area while a list is in force, with what its city and
    // area expect then (counted by the caller): no join is needed for the expectations.
    ctes.push(`members AS (
      SELECT m.1 AS area, m.2 AS city, m.3 AS station, m.4 AS dfrom, m.5 AS dto, m.6 AS n_city, m.7 AS n_area, m.8 AS n_area_max
      FROM (SELECT arrayJoin(arrayZip({mArea:Array(String)}, {mCity:Array(String)}, {mStation:Array(String)}, {mFrom:Array(Date)}, {mTo:Array(Date)},
                                      {mCityN:Array(UInt32)}, {mAreaN:Array(UInt32)}, {mAreaMaxN:Array(UInt32)})) AS m))`);
    ctes.push(`cb AS (
      SELECT m.area AS area, m.city AS city, s.pollutant AS pollutant, s.time AS time, s.day AS day,
             avg(s.value) AS value, toUInt32(count()) AS n_valid, any(m.n_city) AS n_expected, max(s.converted) AS converted,
             any(m.n_area) AS n_area, any(m.n_area_max) AS n_area_max
      FROM st AS s INNER JOIN members AS m ON m.station = s.station
      WHERE s.valid AND s.day >= m.dfrom AND s.day <= m.dto
      GROUP BY area, city, pollutant, time, day)`);
  }
  const periodRule =
    o.resolution === 'month'
      ? 'n_valid >= if(toMonth(time) = 2, {minFeb:UInt8}, {minMonth:UInt8})'
      : 'n_valid >= {minYear:UInt16}';
  const periodDays = `toUInt32(dateDiff('day', time, time + INTERVAL 1 ${o.resolution === 'month' ? 'MONTH' : 'YEAR'}))`;
  let out: string;
  if (o.resolution === 'hour' || o.resolution === 'day') {
    if (o.level === 'station') {
      out = `SELECT station AS id, pollutant, time, value, n_valid, n_expected, valid, converted FROM st`;
    } else if (o.level === 'city') {
      out = `SELECT area AS id, pollutant, time, value, n_valid, n_expected, true AS valid, converted FROM cb`;
    } else {
      out = `SELECT area AS id, pollutant, time, avg(value) AS value, toUInt32(count()) AS n_valid,
                    any(n_area) AS n_expected, true AS valid, max(converted) AS converted
             FROM cb GROUP BY id, pollutant, time`;
    }
  } else if (o.level === 'station') {
    out = `SELECT id, pollutant, time, if(valid OR {incomplete:UInt8} = 1, mean, NULL) AS value, n_valid, ${periodDays} AS n_expected, ${periodRule} AS valid, converted FROM (
             SELECT station AS id, pollutant, ${period('day')} AS time, avgIf(value, valid) AS mean, toUInt32(countIf(valid)) AS n_valid, max(converted) AS converted
             FROM st GROUP BY id, pollutant, time)`;
  } else {
    const cityPeriods = `SELECT area, city, pollutant, time, if(valid OR {incomplete:UInt8} = 1, mean, NULL) AS value, n_valid, ${periodDays} AS n_expected, ${periodRule} AS valid, converted, n_area_max FROM (
             SELECT area, city, pollutant, ${period('day')} AS time, avg(value) AS mean, toUInt32(count()) AS n_valid, max(converted) AS converted,
                    any(n_area_max) AS n_area_max
             FROM cb GROUP BY area, city, pollutant, time)`;
    out =
      o.level === 'city'
        ? `SELECT area AS id, pollutant, time, value, n_valid, n_expected, valid, converted FROM (${cityPeriods})`
        : `SELECT p.area AS id, p.pollutant AS pollutant, p.time AS time, avgIf(p.value, p.valid OR {incomplete:UInt8} = 1) AS value,
                  toUInt32(countIf(p.valid)) AS n_valid, any(p.n_area_max) AS n_expected, n_valid > 0 AS valid, max(p.converted) AS converted
           FROM (${cityPeriods}) AS p GROUP BY id, pollutant, time`;
  }
  ctes.push(`out AS (${out})`);
  const where: string[] = [];
  if (o.updatedSince) {
    // The keys whose readings arrived after {since}: the hour (and the 8-h windows that hold it),
    // or the day of the hour (o3 → the day's max 1-h and MDA8), mapped to the output's ids and periods.
    const changed = `SELECT DISTINCT toString(station) AS station, toString(pollutant) AS pollutant, time, toDate(time - INTERVAL 1 HOUR, ${CST}) AS day
      FROM ${t.revisions}
      WHERE arrived_at > {since:DateTime64(3, 'UTC')} AND station IN {stations:Array(String)}
        AND time > {from:DateTime('UTC')} AND time <= {to:DateTime('UTC')}`;
    const keyed = hourBase
      ? `SELECT station, day, pollutant AS p, time AS base FROM (${changed})
         UNION ALL SELECT station, toDate(b - INTERVAL 1 HOUR, ${CST}) AS day, 'o3_8h' AS p, b AS base
           FROM (${changed}) ARRAY JOIN arrayMap(k -> time + toIntervalHour(k), range(8)) AS b WHERE pollutant = 'o3'`
      : `SELECT station, day, p, day AS base FROM (${changed}) ARRAY JOIN if(pollutant = 'o3', ['o3', 'o3_mda8'], [pollutant]) AS p`;
    const keys =
      o.level === 'station'
        ? `SELECT station AS id, p, ${period('base')} FROM (${keyed})`
        : `SELECT m.area AS id, k.p AS p, ${period('k.base')} FROM (${keyed}) AS k INNER JOIN members AS m ON m.station = k.station WHERE k.day >= m.dfrom AND k.day <= m.dto`;
    where.push(`(out.id, out.pollutant, out.time) IN (${keys})`);
  }
  if (o.after)
    where.push(
      `(out.id, out.pollutant, toString(out.time)) > ({afterId:String}, {afterPol:String}, {afterTime:String})`,
    );
  if (o.upto)
    where.push(`(out.id, out.pollutant, toString(out.time)) <= ({uptoId:String}, {uptoPol:String}, {uptoTime:String})`);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const timeOut = o.typed
    ? 'time'
    : hourBase
      ? `formatDateTime(time, '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS time`
      : 'toString(time) AS time';
  const select = o.keysOnly
    ? `SELECT id, pollutant, toString(time) AS time FROM out ${filter} ORDER BY out.id, out.pollutant, out.time LIMIT 2 OFFSET {offset:UInt32}`
    : `SELECT id, pollutant, ${timeOut}, value, n_valid, n_expected, if(n_expected = 0, 0, n_valid / n_expected) AS capture, valid, toBool(converted) AS converted
       FROM out ${filter} ORDER BY out.id, out.pollutant, out.time LIMIT {limit:UInt32}`;
  return `WITH ${ctes.join(',\n')}\n${select}`;
}
