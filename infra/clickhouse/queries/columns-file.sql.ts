import type { FileColumn } from '../../../views';
import { FORMATS, type SeriesFileFormat } from './series-export.sql';

/** A column name the statement may carry: checked, as identifiers never come from a request (rule 9). */
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * A table a view formed (its columns as arrays, `{c0:Array(…)}` …) written by the engine as a file,
 * with the series' settings (`SERIES_EXPORT_SETTINGS`), so its CSV, Parquet and Arrow read as a
 * series file does: an `Instant` column is its ISO text in CSV and a DateTime64(3, 'UTC') in Parquet
 * and Arrow (a timestamp in UTC, series-export.sql.ts); a NULL is an empty cell in CSV. Rows keep
 * the arrays' order (`r.1`, their position). The arrays travel as query parameters, which the
 * client puts in the URL of `exec`: on a ClickHouse server a page is bounded by the server's
 * `http_max_uri_size` as well as by `limit` (the embedded engine has no such bound).
 */
export function columnsFileSql(
  columns: readonly Pick<FileColumn, 'name' | 'type'>[],
  format: SeriesFileFormat,
): string {
  if (columns.length === 0) throw new Error('columnsFileSql: no columns');
  const arrays = columns.map((c, i) => {
    if (!NAME.test(c.name))
      throw new Error(`columnsFileSql: column name ${JSON.stringify(c.name)} is not an identifier`);
    return `{c${i}:Array(${c.type === 'Instant' ? 'String' : c.type})}`;
  });
  const select = columns.map((c, i) => {
    const v = `r.${i + 2}`;
    const typed = c.type === 'Instant' && format !== 'csv' ? `parseDateTime64BestEffort(${v}, 3, 'UTC')` : v;
    return `${typed} AS \`${c.name}\``;
  });
  return `SELECT ${select.join(', ')}
FROM (SELECT arrayJoin(arrayZip(range(length(${arrays[0]})), ${arrays.join(', ')})) AS r)
ORDER BY r.1
FORMAT ${FORMATS[format]}`;
}

/** The statement's parameters: each column's values as `c<i>`. */
export const columnsFileParams = (columns: readonly FileColumn[]): Record<string, unknown> =>
  Object.fromEntries(columns.map((c, i) => [`c${i}`, c.values]));
