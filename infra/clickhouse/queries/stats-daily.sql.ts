import type { Tables } from '../tables';

/**
 * Station daily statistics from the current valid hourly values (STANDARDS.md §2.1, §2.2, §7.1).
 * A natural day D is the hours labelled 01–24: hour-ending instants D 01:00 … D+1 00:00 CST, so
 * an hour's day is the CST date of (its end − 1 h) and label 24 belongs to the previous day.
 * - 24-h means of so2, no2, co, pm10, pm25: valid with ≥ 20 valid hours.
 * - O3 daily max 1-h: over the day's valid hours.
 * - O3 8-h means at end labels 8…24 (the 17 windows of the day, none crossing midnight), each
 *   valid with ≥ 6 of its 8 hours; MDA8 = their max, valid with ≥ 14 valid windows, or — the
 *   exceedance exception — when the max of fewer valid windows exceeds 160.
 * Gases before 2018-09-01 are converted to the reference state (× 273.15/298.15, §1.2) when
 * {referenceState:UInt8} is 1, and flagged.
 */
/**
 * The hourly values statistics start from: the current values, or — with `asOf` — the values as
 * they stood at an instant, rebuilt from the revisions that had arrived by then (DESIGN.md
 * invariant 2: audited above provisional, then the latest arrival).
 */
export const hourlySource = (t: Tables, asOf: boolean): string =>
  asOf
    ? `(SELECT r.station AS station, r.pollutant AS pollutant, r.time AS time,
               -- qualified names: the aliases below must not shadow the columns inside argMax
               argMax(r.value, (r.status, r.arrived_at)) AS value, argMax(r.valid, (r.status, r.arrived_at)) AS valid,
               max(r.status) AS status
        FROM ${t.revisions} AS r
        WHERE r.arrived_at <= {asOf:DateTime64(3, 'UTC')}
          AND r.station IN {stations:Array(String)}
          AND r.time > {from:DateTime('UTC')} AND r.time <= {to:DateTime('UTC')}
        GROUP BY r.station, r.pollutant, r.time)`
    : `${t.readings} FINAL`;

/**
 * `auditedOnly`: statistics from audited values alone, as official annual statistics are (the
 * current value is audited wherever an audited revision exists). `somePollutants`: only the
 * pollutants in {basePollutants:Array(String)} (a series of PM2.5 reads no O3 hours).
 */
export const stationDailySql = (t: Tables, asOf = false, auditedOnly = false, somePollutants = false): string => `
  WITH
    toDateTime('2018-09-01 00:00:00', 'Asia/Shanghai') AS amendment,
    hourly AS (
      SELECT station, pollutant,
             toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day,
             -- label 1–24: the CST hour of (end − 1 h), plus one; epoch arithmetic, as CST has no DST
             toUInt8(intDiv((toUnixTimestamp(time) + 25200) % 86400, 3600) + 1) AS label,
             (pollutant != 'pm25' AND pollutant != 'pm10' AND time <= amendment AND {referenceState:UInt8} = 1) AS converted,
             value * if(converted, 273.15 / 298.15, 1) AS v,
             status = 'audited' AS audited
      FROM ${hourlySource(t, asOf)}
      WHERE valid AND value IS NOT NULL ${auditedOnly ? "AND status = 'audited'" : ''}
        AND station IN {stations:Array(String)}
        AND time > {from:DateTime('UTC')} AND time <= {to:DateTime('UTC')}
        ${somePollutants ? 'AND pollutant IN {basePollutants:Array(String)}' : ''}
    )
  SELECT station, toString(day) AS day, pollutant AS statistic, avg(v) AS value, count() AS n_valid,
         n_valid >= {minHours:UInt8} AS valid, max(converted) AS converted, 0 AS exceedance_exception, countIf(audited) AS n_audited
  FROM hourly
  WHERE pollutant != 'o3'
  GROUP BY station, pollutant, day
  UNION ALL
  SELECT station, toString(day) AS day, s.1 AS statistic, s.2 AS value, s.3 AS n_valid, s.4 AS valid,
         converted, s.5 AS exceedance_exception, n_audited
  FROM (
    SELECT station, day, peak, n, converted, n_audited,
           -- the day's 8-h windows from its 24 hour slots (NaN = no valid value): sum and count of
           -- labels e−7…e for e = 8…24, in label order
           arrayMap(x -> if(isNaN(x), 0, x), slots) AS vals,
           arrayMap(x -> toUInt8(NOT isNaN(x)), slots) AS has,
           arrayFilter(w -> w.2 >= {min8h:UInt8},
             arrayMap(e -> (arraySum(arraySlice(vals, e - 7, 8)), arraySum(arraySlice(has, e - 7, 8))), range(8, 25))) AS valid_windows,
           length(valid_windows) AS n_windows,
           if(n_windows = 0, NULL, arrayMax(arrayMap(w -> w.1 / w.2, valid_windows))) AS mda8
    FROM (
      SELECT station, day, max(v) AS peak, count() AS n, max(converted) AS converted, countIf(audited) AS n_audited,
             groupArrayInsertAt(nan, 24)(v, toUInt8(label - 1)) AS slots
      FROM hourly
      WHERE pollutant = 'o3'
      GROUP BY station, day))
  -- O3's two daily statistics from one pass over its hours
  ARRAY JOIN [
    ('o3_1h_max', peak, n, n >= {minHours:UInt8}, false),
    ('o3_mda8', mda8, n_windows,
     n_windows >= {minWindows:UInt8} OR (n_windows > 0 AND mda8 > {mda8Limit:Float64}),
     n_windows < {minWindows:UInt8} AND n_windows > 0 AND mda8 > {mda8Limit:Float64})] AS s
  ORDER BY station, day, statistic`;
