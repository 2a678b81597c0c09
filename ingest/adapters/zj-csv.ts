import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { Pollutant } from '../../schemas/pollutant';
import type { FeedAdapter, MappedPage } from '../feed-adapter';
import { clean, cstCompact, cstInstant, makeReading, pageProblem, parseNumber, unitFactor } from './common';
import { pullHourly } from './hourly-pull';

/** Zhejiang: one GB18030 CSV per hour with a Chinese header and a summary row (FEEDS.md §3). */
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
const CELL_TIME = /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):00(:00)?$/;

function cellTime(s: string): string | undefined {
  const m = CELL_TIME.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24) return undefined;
  return cstInstant(y, mo, d, h);
}

export const zjCsv: FeedAdapter = {
  format: 'zj-csv',

  pull: (feed, from, ctx) => pullHourly(feed, from, ctx, (hourMs) => `zj_${cstCompact(hourMs)}.csv`),

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    // Bytes are GB18030, not UTF-8 (FEEDS.md §3); a BOM, if any, is dropped by csv-parse.
    const text = iconv.decode(Buffer.from(page.body), 'gb18030');
    let rows: string[][];
    try {
      rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
    } catch (err) {
      return { readings: [], problems: [pageProblem(`not CSV: ${(err as Error).message}`, page.body)] };
    }
    const header = rows[0] ?? [];
    const codeAt = header.indexOf(CODE);
    const timeAt = header.indexOf(TIME);
    if (codeAt < 0 || timeAt < 0) return { readings: [], problems: [pageProblem(`header lacks ${CODE} or ${TIME}: ${header.join(',')}`, page.body)] };
    const columns = COLUMNS.flatMap(([prefix, pollutant]) => {
      const at = header.findIndex((h) => h.startsWith(`${prefix}(`) || h === prefix);
      const unit = /\(([^)]*)\)/.exec(header[at] ?? '')?.[1] ?? '';
      return at < 0 ? [] : [{ at, pollutant, unit, name: header[at] ?? prefix }];
    });
    rows.slice(1).forEach((row, index) => {
      const station = row[codeAt] ?? '';
      if (SUMMARY_MARKERS.some((m) => row.slice(0, 3).some((c) => c.includes(m)))) return;
      const record = row.join(',');
      const time = cellTime(row[timeAt] ?? '');
      if (time === undefined) {
        out.problems.push({ index, station, field: TIME, reason: `time "${row[timeAt] ?? ''}" is not like 2025/3/1 1:00`, record });
        return;
      }
      for (const c of columns) {
        const raw = row[c.at] ?? '';
        if (raw === '') {
          out.readings.push(makeReading({ station, pollutant: c.pollutant, time, value: null, missingReason: 'empty cell' }, ctx));
          continue;
        }
        const value = parseNumber(raw);
        const factor = unitFactor(c.pollutant, c.unit);
        if (value === undefined) out.problems.push({ index, station, pollutant: c.pollutant, time, field: c.name, reason: `"${raw}" is not a number`, record });
        else if (factor === undefined) out.problems.push({ index, station, pollutant: c.pollutant, time, field: c.name, reason: `unknown unit "${c.unit}"`, record });
        else out.readings.push(makeReading({ station, pollutant: c.pollutant, time, value: clean(value * factor) }, ctx));
      }
    });
    return out;
  },
};
