import type { Level, Resolution } from '../../../schemas';
import type { Tables } from '../tables';
import { hourlySource, stationDailySql } from './stats-daily.sql';

/**
 * `GET /v1/series` in one statement, so ClickHouse writes every format itself (JSON,
 * CSV, Parquet, Arrow). Layers:
 * 1. station values at the base resolution: hourly values (and the 8-h moving O3 mean, valid with
 *    ≥ 6 hours in its window), or the station daily statistics of stats-daily.sql.ts;
 * 2. a city's value = mean of its stations' valid values, formed and rounded as the national
 *    centre does (station values at their precision, code order, half up: docs/standards.md §3.5),
 *    with the station list in force on the day (the `members` arrays, control sites already left out); a province or region's = mean of
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
  /** A city's o3_mda8 from its hourly O3 means (`cityMda8=city-hourly`), not its stations' MDA8s. */
  cityHourlyMda8?: boolean;
  /**
   * Hour resolution: one row per id and hour-ending instant, a column per pollutant holding its
   * valid value (NULL otherwise) — the same values as the rows, pivoted by the engine.
   */
  wide?: boolean;
}

const CST = "'Asia/Shanghai'";

/** The hourly pollutants a series reads ({basePollutants:Array(String)}): O3 for its 8-h mean and MDA8. */
export const basePollutantsOf = (pollutants: readonly string[]): string[] => [
  ...new Set(pollutants.map((p) => (p === 'o3_8h' || p === 'o3_mda8' ? 'o3' : p))),
];

/**
 * `x` rounded half up (away from zero) to `decimals` on its exact binary value, as JavaScript's
 * `toFixed` does (`roundHalfUp`, views/stats/city-values.ts): the double is taken apart into its
 * integer mantissa and power of two, scaled by 10^decimals in 256-bit integers, and the remainder
 * compared with half of the divisor — no decimal approximation of the double on the way.
 */
export function roundHalfUpSql(x: string, decimals: string): string {
  const a = `abs(toFloat64(${x}))`;
  const bits = `reinterpretAsUInt64(${a})`;
  const shift = `(1075 - toInt32(bitShiftRight(${bits}, 52)))`;
  const n = `(toUInt256(bitOr(bitAnd(${bits}, 4503599627370495), 4503599627370496)) * toUInt256(intExp10(${decimals})))`;
  const q = `bitShiftRight(${n}, ${shift})`;
  const up = `(${n} - bitShiftLeft(${q}, ${shift}) >= bitShiftLeft(toUInt256(1), ${shift} - 1))`;
  return `multiIf(${a} = 0 OR ${shift} > 250, 0., ${shift} <= 0, toFloat64(${x}), sign(toFloat64(${x})) * toFloat64(${q} + ${up}) / intExp10(${decimals}))`;
}

/**
 * `cityMda8=city-hourly` (docs/standards.md §3.3): each city's hourly O3 formed as the centre forms
 * a city hour (the stations' valid hours as whole numbers, whose sum is exact in any order, half
 * up), then that hourly series' MDA8 by §2.2 — the 17 windows ending at labels 8…24 of the day,
 * each valid with ≥ 6 of its hours, the day valid with ≥ 14 windows or when the largest, rounded
 * half up, exceeds 160 — rounded half up.
 * Rows as `cb`'s, n_valid counting the valid windows (of 17).
 */
function cityHourlyMda8Sql(t: Tables, asOf: boolean): string {
  const label = 'toUInt8(intDiv((toUnixTimestamp(h.time) + 25200) % 86400, 3600) + 1)';
  const rounded = roundHalfUpSql('mda8', '0');
  return `
      SELECT area, city, 'o3_mda8' AS pollutant, day AS time, day, ${rounded} AS value, toUInt32(n_windows) AS n_valid,
             toUInt32(17) AS n_expected, converted, n_area, n_area_max
      FROM (
        SELECT area, city, day, converted, n_area, n_area_max,
               arrayFilter(w -> w.2 >= {min8h:UInt8},
                 arrayMap(e -> (arraySum(arrayMap(x -> if(x.1 > e - 8 AND x.1 <= e, x.2, 0), hs)),
                                length(arrayFilter(x -> x.1 > e - 8 AND x.1 <= e, hs))), range(8, 25))) AS windows,
               length(windows) AS n_windows,
               if(n_windows = 0, NULL, arrayMax(arrayMap(w -> w.1 / w.2, windows))) AS mda8
        FROM (
          SELECT area, city, day, groupArray((label, v)) AS hs, max(converted) AS converted,
                 any(n_area) AS n_area, any(n_area_max) AS n_area_max
          FROM (
            SELECT m.area AS area, m.city AS city, toDate(h.time - INTERVAL 1 HOUR, ${CST}) AS day, ${label} AS label,
                   ${roundHalfUpSql(`sum(${stationValueSql('h.v', '0')}) / count()`, '0')} AS v,
                   max(h.converted) AS converted, any(m.n_area) AS n_area, any(m.n_area_max) AS n_area_max
            FROM (
              SELECT toString(station) AS station, time, (time <= amendment AND {referenceState:UInt8} = 1) AS converted,
                     assumeNotNull(value) * if(converted, 273.15 / 298.15, 1) AS v
              FROM ${hourlySource(t, asOf)}
              WHERE valid AND value IS NOT NULL AND pollutant = 'o3' AND station IN {stations:Array(String)}
                AND time > {from:DateTime('UTC')} AND time <= {to:DateTime('UTC')}) AS h
            INNER JOIN members AS m ON m.station = h.station
            WHERE toDate(h.time - INTERVAL 1 HOUR, ${CST}) >= m.dfrom AND toDate(h.time - INTERVAL 1 HOUR, ${CST}) <= m.dto
            GROUP BY area, city, day, label)
          GROUP BY area, city, day))
      WHERE n_windows >= {minWindows:UInt8} OR (n_windows > 0 AND ${rounded} > {mda8Limit:Float64})`;
}

