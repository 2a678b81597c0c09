import type { Tables } from '../tables';

/**
 * The hourly values statistics start from: the current values, or — with `asOf` — the values as
 * they stood at an instant, rebuilt from the revisions that had arrived by then (ARCHITECTURE.md
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

export interface StationDailyOptions {
  /** The values as they stood at {asOf} (rebuilt from the revisions), not the current ones. */
  asOf?: boolean;
  /** Statistics from audited values alone, as official annual statistics are (the current value is audited wherever an audited revision exists). */
  auditedOnly?: boolean;
  /**
   * Only the pollutants in {basePollutants:Array(String)}; `o3` and `others` say whether those
   * include O3 and any other pollutant, so a branch nobody asked for is not in the statement at
   * all (an empty O3 branch still cost a series of PM2.5 ~60 ms of planning and a second read).
   */
  some?: { o3: boolean; others: boolean };
  /**
   * For a statement that goes on from these rows: `day` as a Date, no final ORDER BY, and no
   * count of audited hours (n_audited is 0).
   */
  inner?: boolean;
}

/**
 * Station daily statistics from the current valid hourly values (docs/standards.md §2.1, §2.2, §7.1).
 * A natural day D is the hours labelled 01–24: hour-ending instants D 01:00 … D+1 00:00 CST, so
 * an hour's day is the CST date of (its end − 1 h) and label 24 belongs to the previous day.
 * - 24-h means of so2, no2, co, pm10, pm25: valid with ≥ 20 valid hours.
 * - O3 daily max 1-h: over the day's valid hours.
 * - O3 8-h means at end labels 8…24 (the 17 windows of the day, none crossing midnight), each
 *   valid with ≥ 6 of its 8 hours; MDA8 = their max, valid with ≥ 14 valid windows, or — the
 *   exceedance exception — when the max of fewer valid windows, as published (rounded to an
 *   integer, §3.5), exceeds 160.
 * Gases before 2018-09-01 are converted to the reference state (× 273.15/298.15, §1.2) when
 * {referenceState:UInt8} is 1, and flagged.
 * The gas conversion is a factor on every hour of a converted day, so it is applied to the day's
 * statistics after the aggregation, once a day rather than once an hour.
 * Columns: station, day, statistic, value, n_valid, valid, converted, exceedance_exception,
 * n_audited.
 */
/**
 * The MDA8 as published, an integer µg/m³ rounded by GB/T 8170 (docs/standards.md §3.5), for the
 * exceedance exception's `> 160`: 160.4 and 160.5 are published as 160 and do not exceed, 160.6 as
 * 161 does. Like `roundGbt8170` (views/stats/aqi.ts) the value is first taken to 8 decimals, so a
 * mean that is 160.5 in decimals but 160.4999… in binary still rounds half to even.
 */
const PUBLISHED_MDA8 = 'roundBankers(round(mda8, 8))';

export const stationDailySql = (t: Tables, o: StationDailyOptions = {}): string => {
  const o3 = o.some?.o3 ?? true;
  const others = o.some?.others ?? true;
  const dayOut = o.inner ? 'd AS day' : 'toString(d) AS day';
  // Gases before the 2018-09-01 amendment, in the reference state (docs/standards.md §1.2): every hour
  // of a day up to 2018-08-31 (its label 24 ends at 2018-09-01 00:00), so a function of the day.
  const converted = (gas: string): string => `(${gas} AND d < toDate('2018-09-01') AND {referenceState:UInt8} = 1)`;
  const factor = 'if(converted, 273.15 / 298.15, 1)';
  const audited = o.inner ? 'toUInt64(0)' : "countIf(status = 'audited')";
  const branches: string[] = [];
  if (others) {
    branches.push(`
  SELECT station, ${dayOut}, pollutant AS statistic, avg(value) * ${factor} AS value, count() AS n_valid,
         n_valid >= {minHours:UInt8} AS valid, ${converted("pollutant NOT IN ('pm25', 'pm10')")} AS converted,
         0 AS exceedance_exception, ${audited} AS n_audited
  FROM hourly
  ${o3 ? "WHERE pollutant != 'o3'" : ''}
  GROUP BY station, pollutant, d`);
  }
  if (o3) {
    branches.push(`
  SELECT station, ${dayOut}, s.1 AS statistic, s.2 AS value, s.3 AS n_valid, s.4 AS valid,
         converted, s.5 AS exceedance_exception, n_audited
  FROM (
    SELECT station, d, peak * ${factor} AS peak_c, n, converted, n_audited,
           -- the day's 8-h windows ending at labels 8…24: their sums from the aggregation, their
           -- hour counts from the mask of the labels present (bit k−1 = label k)
           arrayFilter(w -> w.2 >= {min8h:UInt8},
             arrayZip(sums, arrayMap(e -> bitCount(bitAnd(mask, bitShiftLeft(toUInt32(255), e - 8))), range(8, 25)))) AS valid_windows,
           length(valid_windows) AS n_windows,
           if(n_windows = 0, NULL, arrayMax(arrayMap(w -> w.1 / w.2, valid_windows)) * ${factor}) AS mda8
    FROM (
      -- 17 sums and a 24-bit mask a day: a small state per station-day (an array of the day's 24
      -- hours kept ~2 KB each, ~300 MB for a year of the region's stations, and was slower)
      SELECT station, d, ${converted('true')} AS converted, max(value) AS peak, count() AS n, ${audited} AS n_audited,
             groupBitOr(bitShiftLeft(toUInt32(1), label - 1)) AS mask,
             [${Array.from({ length: 17 }, (_, i) => `sumIf(value, label >= ${i + 1} AND label <= ${i + 8})`).join(', ')}] AS sums
      FROM hourly
      WHERE pollutant = 'o3'
      GROUP BY station, d))
  -- O3's two daily statistics from one pass over its hours
  ARRAY JOIN [
    ('o3_1h_max', peak_c, n, n >= {minHours:UInt8}, false),
    ('o3_mda8', mda8, n_windows,
     n_windows >= {minWindows:UInt8} OR (n_windows > 0 AND ${PUBLISHED_MDA8} > {mda8Limit:Float64}),
     n_windows < {minWindows:UInt8} AND n_windows > 0 AND ${PUBLISHED_MDA8} > {mda8Limit:Float64})] AS s`);
  }
  // label 1–24: the CST hour of (end − 1 h), plus one; epoch arithmetic, as CST has no DST
  const label = o3 ? 'toUInt8(intDiv((toUnixTimestamp(time) + 25200) % 86400, 3600) + 1) AS label,' : '';
  return `
  WITH
    hourly AS (
      SELECT station, pollutant, toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS d,
             ${label}
             assumeNotNull(value) AS value, status
      FROM ${hourlySource(t, o.asOf === true)}
      WHERE valid AND value IS NOT NULL ${o.auditedOnly ? "AND status = 'audited'" : ''}
        AND station IN {stations:Array(String)}
        AND time > {from:DateTime('UTC')} AND time <= {to:DateTime('UTC')}
        ${o.some ? 'AND pollutant IN {basePollutants:Array(String)}' : ''}
    )
  ${branches.join('\n  UNION ALL')}
  ${o.inner ? '' : 'ORDER BY station, day, statistic'}`;
};
