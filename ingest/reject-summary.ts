import type { Reject } from '../schemas';

const PER_STATION_CODES = new Set<Reject['code']>(['READING_UNKNOWN_STATION', 'READING_STATION_NOT_OWNED']);

export interface RejectCollapser {
  add(rejects: readonly Reject[]): void;
  /** The rejects so far, those per foreign station once each with the cells skipped. */
  result(): Reject[];
  /** Cells skipped per station for one code (e.g. READING_UNKNOWN_STATION). */
  cellsOf(code: Reject['code']): Map<string, number>;
}

/**
 * An archive file carries a column for every national station: its refusals for a foreign
 * station are reported once per station (docs/feeds.md "Stations"), with the number of cells skipped.
 * Incremental, so a file read in chunks keeps one reject per foreign station, not one per cell.
 */
export function createRejectCollapser(): RejectCollapser {
  const kept: Reject[] = [];
  const perStation = new Map<string, { first: Reject; cells: number }>();
  return {
    add(rejects) {
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
    },
    result() {
      return [
        ...kept,
        ...[...perStation.values()].map(({ first, cells }) => ({
          ...first,
          recordIndex: -1,
          pollutant: '',
          time: null,
          timeWritten: '',
          reason: `${first.reason}; ${cells} cell(s) skipped`,
          record: '',
        })),
      ];
    },
    cellsOf(code) {
      return new Map(
        [...perStation.values()]
          .filter(({ first }) => first.code === code)
          .map(({ first, cells }) => [first.station, cells]),
      );
    },
  };
}

/** collapseUnknownStations over one list of rejects (createRejectCollapser). */
export function collapseUnknownStations(rejects: readonly Reject[]): Reject[] {
  const c = createRejectCollapser();
  c.add(rejects);
  return c.result();
}
