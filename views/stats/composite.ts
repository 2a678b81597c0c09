import type { AnnualPollutant } from './annual';
import { roundGbt8170, type AqiResult } from './aqi';

/**
 * The composite index of the city ranking provisions (环办监测〔2018〕19号, docs/standards.md §3.4):
 * I_i = C_i / S_i over the six pollutants with equal weights, C the period statistic (means for
 * SO2, NO2, PM10, PM2.5; CO P95; O3 MDA8 P90) and S the Grade II limit it is compared with.
 * Published with two decimals; the pollutant with the largest I_i is the primary one.
 * (The 2026 weighting — PM2.5 × 3, NO2 × 2, O3 × 2 — is hearsay in docs/standards.md and not applied.)
 */
export const COMPOSITE_DIVISORS: Readonly<Record<AnnualPollutant, number>> = {
  so2: 60,
  no2: 40,
  pm10: 70,
  pm25: 35,
  co: 4,
  o3: 160,
};

export interface CompositeIndex {
  index: number | null;
  parts: Partial<Record<AnnualPollutant, number>>;
  primary: AnnualPollutant[];
  /** Pollutants without a statistic: the index is then not computed. */
  missing: AnnualPollutant[];
}

export function compositeIndex(statistics: Partial<Record<AnnualPollutant, number | null>>): CompositeIndex {
  const parts: Partial<Record<AnnualPollutant, number>> = {};
  const missing: AnnualPollutant[] = [];
  for (const p of Object.keys(COMPOSITE_DIVISORS) as AnnualPollutant[]) {
    const c = statistics[p];
    if (c === null || c === undefined) missing.push(p);
    else parts[p] = c / COMPOSITE_DIVISORS[p];
  }
  if (missing.length > 0) return { index: null, parts, primary: [], missing };
  const sum = Object.values(parts).reduce((a, b) => a + b, 0);
  const max = Math.max(...Object.values(parts));
  return {
    index: roundGbt8170(sum, 2),
    parts,
    primary: (Object.keys(parts) as AnnualPollutant[]).filter((p) => parts[p] === max),
    missing,
  };
}

/** What a day's daily AQI says for the day counts (from `dailyAqi`). */
export type DayAqi = Pick<AqiResult, 'aqi' | 'partial' | 'withheld'>;

/**
 * Excellent-or-good and heavy-pollution days (docs/standards.md §4.5) from the days' daily AQI. A day
 * counts when it has an AQI; `partialDays` of those stand on fewer indicators than the daily report
 * has, `withheldDays` had values but no AQI under HJ 633-2026 §5.3 (§4.7) and are not counted.
 */
export function dayCounts(days: readonly DayAqi[]): {
  valid: number;
  good: number;
  heavy: number;
  goodRatio: number | null;
  heavyRatio: number | null;
  partialDays: number;
  withheldDays: number;
} {
  const valid = days.filter((d): d is DayAqi & { aqi: number } => d.aqi !== null);
  const good = valid.filter((d) => d.aqi <= 100).length;
  const heavy = valid.filter((d) => d.aqi > 200).length;
  return {
    valid: valid.length,
    good,
    heavy,
    goodRatio: valid.length ? roundGbt8170((good / valid.length) * 100, 1) : null,
    heavyRatio: valid.length ? roundGbt8170((heavy / valid.length) * 100, 1) : null,
    partialDays: valid.filter((d) => d.partial).length,
    withheldDays: days.filter((d) => d.withheld).length,
  };
}
