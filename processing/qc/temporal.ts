import type { Pollutant, QcFlag } from '../../schemas';

/**
 * A stuck instrument repeats one reading: `hours` identical consecutive values (this hour and the
 * ones before it). Below `floor` identical runs are ordinary — values are reported in whole
 * µg/m³ (CO in 0.1 mg/m³), so clean air repeats; on the real archive days of 2023-01-20…23 (about
 * 160 k values per pollutant) runs of six at or above these floors are 0.001–0.03 % of values,
 * against 5–14 % for SO2 and CO at any level.
 */
export const CONSTANT_RUN = {
  hours: 6,
  floor: { pm25: 30, pm10: 50, so2: 20, no2: 30, o3: 30, co: 2 } satisfies Record<Pollutant, number>,
} as const;

/**
 * A spike: the hour jumps above the median of the three hours before it by more than `jump` and by
 * more than `ratio` times. Real events do this too (the Spring Festival fireworks of 2023-01-21
 * give most of the 0.3 % of PM values flagged in the archive sample), so the flag asks for review
 * and does not invalidate.
 */
export const SPIKE = {
  jump: { pm25: 100, pm10: 150, so2: 100, no2: 100, o3: 100, co: 5 } satisfies Record<Pollutant, number>,
  ratio: 3,
} as const;

/** The value of a neighbouring hour of the same series, if known (undefined = not known). */
export type Neighbour = (hoursBefore: number) => number | null | undefined;

/**
 * Checks against neighbouring hours: constant runs and spikes. Only earlier hours are
 * used, as in real time the next one has not arrived; both flags are advisory (not in
 * INVALIDATING_QC_FLAGS): GB 3095 and HJ 663 define validity, and these mark values for audit.
 */
export function checkTemporal(pollutant: Pollutant, value: number | null, before: Neighbour): readonly QcFlag[] {
  if (value === null) return NONE;
  let constantRun = false;
  if (value >= CONSTANT_RUN.floor[pollutant]) {
    let run = 1;
    while (run < CONSTANT_RUN.hours && before(run) === value) run++;
    constantRun = run >= CONSTANT_RUN.hours;
  }
  let spike = false;
  const [b1, b2, b3] = [before(1), before(2), before(3)];
  if (typeof b1 === 'number' && typeof b2 === 'number' && typeof b3 === 'number') {
    const median = Math.max(Math.min(b1, b2), Math.min(Math.max(b1, b2), b3));
    spike = value - median > SPIKE.jump[pollutant] && value > SPIKE.ratio * median;
  }
  if (!constantRun && !spike) return NONE;
  const flags: QcFlag[] = [];
  if (constantRun) flags.push('constant_run');
  if (spike) flags.push('spike');
  return flags;
}

const NONE: readonly QcFlag[] = Object.freeze([]);
