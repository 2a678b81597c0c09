import { parse } from 'csv-parse/sync';
import type { Pollutant } from '../../schemas/pollutant';
import type { FeedAdapter, MappedPage } from '../feed-adapter';
import { cstInstant, makeReading, pageProblem, parseNumber } from './common';

/**
 * The national archive CSV (FEEDS.md §5): one file per day, `date,hour,type,<station codes…>`.
 * Only the six hourly types are readings; the `_24h`, `_8h` and `AQI` rows are the publisher's
 * derived values. `hour` is the CNEMC label, the END of the averaging hour: hour 0 of file date D
 * is D 00:00 CST, i.e. label 24 of D−1. Units: µg/m³, CO mg/m³ (canonical already). Empty cells
 * are absent values and produce no reading: a file has ~2,000 station columns.
 */
const HOURLY_TYPES: Record<string, Pollutant> = { 'PM2.5': 'pm25', PM10: 'pm10', SO2: 'so2', NO2: 'no2', O3: 'o3', CO: 'co' };
const DATE = /^(\d{4})(\d{2})(\d{2})$/;

export const cnemcArchive: FeedAdapter = {
  format: 'cnemc-archive',

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    let rows: string[][];
    try {
      rows = parse(Buffer.from(page.body).toString('utf8'), { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
    } catch (err) {
      return { readings: [], problems: [pageProblem(`not CSV: ${(err as Error).message}`, page.body)] };
    }
    const header = rows[0] ?? [];
    if (header[0] !== 'date' || header[1] !== 'hour' || header[2] !== 'type') {
      return { readings: [], problems: [pageProblem(`header does not start with date,hour,type: ${header.slice(0, 5).join(',')}`, page.body)] };
    }
    // Trailing empty header cells (one real file ends every line with six commas) name no station.
    const stations = header.slice(3).map((c) => c.trim());
    for (let r = 1; r < rows.length; r++) {
      const row = rows[r] as string[];
      const pollutant = HOURLY_TYPES[row[2] ?? ''];
      if (!pollutant) continue;
      const index = r - 1;
      const d = DATE.exec(row[0] ?? '');
      const hour = parseNumber(row[1] ?? '');
      if (!d || hour === undefined || !Number.isInteger(hour) || hour < 0 || hour > 23) {
        out.problems.push({ index, pollutant, field: 'date/hour', reason: `date "${row[0]}" hour "${row[1]}" is not yyyyMMdd and 0–23`, record: row.slice(0, 3).join(',') });
        continue;
      }
      const time = cstInstant(Number(d[1]), Number(d[2]), Number(d[3]), hour);
      for (let c = 0; c < stations.length; c++) {
        const station = stations[c] as string;
        const cell = row[c + 3];
        if (!station || cell === undefined || cell === '') continue;
        const value = parseNumber(cell);
        if (value === undefined) {
          out.problems.push({ index, station, pollutant, time, field: station, reason: `"${cell}" is not a number`, record: `${row.slice(0, 3).join(',')},${station}=${cell}` });
        } else {
          out.readings.push(makeReading({ station, pollutant, time, value }, ctx));
        }
      }
    }
    return out;
  },
};