/**
 * A station's value taken to its published precision (integer µg/m³, CO 0.1) half up on its DECIMAL
 * value, step for step as `roundHalfUpDecimal` (views/stats/city-values.ts) does it in doubles: a
 * value within 5·10⁻¹⁰ below a tie counts as the tie, so the order in which the engine summed its
 * hours cannot tip it. (Printing each value to text and parsing it as a Decimal, as this did before,
 * cost ~0.3 µs a value: 0.13 s of a city-year's hourly AQI.)
 */
export const stationValueSql = (x: string, decimals: string): string => {
  const m = `toFloat64(intExp10(${decimals}))`;
  const y = `(abs(toFloat64(${x})) * ${m})`;
  return `(sign(toFloat64(${x})) * (floor(${y}) + toFloat64(${y} - floor(${y}) >= 0.5 - 5e-10 * ${m})) / ${m})`;
};

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
    // A city's value as the national centre forms it (docs/standards.md §3.3, §3.5; cityMean in
    // views/stats/city-values.ts): station values at their precision, summed in station-code order,
    // divided, rounded half up to the city's precision. Only CO's tenths make the order matter: the
    // other values are whole numbers, whose sum is exact in any order, so they are summed as they
    // come (the ordered fold over every group was ~2/3 of a city-year's hourly statement).
    const stationValue = stationValueSql('assumeNotNull(s.value)', `if(s.pollutant = 'co', 1, 0)`);
    ctes.push(`cb AS (
      SELECT area, city, pollutant, time, day, ${roundHalfUpSql('mean', `if(pollutant = 'co', 2, 0)`)} AS value,
             n_valid, n_expected, converted, n_area, n_area_max
      FROM (
        SELECT m.area AS area, m.city AS city, s.pollutant AS pollutant, s.time AS time, s.day AS day,
               if(s.pollutant = 'co',
                  arrayFold((acc, x) -> acc + x.2, arraySort(x -> x.1, groupArrayIf((s.station, ${stationValue}), s.pollutant = 'co')), toFloat64(0)),
                  sum(${stationValue})) / count() AS mean,
               toUInt32(count()) AS n_valid, any(m.n_city) AS n_expected, max(s.converted) AS converted,
               any(m.n_area) AS n_area, any(m.n_area_max) AS n_area_max
        FROM st AS s INNER JOIN members AS m ON m.station = s.station
        WHERE s.valid AND s.day >= m.dfrom AND s.day <= m.dto ${o.cityHourlyMda8 ? "AND s.pollutant != 'o3_mda8'" : ''}
        GROUP BY area, city, pollutant, time, day)${
          o.cityHourlyMda8
            ? `
      UNION ALL ${cityHourlyMda8Sql(t, o.asOf)}`
            : ''
        })`);
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
  const pollutantColumn = (p: string): string => {
    if (!/^[a-z0-9_]+$/.test(p)) throw new Error(`seriesSql: not a pollutant name: ${p}`);
    return `anyIf(value, pollutant = '${p}' AND valid) AS ${p}`;
  };
  if (o.wide) {
    if (!hourBase || o.keysOnly || o.typed) throw new Error('seriesSql: wide is for JSON rows at hour resolution');
    return `WITH ${ctes.join(',\n')}
SELECT id, formatDateTime(time, '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS time, ${o.pollutants.map(pollutantColumn).join(', ')}
FROM out ${filter} GROUP BY id, out.time ORDER BY id, out.time`;
  }
  const select = o.keysOnly
    ? `SELECT id, pollutant, toString(time) AS time FROM out ${filter} ORDER BY out.id, out.pollutant, out.time LIMIT 2 OFFSET {offset:UInt32}`
    : `SELECT id, pollutant, ${timeOut}, value, n_valid, n_expected, if(n_expected = 0, 0, n_valid / n_expected) AS capture, valid, toBool(converted) AS converted
       FROM out ${filter} ORDER BY out.id, out.pollutant, out.time LIMIT {limit:UInt32}`;
  return `WITH ${ctes.join(',\n')}\n${select}`;
}
