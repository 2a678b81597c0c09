import type { Tables } from '../tables';

/** Every station of every list version, in the versions' order and by code within each. */
export const allStationsSql = (t: Tables): string => `
  SELECT list_version AS version, toString(valid_from) AS validFrom,
         code, name, city, county_city AS countyCity, province, lon, lat, control, stopped
  FROM ${t.stations} FINAL
  ORDER BY valid_from, list_version, code`;

/** Changes whenever a list is imported (a re-import too: its rows are stamped anew). */
export const stationsFingerprintSql = (t: Tables): string =>
  `SELECT toString(count()), toString(max(imported_at)) FROM ${t.stations}`;

/**
 * A DateTime64(3) column as ISO 8601 in UTC with milliseconds, as JavaScript writes instants
 * (formatDateTime's %f prints six digits).
 */
const isoMs = (column: string): string => `concat(replaceOne(toString(${column}, 'UTC'), ' ', 'T'), 'Z')`;

export const listRejectsSql = (t: Tables): string => `
  SELECT ${isoMs('received_at')} AS receivedAt, centre, toString(source_kind) AS sourceKind,
         source_id AS sourceId, record_index AS recordIndex, station, pollutant,
         if(toUnixTimestamp(time) = 0, NULL, formatDateTime(time, '%Y-%m-%dT%H:%i:%SZ', 'UTC')) AS time,
         time_written AS timeWritten, code, field, reason, record
  FROM ${t.rejects} FINAL
  WHERE (empty({centre:String}) OR centre = {centre:String})
    AND (empty({code:String}) OR code = {code:String})
    AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
  ORDER BY received_at DESC, record_index
  LIMIT {limit:UInt32}`;

/**
 * Revisions in order of arrival after a point: (arrived_at, station, pollutant, time, status),
 * strictly after the cursor tuple, so pages never repeat or skip a revision.
 */
export const changesSql = (t: Tables, stationFilter: boolean): string => `
  SELECT station, pollutant, formatDateTime(time, '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS time, value, valid,
         toString(status) AS status, toString(source_kind) AS sourceKind, source_id AS sourceId,
         ${isoMs('arrived_at')} AS arrivedAt,
         toUnixTimestamp64Milli(arrived_at) AS arrived_ms, toString(status) AS st,
         toString(kind) AS kind, previous_value, previous_valid
  FROM ${t.revisions} FINAL
  WHERE arrived_at > {since:DateTime64(3, 'UTC')}
    AND (toUnixTimestamp64Milli(arrived_at), station, pollutant, toUnixTimestamp(time), toString(status))
        > ({afterMs:Int64}, {afterStation:String}, {afterPollutant:String}, {afterTime:Int64}, {afterStatus:String})
    AND (empty({pollutant:String}) OR pollutant = {pollutant:String})
    ${stationFilter ? 'AND station IN {stations:Array(String)}' : ''}
  ORDER BY arrived_at, station, pollutant, time, status
  LIMIT {limit:UInt32}`;

/**
 * Revisions quality control flagged (non-empty qc_flags) that arrived in [from, to), newest first:
 * each arrival the checks set aside or doubted, also where a later revision replaced it.
 */
export const flagsSql = (t: Tables, stationFilter: boolean): string => `
  SELECT station, pollutant, formatDateTime(time, '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS time, value, unit,
         qc_flags AS flags, valid, toString(status) AS status, toString(source_kind) AS sourceKind,
         source_id AS sourceId, toUnixTimestamp64Milli(arrived_at) AS arrived_ms,
         source_flag AS sourceFlag, missing_reason AS missingReason
  FROM ${t.revisions} FINAL
  WHERE notEmpty(qc_flags)
    AND arrived_at >= {from:DateTime64(3, 'UTC')} AND arrived_at < {to:DateTime64(3, 'UTC')}
    AND (empty({flag:String}) OR has(qc_flags, {flag:String}))
    AND (empty({pollutant:String}) OR pollutant = {pollutant:String})
    AND (empty({station:String}) OR station = {station:String})
    ${stationFilter ? 'AND station IN {stations:Array(String)}' : ''}
  ORDER BY arrived_at DESC, station, pollutant, time, status
  LIMIT {limit:UInt32}`;
