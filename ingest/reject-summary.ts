import type { Reject } from '../schemas/reject';

const PER_STATION_CODES = new Set<Reject['code']>(['READING_UNKNOWN_STATION', 'READING_STATION_NOT_OWNED']);

/**
 * An archive file carries a column for every national station: its refusals for a foreign
 * station are reported once per station (FEEDS.md "Stations"), with the number of cells skipped.
 */
export function collapseUnknownStations(rejects: readonly Reject[]): Reject[] {
  const kept: Reject[] = [];
  const perStation = new Map<string, { first: Reject; cells: number }>();
  for (const r of rejects) {
    if (!PER_STATION_CODES.has(r.code)) {
      kept.push(r);
      continue;
    }
    const key = `${r.code}|${r.station}`;
    const seen = perStation.get(key);
    if (seen) seen.cells++;
    else perStation.set(key, { first: r, cells: 1 });
  }
  for (const { first, cells } of perStation.values()) {
    kept.push({ ...first, recordIndex: -1, pollutant: '', time: null, reason: `${first.reason}; ${cells} cell(s) skipped`, record: '' });
  }
  return kept;
}
