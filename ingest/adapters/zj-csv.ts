import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { Pollutant } from '../../schemas';
import type { FeedAdapter, MappedPage } from '../feed-adapter';
import { clean, cstCompact, cstHourEnding, pageProblem, parseNumber, readingMaker, unitFactor } from './common';
import { pullHourly } from './hourly-pull';

/** Zhejiang: one GB18030 CSV per hour with a Chinese header and a summary row (docs/feeds.md §3). */
const CODE = '站点编码';
const TIME = '时间';
/** Column name prefix → pollutant; the unit is read from the parentheses, e.g. `CO(mg/m³)`. */
const COLUMNS: [string, Pollutant][] = [
  ['PM2.5', 'pm25'],
  ['PM10', 'pm10'],
  ['O3', 'o3'],
  ['NO2', 'no2'],
  ['SO2', 'so2'],
  ['CO', 'co'],
];
/** The summary line at the end of a file is not a station. */
const SUMMARY_MARKERS = ['合计', '汇总'];
/** `2025/3/1 1:00` in CST, the hour-ending label; `0:00` and `24:00` both occur (24:00 = next day 0:00). */
const CELL_TIME = /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):00(:00)?$/;

function cellTime(s: string): string | undefined {
  const m = CELL_TIME.exec(s.trim());
  return m ? cstHourEnding(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])) : undefined;
}

export const zjCsv: FeedAdapter = {
  format: 'zj-csv',

  pull: (feed, from, ctx) => pullHourly(feed, from, ctx, (hourMs) => `zj_${cstCompact(hourMs)}.csv`),

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    // Bytes are GB18030, not UTF-8 (docs/feeds.md §3); a BOM, if any, is dropped by csv-parse.
    const text = iconv.decode(Buffer.from(page.body), 'gb18030');
    // A row the CSV parser cannot read (a stray quote) is that row's problem, not the file's.
    // `index` is the row's line in the file, 0 being the first line after the header.
    const skipped: { line: number; reason: string }[] = [];
    let rows: { record: string[]; info: { lines: number } }[];
    try {
      rows = parse(text, {
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
        info: true,
        skip_records_with_error: true,
        on_skip: (err) =>
          void skipped.push({ line: Number(err?.lines ?? 0), reason: err?.message ?? 'unreadable CSV row' }),
      }) as unknown as typeof rows;
    } catch (err) {
      return { readings: [], problems: [pageProblem(`not CSV: ${(err as Error).message}`, text)] };
    }
    const header = rows[0]?.record ?? [];
    if (skipped.some((s) => s.line <= (rows[0]?.info.lines ?? 1)))
      return { readings: [], problems: [pageProblem(`header is not CSV: ${skipped[0]?.reason}`, text)] };
    for (const s of skipped)
      out.problems.push({
        index: s.line - 2,
        field: '(row)',
        reason: `not a CSV row: ${s.reason}`,
        record: text.split(/\r?\n/)[s.line - 1] ?? '',
      });
    const codeAt = header.indexOf(CODE);
    const timeAt = header.indexOf(TIME);
    if (codeAt < 0 || timeAt < 0)
      return {
        readings: [],
        problems: [pageProblem(`header lacks ${CODE} or ${TIME} (is the file GB18030?): ${header.join(',')}`, text)],
      };
    const columns = COLUMNS.flatMap(([prefix, pollutant]) => {
      const at = header.findIndex((h) => h.startsWith(`${prefix}(`) || h === prefix);
      const unit = /\(([^)]*)\)/.exec(header[at] ?? '')?.[1] ?? '';
      return at < 0 ? [] : [{ at, pollutant, unit, name: header[at] ?? prefix }];
    });
    if (columns.length === 0)
      return { readings: [], problems: [pageProblem(`header has no pollutant column: ${header.join(',')}`, text)] };
    const make = readingMaker(ctx);
    rows.slice(1).forEach(({ record: row, info }) => {
      const index = info.lines - 2;
      const station = row[codeAt] ?? '';
      // The summary line (合计) names no station: skipped, not a problem (docs/feeds.md §3).
      if (SUMMARY_MARKERS.some((m) => row.slice(0, 3).some((c) => c.includes(m)))) return;
      const record = row.join(',');
      if (station === '') {
        out.problems.push({ index, field: CODE, reason: `no station code in column ${CODE}`, record });
        return;
      }
      const time = cellTime(row[timeAt] ?? '');
      if (time === undefined) {
        out.problems.push({
          index,
          station,
          field: TIME,
          reason: `time "${row[timeAt] ?? ''}" is not like 2025/3/1 1:00`,
          record,
        });
        return;
      }
      for (const c of columns) {
        const raw = row[c.at] ?? '';
        if (raw === '') {
          out.readings.push(make({ station, pollutant: c.pollutant, time, value: null, missingReason: 'empty cell' }));
          continue;
        }
        const value = parseNumber(raw);
        const factor = unitFactor(c.pollutant, c.unit);
        if (value === undefined)
          out.problems.push({
            index,
            station,
            pollutant: c.pollutant,
            time,
            field: c.name,
            reason: `"${raw}" is not a number`,
            record,
          });
        else if (factor === undefined)
          out.problems.push({
            index,
            station,
            pollutant: c.pollutant,
            time,
            field: c.name,
            reason: `unknown unit "${c.unit}"`,
            record,
          });
        else
          out.readings.push(
            make({
              station,
              pollutant: c.pollutant,
              time,
              value: clean(value * factor),
              ...(factor !== 1 ? { originalUnit: c.unit } : {}),
            }),
          );
      }
    });
    return out;
  },
};
