import { cstMidnightMs } from '../../kernel';
import type { Province, Station, StationListVersion } from '../../schemas';

export interface StationRegistry {
  /** The station as listed in the version valid at `timeMs` (epoch ms), if any. */
  lookup(code: string, timeMs: number): Station | undefined;
  /** The version valid at `timeMs`: the latest whose validFrom is not after it (else the earliest). */
  versionAt(timeMs: number): StationListVersion | undefined;
  versions: readonly StationListVersion[];
}

/**
 * Versions of the station list, each valid from a date until the next (docs/feeds.md "Stations":
 * stations open, move and close). A reading older than every version is judged by the earliest
 * list, since archives reach back before the oldest list we hold.
 */
export function createStationRegistry(versions: readonly StationListVersion[]): StationRegistry {
  const sorted = [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  // Station lists change on CST dates: a version is valid from the 00:00 CST its date begins.
  const starts = sorted.map((v) => cstMidnightMs(v.validFrom));
  const indexes = sorted.map((v) => new Map(v.stations.map((s) => [s.code, s])));
  const at = (timeMs: number): number => {
    let i = 0;
    while (i + 1 < starts.length && (starts[i + 1] ?? Infinity) <= timeMs) i++;
    return i;
  };
  return {
    versions: sorted,
    versionAt: (timeMs) => sorted[at(timeMs)],
    lookup: (code, timeMs) => indexes[at(timeMs)]?.get(code),
  };
}

export function ownsStation(owner: Province | 'coordinator', station: Station): boolean {
  return owner === 'coordinator' || station.province === owner;
}
