import {
  type Pollutant,
  INVALIDATING_QC_FLAGS,
  type QcFlag,
  type QcLimits,
  qcFlagReason,
  type Reading,
} from '../../schemas';
import { CONSTANT_RUN, SPIKE } from './temporal';
import { statusKey } from '../revisions';
import { timeMs } from '../../kernel';

/**
 * Highest physically plausible hourly value per pollutant (canonical units): twice the top
 * breakpoint of HJ 633-2012 Table 1 for the hourly column where there is one (O3 1-h 1200,
 * NO2 1-h 3840, CO 1-h 150) and the 24-h column otherwise (PM2.5 500, PM10 600, SO2 2620).
 * Above it a value is an instrument or transmission fault, not air — Spring Festival PM2.5 of
 * 600–1000 µg/m³ (real, in the archive samples) stays well inside.
 */
export const MAX_PLAUSIBLE: Readonly<Record<Pollutant, number>> = {
  pm25: 1000,
  pm10: 1200,
  o3: 2400,
  no2: 7680,
  so2: 5240,
  co: 300,
};

/**
 * PM2.5 is part of PM10: a PM2.5 above PM10 by more than the two monitors' joint uncertainty
 * (10 % of PM10 plus 5 µg/m³) means one of them is wrong, and both are flagged.
 */
export const PM_TOLERANCE = { relative: 0.1, absoluteUgM3: 5 } as const;

export interface Checked {
  qcFlags: QcFlag[];
  valid: boolean;
}

function verdict(flags: QcFlag[]): Checked {
  return { qcFlags: flags, valid: !flags.some((f) => INVALIDATING_QC_FLAGS.has(f)) };
}

/** The verdict of most readings, shared (nothing changes a verdict's flags in place). */
const CLEAN: Checked = Object.freeze({ qcFlags: Object.freeze([]) as unknown as QcFlag[], valid: true });

/** Checks on one value alone. */
export function checkReading(r: Reading): Checked {
  const v = r.value;
  if (v !== null && r.sourceValid && v >= 0 && v <= MAX_PLAUSIBLE[r.pollutant]) return CLEAN;
  const flags: QcFlag[] = [];
  if (v === null) flags.push('missing');
  if (!r.sourceValid) flags.push('source_invalid');
  // A concentration cannot be negative; small negatives are instrument drift around zero.
  if (v !== null && v < 0) flags.push('negative');
  if (v !== null && v > MAX_PLAUSIBLE[r.pollutant]) flags.push('out_of_range');
  return verdict(flags);
}

/**
 * Checks one reading alone and against the other pollutants of the same station-hour in the
 * batch (feeds deliver a station-hour's pollutants together). Checks that need neighbouring
 * hours — constant runs, spikes — belong with the stored series, where the neighbours are.
 */
export function checkBatch(readings: readonly Reading[]): Checked[] {
  const pairOf = pmPairs(readings);
  return readings.map((r) => {
    const checked = checkReading(r);
    if (r.value === null || (r.pollutant !== 'pm25' && r.pollutant !== 'pm10')) return checked;
    const pair = pairOf(r);
    if (
      pair.pm25 !== undefined &&
      pair.pm10 !== undefined &&
      pair.pm25 > pair.pm10 * (1 + PM_TOLERANCE.relative) + PM_TOLERANCE.absoluteUgM3
    ) {
      return verdict([...checked.qcFlags, 'pm25_above_pm10']);
    }
    return checked;
  });
}

type PmPair = { pm25?: number; pm10?: number };

/** PM2.5 and PM10 of each station-hour-status of a batch (the last of each in the batch). */
function pmPairs(readings: readonly Reading[]): (r: Reading) => PmPair {
  // station → statusKey(hour, status) → the pair.
  const pm = new Map<string, Map<number, PmPair>>();
  const pairOf = (r: Reading): PmPair => {
    let byHour = pm.get(r.station);
    if (!byHour) pm.set(r.station, (byHour = new Map()));
    const key = statusKey(timeMs(r.time), r.status);
    let pair = byHour.get(key);
    if (!pair) byHour.set(key, (pair = {}));
    return pair;
  };
  for (const r of readings) {
    if (r.value === null || (r.pollutant !== 'pm25' && r.pollutant !== 'pm10')) continue;
    pairOf(r)[r.pollutant] = r.value;
  }
  return pairOf;
}

/**
 * The limits of these rules and of the temporal ones together, as the reasons word them
 * (docs/standards.md §2.4).
 */
export const QC_LIMITS: QcLimits = {
  maxPlausible: MAX_PLAUSIBLE,
  pmTolerance: PM_TOLERANCE,
  constantRun: CONSTANT_RUN,
  spike: SPIKE,
};

/** A verdict with the words that say why: the rule and its limit (docs/standards.md §2.4). */
export interface Explained extends Checked {
  /** One reason per flag, in the flags' order. */
  reasons: string[];
}

/**
 * {@link checkBatch} with each flag's reason in words a centre reads — the rule and its limit,
 * e.g. "PM2.5 5000 µg/m³ is above the plausible maximum 1000 µg/m³; kept out of statistics" — in
 * the words /v1/flags uses (qcFlagReason), so the push answer and the stored flags say the same.
 */
export function explainBatch(readings: readonly Reading[]): Explained[] {
  const checked = checkBatch(readings);
  let pairOf: ((r: Reading) => PmPair) | undefined;
  return readings.map((r, i) => {
    const c = checked[i] as Checked;
    if (c.qcFlags.length === 0) return { ...c, reasons: [] };
    const reasons = c.qcFlags.map((flag) => {
      let pmPair: { pm25: number; pm10: number } | undefined;
      if (flag === 'pm25_above_pm10') {
        pairOf ??= pmPairs(readings);
        const { pm25, pm10 } = pairOf(r);
        if (pm25 !== undefined && pm10 !== undefined) pmPair = { pm25, pm10 };
      }
      return qcFlagReason(
        flag,
        { pollutant: r.pollutant, value: r.value, sourceFlag: r.sourceFlag, missingReason: r.missingReason, pmPair },
        QC_LIMITS,
      );
    });
    return { ...c, reasons };
  });
}
