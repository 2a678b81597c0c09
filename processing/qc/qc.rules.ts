import { CANONICAL_UNIT, type Pollutant, INVALIDATING_QC_FLAGS, type QcFlag, type Reading } from '../../schemas';
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

/** How a pollutant is written in a reason. */
const LABEL: Readonly<Record<Pollutant, string>> = {
  pm25: 'PM2.5',
  pm10: 'PM10',
  o3: 'O3',
  no2: 'NO2',
  so2: 'SO2',
  co: 'CO',
};

/** A number as a reason shows it: without the binary noise of 50 × 1.1 + 5. */
const num = (v: number): string => String(Number(v.toPrecision(12)));

/** A flag's verdict with the words that say why: the rule and its limit (docs/standards.md §2.4). */
export interface Explained extends Checked {
  /** One reason per flag, in the flags' order. */
  reasons: string[];
}

/**
 * {@link checkBatch} with each flag's reason in words a centre reads — the rule and its limit,
 * e.g. "PM2.5 5000 µg/m³ is above the plausible maximum 1000 µg/m³" — so that processing's flags
 * and the push answer (wired in app/) say the same.
 */
export function explainBatch(readings: readonly Reading[]): Explained[] {
  const checked = checkBatch(readings);
  let pairOf: ((r: Reading) => PmPair) | undefined;
  return readings.map((r, i) => {
    const c = checked[i] as Checked;
    if (c.qcFlags.length === 0) return { ...c, reasons: [] };
    const unit = CANONICAL_UNIT[r.pollutant];
    const value = r.value === null ? 'null' : `${num(r.value)} ${unit}`;
    const reasons = c.qcFlags.map((flag): string => {
      switch (flag) {
        case 'missing':
          return `${LABEL[r.pollutant]} has no value${r.missingReason ? ` (${r.missingReason})` : ''}`;
        case 'source_invalid':
          return `${LABEL[r.pollutant]} ${value} is flagged invalid by its source${r.sourceFlag ? ` (flag ${r.sourceFlag})` : ''}`;
        case 'negative':
          return `${LABEL[r.pollutant]} ${value} is negative: a concentration is at least 0 ${unit}`;
        case 'out_of_range':
          return `${LABEL[r.pollutant]} ${value} is above the plausible maximum ${num(MAX_PLAUSIBLE[r.pollutant])} ${unit}`;
        case 'pm25_above_pm10': {
          pairOf ??= pmPairs(readings);
          const { pm25 = NaN, pm10 = NaN } = pairOf(r);
          const limit = num(pm10 * (1 + PM_TOLERANCE.relative) + PM_TOLERANCE.absoluteUgM3);
          const rule = `more than ${num(PM_TOLERANCE.relative * 100)} % of PM10 plus ${num(PM_TOLERANCE.absoluteUgM3)} µg/m³ (at most ${limit} µg/m³)`;
          return r.pollutant === 'pm25'
            ? `PM2.5 ${num(pm25)} µg/m³ is above the same hour's PM10 ${num(pm10)} µg/m³ by ${rule}`
            : `the same hour's PM2.5 ${num(pm25)} µg/m³ is above PM10 ${num(pm10)} µg/m³ by ${rule}`;
        }
        default:
          // Temporal flags are set against the stored series (temporal.ts), never by checkBatch.
          return `${LABEL[r.pollutant]} ${value} is flagged ${flag}`;
      }
    });
    return { ...c, reasons };
  });
}
