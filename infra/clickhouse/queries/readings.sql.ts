import type { Tables } from '../tables';

/** Latest revision per (identity, status) in a coarse scope: stations × pollutants × time range. */
export const latestRevisionsSql = (t: Tables): string => `
  SELECT station, pollutant, toUnixTimestamp(time) AS t, toString(status) AS status,
         argMax(tuple(value, source_flag, source_valid, missing_reason), (arrived_at, stored_at)) AS c
  FROM ${t.revisions}
  WHERE pollutant IN {pollutants:Array(String)}
    AND station IN {stations:Array(String)}
    AND time BETWEEN {from:DateTime('UTC')} AND {to:DateTime('UTC')}
  GROUP BY station, pollutant, time, status`;

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
