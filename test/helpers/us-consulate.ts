import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sharedData } from './shared-data';

/**
 * Daily PM2.5 means of the US Consulate Shanghai monitor (../shared/data/us_consulate_shanghai,
 * 2013–2021), by the national day rule: hours labelled by their START in local time are hours
 * ending 01–24 of the same date; a day is valid with ≥ 20 valid hours; -999 and negative values
 * are missing whatever the QC column says; a repeated hour (the US daylight-saving fall-back
 * duplicate of 2013–2019) counts once.
 */
export function consulateDailyMeans(): { day: string; value: number | null }[] {
  const hours = consulateHours();
  return dailyOf(hours);
}

/** The valid hours, keyed `YYYY-MM-DD|HH` (HH the local start hour as the file writes it). */
export function consulateHours(): Map<string, number> {
  const hours = new Map<string, number>();
  for (let y = 2013; y <= 2021; y++) {
    const rows = parse(readFileSync(sharedData(`us_consulate_shanghai/Shanghai_PM2.5_${y}_YTD.csv`)), {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    for (const r of rows) {
      const v = Number(r['Raw Conc.']);
      const day = `${r.Year}-${String(r.Month).padStart(2, '0')}-${String(r.Day).padStart(2, '0')}`;
      const key = `${day}|${r.Hour}`;
      if (!Number.isFinite(v) || v < 0 || r['QC Name'] !== 'Valid' || hours.has(key)) continue;
      hours.set(key, v);
    }
  }
  return hours;
}

function dailyOf(hours: Map<string, number>): { day: string; value: number | null }[] {
  const perDay = new Map<string, number[]>();
  for (const [key, v] of hours) {
    const day = key.slice(0, 10);
    perDay.set(day, [...(perDay.get(day) ?? []), v]);
  }
  return [...perDay]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([day, vs]) => ({ day, value: vs.length >= 20 ? vs.reduce((a, b) => a + b, 0) / vs.length : null }));
}
