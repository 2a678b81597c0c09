import type { Tables } from '../tables';

/**
 * Latest revision per (identity, status) in a coarse scope: stations × pollutants × time range —
 * its content, and its verdict (valid, and whether PM2.5 and PM10 were found apart: pm-pairing.ts).
 */
export const latestRevisionsSql = (t: Tables): string => `
  SELECT station, pollutant, toUnixTimestamp(time) AS t, toString(status) AS status,
         argMax(tuple(value, source_flag, source_valid, missing_reason, valid, has(qc_flags, 'pm25_above_pm10')),
                (arrived_at, stored_at)) AS c
  FROM ${t.revisions}
  WHERE pollutant IN {pollutants:Array(String)}
    AND station IN {stations:Array(String)}
    AND time BETWEEN {from:DateTime('UTC')} AND {to:DateTime('UTC')}
  GROUP BY station, pollutant, time, status`;

/**
 * Every column of the latest revision per (identity, status) among stations × pollutants × hours (a
 * superset of the keys asked for, which the caller picks out), to copy it as a re-judged revision.
 */
export const latestRevisionRowsSql = (t: Tables): string => `
  SELECT station, pollutant, toUnixTimestamp(time) AS t, value, unit, original_unit, missing_reason,
         source_flag, source_valid, qc_flags, valid, toString(status) AS status,
         toString(source_kind) AS source_kind, source_id,
         toUnixTimestamp64Milli(published_at) AS published_ms, toUnixTimestamp64Milli(arrived_at) AS arrived_ms
  FROM ${t.revisions}
  WHERE pollutant IN {pollutants:Array(String)}
    AND station IN {stations:Array(String)}
    AND time IN {times:Array(DateTime('UTC'))}
  ORDER BY arrived_at DESC, stored_at DESC
  LIMIT 1 BY station, pollutant, time, status`;

/**
 * Current values (ARCHITECTURE.md invariant 2) for stations and pollutants in [from, to).
 * FINAL makes the ReplacingMergeTree answer exact before background merges.
 */
export const currentReadingsSql = (t: Tables): string => `
  SELECT station, pollutant, toUnixTimestamp(time) AS t, value, toString(status) AS status,
         source_flag, source_valid, qc_flags, valid, toString(source_kind) AS source_kind, source_id,
         toUnixTimestamp64Milli(arrived_at) AS arrived_ms
  FROM ${t.readings} FINAL
  WHERE (empty({stations:Array(String)}) OR station IN {stations:Array(String)})
    AND (empty({pollutants:Array(String)}) OR pollutant IN {pollutants:Array(String)})
    AND time >= {from:DateTime('UTC')} AND time < {to:DateTime('UTC')}
  ORDER BY station, pollutant, time`;
