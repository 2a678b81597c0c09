import type { Reading } from '../schemas';
import type { RevisionContent, RevisionScope } from './reading-store';
import { timeMs } from '../kernel';

/** The smallest scope covering every identity of the batch, to look up their latest revisions. */
export function scopeOf(readings: readonly Reading[]): RevisionScope {
  let fromMs = Infinity;
  let toMs = -Infinity;
  const stations = new Set<string>();
  const pollutants = new Set<Reading['pollutant']>();
  for (const r of readings) {
    const t = timeMs(r.time);
    if (t < fromMs) fromMs = t;
    if (t > toMs) toMs = t;
    stations.add(r.station);
    pollutants.add(r.pollutant);
  }
  return { stations: [...stations], pollutants: [...pollutants], fromMs, toMs };
}

/** What decides whether an arrival changes anything; a stored revision or an earlier arrival. */
type Content = Pick<RevisionContent, 'value' | 'sourceValid'> & { sourceFlag?: string; missingReason?: string };

const sameContent = (a: Content, b: Content): boolean =>
  a.value === b.value &&
  a.sourceValid === b.sourceValid &&
  (a.sourceFlag ?? '') === (b.sourceFlag ?? '') &&
  (a.missingReason ?? '') === (b.missingReason ?? '');

/**
 * Hour-ending instants are whole hours in milliseconds, so adding 1 keys an audited revision apart
 * from the provisional one of the same hour without building a string per identity.
 */
export const statusKey = (timeMs: number, status: string): number => (status === 'audited' ? timeMs + 1 : timeMs);

/**
 * The latest revision of each (identity, status) of a batch's scope: the stored ones, then each
 * arrival admitted in order. Kept per series (station, pollutant) by hour, so neighbouring hours
 * are numeric lookups for the temporal checks.
 */
export class RevisionIndex {
  private readonly byStation = new Map<string, Map<string, Map<number, Content>>>();

  constructor(stored: readonly RevisionContent[]) {
    for (const s of stored) this.series(s.station, s.pollutant).set(statusKey(s.timeMs, s.status), s);
  }

  series(station: string, pollutant: string): Map<number, Content> {
    let byPollutant = this.byStation.get(station);
    if (!byPollutant) this.byStation.set(station, (byPollutant = new Map()));
    let m = byPollutant.get(pollutant);
    if (!m) byPollutant.set(pollutant, (m = new Map()));
    return m;
  }

  /**
   * Keeps the arrivals that change something (ARCHITECTURE.md invariant 2: re-arrival of an identical
   * revision changes nothing). An arrival is new unless it equals the latest revision of the same
   * identity and status — the stored one, or an earlier arrival in this batch. Comparing with the
   * latest (not with any earlier) revision keeps a correction that is later reverted (A, B, A).
   */
  admit<T extends Reading>(arrivals: readonly T[]): T[] {
    const fresh: T[] = [];
    for (const a of arrivals) {
      const m = this.series(a.station, a.pollutant);
      const key = statusKey(timeMs(a.time), a.status);
      const prev = m.get(key);
      if (prev && sameContent(prev, a)) continue;
      m.set(key, a);
      fresh.push(a);
    }
    return fresh;
  }
}

/** The value of an hour in a series as it stands (audited over provisional); undefined = not known. */
export const valueAt = (series: Map<number, Content>, timeMs: number): number | null | undefined =>
  (series.get(timeMs + 1) ?? series.get(timeMs))?.value;
