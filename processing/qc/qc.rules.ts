import { INVALIDATING_QC_FLAGS, type QcFlag } from '../../schemas/qc';
import type { Reading } from '../../schemas/reading';

/**
 * Single-value checks. Checks that need neighbouring hours or stations (constant runs, spikes,
 * PM2.5 above PM10) run over the stored series, since a batch rarely holds the neighbours.
 */
export function checkReading(r: Reading): { qcFlags: QcFlag[]; valid: boolean } {
  const qcFlags: QcFlag[] = [];
  if (r.value === null) qcFlags.push('missing');
  if (!r.sourceValid) qcFlags.push('source_invalid');
  // A concentration cannot be negative; small negatives are instrument drift around zero.
  if (r.value !== null && r.value < 0) qcFlags.push('negative');
  return { qcFlags, valid: !qcFlags.some((f) => INVALIDATING_QC_FLAGS.has(f)) };
}
