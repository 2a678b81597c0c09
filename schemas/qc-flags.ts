import { CANONICAL_UNIT, type Pollutant } from './pollutant';
import { INVALIDATING_QC_FLAGS, type QcFlag } from './qc';

/**
 * The limits quality control applies (docs/standards.md §2.4). They are processing's
 * (`processing/qc/`); this is only their shape, so a room that may not import processing (views,
 * api) can say why a value was flagged from the limits the composition root hands it.
 */
export interface QcLimits {
  /** Highest plausible hourly value per pollutant, canonical unit. */
  maxPlausible: Readonly<Record<Pollutant, number>>;
  /** PM2.5 may exceed PM10 by `relative` × PM10 + `absoluteUgM3` before both are flagged. */
  pmTolerance: { readonly relative: number; readonly absoluteUgM3: number };
  /** `hours` identical consecutive values at or above the pollutant's floor. */
  constantRun: { readonly hours: number; readonly floor: Readonly<Record<Pollutant, number>> };
  /** A jump above the median of the three hours before by more than `jump` and `ratio` times. */
  spike: { readonly jump: Readonly<Record<Pollutant, number>>; readonly ratio: number };
}

/** What a reason is about: one stored value and what its source said of it. */
export interface FlaggedValue {
  pollutant: Pollutant;
  value: number | null;
  /** The source's own flag, where it gave one (e.g. Jiangsu's `B`). */
  sourceFlag?: string;
  /** Why the value is absent, as ingest noted it (e.g. `null in push`). */
  missingReason?: string;
  /**
   * The same hour's PM2.5 and PM10 judged together, where the caller has both (a push body): a
   * `pm25_above_pm10` reason then names both values and the limit they give.
   */
  pmPair?: { pm25: number; pm10: number };
}

/** How a pollutant is written in a reason. */
export const POLLUTANT_LABEL: Readonly<Record<Pollutant, string>> = {
  pm25: 'PM2.5',
  pm10: 'PM10',
  o3: 'O3',
  no2: 'NO2',
  so2: 'SO2',
  co: 'CO',
};

/** A number as a reason shows it: without the binary noise of 50 × 1.1 + 5. */
const num = (v: number): string => String(Number(v.toPrecision(12)));

/**
 * One flag's reason in words a centre reads: the rule, its limit for this pollutant, and whether the
 * value still counts in statistics (docs/standards.md §2.4: invalidating flags keep it out,
 * `constant_run` and `spike` only ask for review). Pure: the limits are passed in.
 */
export function qcFlagReason(flag: QcFlag, v: FlaggedValue, limits: QcLimits): string {
  const p = POLLUTANT_LABEL[v.pollutant];
  const unit = CANONICAL_UNIT[v.pollutant];
  const value = v.value === null ? 'null' : `${num(v.value)} ${unit}`;
  const counts = INVALIDATING_QC_FLAGS.has(flag)
    ? 'kept out of statistics'
    : 'flagged for review, still counted in statistics';
  switch (flag) {
    case 'missing':
      return `${p} has no value${v.missingReason ? ` (${v.missingReason})` : ''}; ${counts}`;
    case 'source_invalid':
      return `${p} ${value} is flagged invalid by its source${v.sourceFlag ? ` (flag ${v.sourceFlag})` : ''}; ${counts}`;
    case 'negative':
      return `${p} ${value} is negative: a concentration is at least 0 ${unit}; ${counts}`;
    case 'out_of_range':
      return `${p} ${value} is above the plausible maximum ${num(limits.maxPlausible[v.pollutant])} ${unit}; ${counts}`;
    case 'pm25_above_pm10': {
      const t = limits.pmTolerance;
      const rule = `by more than ${num(t.relative * 100)} % of PM10 plus ${num(t.absoluteUgM3)} µg/m³`;
      if (v.pmPair) {
        const { pm25, pm10 } = v.pmPair;
        const most = `(at most ${num(pm10 * (1 + t.relative) + t.absoluteUgM3)} µg/m³)`;
        return v.pollutant === 'pm25'
          ? `PM2.5 ${value} is above the same hour's PM10 ${num(pm10)} µg/m³ ${rule} ${most}; ${counts}`
          : `the same hour's PM2.5 ${num(pm25)} µg/m³ is above PM10 ${value} ${rule} ${most}; ${counts}`;
      }
      return v.pollutant === 'pm25'
        ? `PM2.5 ${value} is above the same hour's PM10 ${rule}; ${counts}`
        : `the same hour's PM2.5 is above PM10 ${value} ${rule}; ${counts}`;
    }
    case 'constant_run':
      return `${p} ${value} repeats one value for ${limits.constantRun.hours} consecutive hours at or above ${num(limits.constantRun.floor[v.pollutant])} ${unit} (a stuck instrument?); ${counts}`;
    case 'spike':
      return `${p} ${value} jumps above the median of the 3 hours before it by more than ${num(limits.spike.jump[v.pollutant])} ${unit} and more than ${num(limits.spike.ratio)} times; ${counts}`;
  }
}
