import type { Reading } from '../schemas/reading';
import type { RevisionContent, RevisionScope } from './reading-store';
import { timeMs } from './time-ms';

const identityKey = (station: string, pollutant: string, timeMs: number, status: string): string =>
  `${station}|${pollutant}|${timeMs}|${status}`;

function sameContent(a: RevisionContent, b: RevisionContent): boolean {
  return (
    a.value === b.value &&
    a.sourceFlag === b.sourceFlag &&
    a.sourceValid === b.sourceValid &&
    a.missingReason === b.missingReason
  );
}

export function contentOf(r: Reading): RevisionContent {
  return {
    station: r.station,
    pollutant: r.pollutant,
    timeMs: timeMs(r.time),
    status: r.status,
    value: r.value,
    sourceFlag: r.sourceFlag ?? '',
    sourceValid: r.sourceValid,
    missingReason: r.missingReason ?? '',
  };
}

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

/**
 * Keeps the arrivals that change something (DESIGN.md invariant 2: re-arrival of an identical
 * revision changes nothing). An arrival is new unless it equals the latest revision of the same
 * identity and status — the stored one, or an earlier arrival in this batch. Comparing with the
 * latest (not with any earlier) revision keeps a correction that is later reverted (A, B, A).
 */
export function changedArrivals<T extends Reading>(arrivals: readonly T[], stored: readonly RevisionContent[]): T[] {
  const latest = new Map<string, RevisionContent>();
  for (const s of stored) latest.set(identityKey(s.station, s.pollutant, s.timeMs, s.status), s);
  const fresh: T[] = [];
  for (const a of arrivals) {
    const c = contentOf(a);
    const key = identityKey(c.station, c.pollutant, c.timeMs, c.status);
    const prev = latest.get(key);
    if (prev && sameContent(prev, c)) continue;
    latest.set(key, c);
    fresh.push(a);
  }
  return fresh;
}
