import type { Tables } from '../tables';

/** Whether the store holds any revision at all: a first start finds none. */
export const anyRevisionSql = (t: Tables): string => `SELECT count() AS n FROM (SELECT 1 FROM ${t.revisions} LIMIT 1)`;

/** Revisions whose source id starts with {prefix} (what a removal would take). */
export const countSourceRevisionsSql = (t: Tables): string =>
  `SELECT count() AS n FROM ${t.revisions} WHERE startsWith(source_id, {prefix:String})`;

/** Deletes the revisions of one source, named by the prefix of its source id. */
export const deleteSourceRevisionsSql = (t: Tables): string =>
  `DELETE FROM ${t.revisions} WHERE startsWith(source_id, {prefix:String})`;

/**
 * The current values those revisions made, re-derived from the revisions that remain (the same
 * columns and version as readings_current_mv, invariant 2): inserted before the source's current
 * rows are deleted, so an identity another source also sent falls back to that source's latest.
 */
export const rederiveCurrentSql = (t: Tables): string => `
INSERT INTO ${t.readings}
SELECT
    station, pollutant, time, value, unit, source_flag, source_valid, qc_flags, valid, status,
    source_kind, source_id, arrived_at,
    toUInt64(status) * 1000000000000000 + toUInt64(toUnixTimestamp64Milli(arrived_at)) AS version
FROM ${t.revisions}
WHERE (pollutant, station, time) IN (
    SELECT pollutant, station, time FROM ${t.readings} WHERE startsWith(source_id, {prefix:String}))`;

/** Deletes the current values of one source (after {@link rederiveCurrentSql}). */
export const deleteSourceCurrentSql = (t: Tables): string =>
  `DELETE FROM ${t.readings} WHERE startsWith(source_id, {prefix:String})`;

/** Deletes the refusals recorded while loading one source (its files' foreign stations). */
export const deleteSourceRejectsSql = (t: Tables): string =>
  `DELETE FROM ${t.rejects} WHERE startsWith(source_id, {prefix:String})`;
