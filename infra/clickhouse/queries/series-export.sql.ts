import type { Resolution } from '../../../schemas';

/** The files `GET /v1/series` has ClickHouse write, besides JSON. */
export type SeriesFileFormat = 'csv' | 'parquet' | 'arrow';

/** The engine's output format of each file. */
export const FORMATS: Record<SeriesFileFormat, string> = {
  csv: 'CSVWithNames',
  parquet: 'Parquet',
  arrow: 'Arrow',
};

/**
 * A page of `seriesSql` as a file, with the columns a modeler reads in JSON: the JSON field names
 * (`nValid`, `nExpected`, not the statement's `n_valid`, `n_expected`) and the same times.
 * - CSV (`inner` built with `typed: false`): `time` is the JSON's text, an hour-ending instant as
 *   ISO 8601 in UTC with its offset (`2026-12-01T17:00:00Z`, ARCHITECTURE.md invariant 4), a day,
 *   month or year as its CST date; a missing value is an empty cell (settings below).
 * - Parquet and Arrow (`inner` built with `typed: true`): an hour-ending instant is cast to
 *   DateTime64(3, 'UTC'), which both formats write as a timestamp in UTC (Parquet TIMESTAMP(MILLIS)
 *   adjusted to UTC, Arrow timestamp[ms, tz=UTC]) on the embedded engine and on a server alike,
 *   whereas a DateTime is a bare UInt32 in Arrow and, on older servers, in Parquet. A day, month or
 *   year stays a Date (a CST calendar day, not an instant).
 * The outer ORDER BY keeps the cursor's order (id, pollutant, time): ISO text and dates sort as
 * their instants do.
 */
export function seriesExportSql(inner: string, format: SeriesFileFormat, resolution: Resolution): string {
  const time = format !== 'csv' && resolution === 'hour' ? `toDateTime64(time, 3, 'UTC')` : 'time';
  return `SELECT id, pollutant, ${time} AS time, value, n_valid AS nValid, n_expected AS nExpected, capture, valid, converted
FROM (${inner})
ORDER BY id, pollutant, time
FORMAT ${FORMATS[format]}`;
}

/**
 * The engine's settings for those files: CSV writes NULL as an empty cell (the engine's default is
 * `\N`); Parquet and Arrow write strings as strings; Arrow uncompressed, as every Arrow reader takes
 * it (apache-arrow JS has no LZ4 codec) and HTTP compression covers the wire. Each setting exists on
 * the embedded engine and on the ClickHouse server the deployment runs.
 */
export const SERIES_EXPORT_SETTINGS = {
  format_csv_null_representation: '',
  output_format_parquet_string_as_string: 1,
  output_format_arrow_string_as_string: 1,
  output_format_arrow_compression_method: 'none',
} as const;
