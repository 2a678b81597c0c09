import { INVALIDATING_QC_FLAGS, type QcFlag } from '../../schemas';
import { timeMs } from '../../kernel';
import type { Revision, RevisionKey } from '../reading-store';
import { type Content, type RevisionIndex, statusKey } from '../revisions';
import { PM_TOLERANCE } from './qc.rules';

const FLAG: QcFlag = 'pm25_above_pm10';

/** PM2.5 above PM10 by more than the monitors' joint uncertainty (docs/standards.md §2.4). */
const above = (pm25: number | null | undefined, pm10: number | null | undefined): boolean =>
  typeof pm25 === 'number' &&
  typeof pm10 === 'number' &&
  pm25 > pm10 * (1 + PM_TOLERANCE.relative) + PM_TOLERANCE.absoluteUgM3;

/** A stored PM revision whose verdict a fresh arrival of its partner changed. */
export interface PartnerVerdict {
  key: RevisionKey;
  /** Whether the partner is now flagged pm25_above_pm10. */
  flagged: boolean;
  /** The arrival whose value changed the verdict (the latest of its identity in the batch). */
  by: Revision;
}

/**
 * Judges each fresh PM2.5 and PM10 against its partner — the other one of the same station, hour
 * and status — as it stands: the stored latest revisions with this batch's arrivals overlaid (the
 * index after admission). So a station-hour split over two pushes or feed pages is judged as one.
 * Flags the fresh revisions in place and returns the stored partners, not fresh in this batch,
 * whose verdict the batch changed: those need a re-judged revision ({@link rejudged}).
 */
export function judgePmPairs(fresh: readonly Revision[], index: RevisionIndex): PartnerVerdict[] {
  const freshSet = new Set<Content>(fresh);
  const changed: PartnerVerdict[] = [];
  for (const r of fresh) {
    if (r.pollutant !== 'pm25' && r.pollutant !== 'pm10') continue;
    const t = timeMs(r.time);
    const key = statusKey(t, r.status);
    const other = r.pollutant === 'pm25' ? 'pm10' : 'pm25';
    const partner = index.series(r.station, other).get(key);
    const flagged = r.pollutant === 'pm25' ? above(r.value, partner?.value) : above(partner?.value, r.value);
    if (flagged) {
      r.qcFlags = [...r.qcFlags, FLAG];
      r.valid = false;
    }
    // A partner arriving in this batch is judged by this loop itself; a stored one is judged
    // against the latest arrival of r's identity only (an earlier one of the batch is superseded).
    if (!partner || freshSet.has(partner) || index.series(r.station, r.pollutant).get(key) !== r) continue;
    if (flagged !== (partner.pm25AbovePm10 ?? false))
      changed.push({ key: { station: r.station, pollutant: other, timeMs: t, status: r.status }, flagged, by: r });
  }
  return changed;
}

/**
 * The re-judged revision of a stored partner: the same content (value, unit, source, status…), its
 * flags with pm25_above_pm10 set or cleared — the advisory temporal flags carried over, as they
 * were judged on the series when it arrived — and its validity recomputed from the flags.
 *
 * Its arrival time is the arrival of the reading that changed the verdict, not the processing
 * clock: the knowledge changed at that instant, so `asOf` before it sees the old verdict and both
 * appear together in /v1/changes. A processing-time stamp could be later than the arrival of a
 * genuine correction of the partner that was stamped at ingest and processed after — and, the
 * later arrival winning, the re-judged copy of the old value would then outrank the correction.
 * It is at least 1 ms after the partner's own arrival, so that it is the partner's latest revision
 * (and the current value) even when the trigger was stamped earlier.
 */
export function rejudged(row: Revision, v: PartnerVerdict): Revision {
  const kept = row.qcFlags.filter((f) => f !== FLAG);
  if (v.flagged) {
    // Where a fresh check puts it: after the checks on the value alone (all invalidating), before
    // the advisory temporal flags.
    const at = kept.findIndex((f) => !INVALIDATING_QC_FLAGS.has(f as QcFlag));
    kept.splice(at === -1 ? kept.length : at, 0, FLAG);
  }
  const arrivedMs = Math.max(timeMs(v.by.arrivedAt), timeMs(row.arrivedAt) + 1);
  return {
    ...row,
    qcFlags: kept,
    valid: !kept.some((f) => INVALIDATING_QC_FLAGS.has(f as QcFlag)),
    arrivedAt: new Date(arrivedMs).toISOString(),
    kind: 're-judged',
    previous: { value: row.value, valid: row.valid },
  };
}
