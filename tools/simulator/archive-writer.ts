import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { cstDayOf, cstMidnightMs, DAY_MS, HOUR_MS } from '../../kernel';
import type { Station } from '../../schemas';
import type { Publication } from './publication';

/** The 15 row types of an hour, in the archive's order (docs/feeds.md §5). */
const TYPES = [
  'AQI',
  'PM2.5',
  'PM2.5_24h',
  'PM10',
  'PM10_24h',
  'SO2',
  'SO2_24h',
  'NO2',
  'NO2_24h',
  'O3',
  'O3_24h',
  'O3_8h',
  'O3_8h_24h',
  'CO',
  'CO_24h',
];
const HOURLY_INDEX: Record<string, number> = { 'PM2.5': 0, PM10: 1, O3: 2, NO2: 3, SO2: 4, CO: 5 };
/** Stations of other provinces, as every national file has them: backfill must skip them. */
const FOREIGN_STATIONS = ['1001A', '1002A', '1003A'];

/**
 * Writes the simulator's data as national archive files `china_sites_YYYYMMDD.csv`: the file for
 * CST date D holds hours 0–23, hour h being the hour ending at D h:00 (hour 0 = label 24 of D−1).
 * Values are those first published (no corrections, which the archive does not carry); missing
 * and malformed values are empty cells. The derived rows (AQI, *_24h, O3_8h…) are left empty: the
 * archive's own derived values are only cross-checks, never readings. Returns the files written.
 */
export function writeArchive(opts: {
  dir: string;
  fromDate: string;
  toDate: string;
  stations: readonly Station[];
  publication: Publication;
}): string[] {
  mkdirSync(opts.dir, { recursive: true });
  const codes = [...opts.stations.map((s) => s.code), ...FOREIGN_STATIONS];
  const files: string[] = [];
  for (let day = cstMidnightMs(opts.fromDate); day <= cstMidnightMs(opts.toDate); day += DAY_MS) {
    const date = cstDayOf(day).replaceAll('-', '');
    const rows: (string | number)[][] = [['date', 'hour', 'type', ...codes]];
    for (let hour = 0; hour < 24; hour++) {
      const t = day + hour * HOUR_MS;
      const published = opts.stations.map((s) => opts.publication.publishedHour(s, t));
      for (const type of TYPES) {
        const i = HOURLY_INDEX[type];
        const cells = published.map((h) => {
          const v = i === undefined || !h ? undefined : h.values[i];
          return v && !v.malformed && v.value !== null ? v.value : '';
        });
        // The foreign stations get a plausible constant where the type is hourly.
        rows.push([
          date,
          hour,
          type,
          ...cells,
          ...FOREIGN_STATIONS.map(() => (i === undefined ? '' : i === 5 ? 0.8 : 40)),
        ]);
      }
    }
    const file = join(opts.dir, `china_sites_${date}.csv`);
    writeFileSync(file, stringify(rows, { record_delimiter: '\r\n' }));
    files.push(file);
  }
  return files;
}
