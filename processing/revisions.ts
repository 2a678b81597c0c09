import type { Reading } from '../schemas';
import type { Revision, RevisionContent, RevisionScope } from './reading-store';
import { timeMs } from '../kernel';

/**
 * The smallest scope covering every identity of the batch, to look up their latest revisions. PM2.5
 * and PM10 come together: each is judged against the other as it stands (pm-pairing.ts).
 */
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
  if (pollutants.has('pm25') || pollutants.has('pm10')) pollutants.add('pm25').add('pm10');
  return { stations: [...stations], pollutants: [...pollutants], fromMs, toMs };
}

/**
 * A stored revision or an arrival of this batch: what decides whether an arrival changes anything,
 * and its verdict (an arrival's is final once the batch is judged; `pm25AbovePm10` is a stored one's).
 */
export type Content = Pick<RevisionContent, 'value' | 'sourceValid' | 'valid'> & {
  sourceFlag?: string;
  missingReason?: string;
  pm25AbovePm10?: boolean;
};

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
  /** What each admitted arrival replaces: read once the batch's verdicts are final. */
  private readonly replaced = new Map<Revision, Content>();

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
   *
   * Each kept arrival gets its kind here, from what the index already holds (no query of its own):
   * a correction replaces the latest of its status; an audited value with none before it replaces
   * the provisional one (an audit), or is a first; a provisional value with none before it is a
   * first, also when an audited one exists (it replaces nothing: the audited value stays current).
   */
  admit<T extends Revision>(arrivals: readonly T[]): T[] {
    const fresh: T[] = [];
    for (const a of arrivals) {
      const m = this.series(a.station, a.pollutant);
      const key = statusKey(timeMs(a.time), a.status);
      const prev = m.get(key);
      if (prev && sameContent(prev, a)) continue;
      const provisional = !prev && a.status === 'audited' ? m.get(key - 1) : undefined;
      a.kind = prev ? 'correction' : provisional ? 'audit' : 'first';
      const replaced = prev ?? provisional;
      if (replaced) this.replaced.set(a, replaced);
      m.set(key, a);
      fresh.push(a);
    }
    return fresh;
  }

  /** Sets each admitted revision's `previous`, once every verdict of the batch is final. */
  settlePrevious(fresh: readonly Revision[]): void {
    for (const r of fresh) {
      if (r.previous !== undefined) continue;
      const p = this.replaced.get(r);
      r.previous = p ? { value: p.value, valid: p.valid } : null;
    }
  }
}

/** The value of an hour in a series as it stands (audited over provisional); undefined = not known. */
export const valueAt = (series: Map<number, Content>, timeMs: number): number | null | undefined =>
  (series.get(timeMs + 1) ?? series.get(timeMs))?.value;
