import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { dayNumber } from '../../kernel';
import { roundGbt8170 } from './aqi';
import { VALIDITY } from './standards';

export interface DayValue {
  /** YYYY-MM-DD */
  day: string;
  value: number | null;
}

export interface ForecastInput {
  year: number;
  /** Use only the days of `year` up to and including this day. */
  at: string;
  /** The annual-mean target; met when the mean as published (GB/T 8170 to an integer) is at most it. */
  target: number;
  days: readonly DayValue[];
  /** The same area's daily values of other years (the view passes the earlier ones). */
  history: readonly DayValue[];
  /** Central probability of the projection interval (default 0.8). */
  level?: number;
}

export type Verdict = 'met' | 'not met' | 'on track' | 'at risk' | 'off track' | 'unknown';

export interface Forecast {
  ytd: { mean: number | null; validDays: number; throughDay: string };
  remainingDays: number;
  budget: { maxMean: number | null; impossible: boolean; validYearPossible: boolean; reason: string | null };
  projection: {
    mean: number;
    lower: number;
    upper: number;
    level: number;
    yearsUsed: number[];
    /** Fitted change of the log rest-of-year / year-to-date ratio per year. */
    trendPerYear: number;
  } | null;
  probability: number | null;
  verdict: Verdict;
  method: string;
}

const daysInYear = (y: number): number => ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365);
/** Verdict thresholds on the chance of meeting the target. */
export const ON_TRACK = 0.8;
export const OFF_TRACK = 0.2;
/** Earlier years needed for the trend fit (two parameters, so at least one degree of freedom). */
export const MIN_YEARS = 3;

export const FORECAST_METHOD =
  'budget: the highest rest-of-year mean for which the annual mean as published (GB/T 8170, integer) is at or below the target; ' +
  'projection: the log rest-of-year / year-to-date mean ratio of earlier years at the same calendar day, fitted with a linear trend over years ' +
  '(least squares), this year’s ratio predicted with the t prediction interval on k − 2 degrees of freedom (k years, at least 3); ' +
  'the chance of meeting the target is the t probability that the rest-of-year mean stays within the budget';

/**
 * The largest annual mean that still meets the target once published: the published value is the
 * mean rounded by GB/T 8170 to an integer (docs/standards.md §3.5), met when at most the target, so
 * the highest published value allowed is P = ⌊target⌋ and the mean must stay below P + 0.5, or
 * reach P + 0.5 exactly when P is even (half to even). A target of 28.5: P = 28, the mean may be
 * up to 28.5 inclusive.
 */
export const meanCeiling = (target: number): { value: number; inclusive: boolean } => {
  const p = Math.floor(target + 1e-9);
  return { value: p + 0.5, inclusive: p % 2 === 0 };
};

/**
 * Least squares r = a + b·(x − x̄) and the t prediction of r at x0: centre, the spread
 * s·√(1 + 1/k + (x0 − x̄)²/Sxx) and k − 2 degrees of freedom.
 */
export function trendPrediction(
  points: readonly { x: number; r: number }[],
  x0: number,
): { centre: number; spread: number; df: number; slope: number } {
  const k = points.length;
  const xbar = points.reduce((a, p) => a + p.x, 0) / k;
  const rbar = points.reduce((a, p) => a + p.r, 0) / k;
  const sxx = points.reduce((a, p) => a + (p.x - xbar) ** 2, 0);
  const slope = points.reduce((a, p) => a + (p.x - xbar) * (p.r - rbar), 0) / sxx;
  const sse = points.reduce((a, p) => a + (p.r - rbar - slope * (p.x - xbar)) ** 2, 0);
  const s = Math.sqrt(sse / (k - 2));
  return {
    centre: rbar + slope * (x0 - xbar),
    spread: s * Math.sqrt(1 + 1 / k + (x0 - xbar) ** 2 / sxx),
    df: k - 2,
    slope,
  };
}

/** log(rest-of-year mean / year-to-date mean) of each other year with ≥ 60 % of the days valid on both sides of the same calendar day. */
function ratiosOfOtherYears(history: readonly DayValue[], year: number, md: string): { x: number; r: number }[] {
  const byYear = new Map<number, number[][]>();
  for (const d of history) {
    const y = Number(d.day.slice(0, 4));
    if (d.value === null || y === year) continue;
    const sides = byYear.get(y) ?? [[], []];
    (d.day <= `${y}-${md}` ? sides[0] : sides[1])!.push(d.value);
    byYear.set(y, sides);
  }
  const out: { x: number; r: number }[] = [];
  for (const [y, [before = [], after = []]] of [...byYear].sort((a, b) => a[0] - b[0])) {
    const nBefore = dayNumber(`${y}-${md}`) - dayNumber(`${y}-01-01`) + 1;
    const nAfter = daysInYear(y) - nBefore;
    if (before.length === 0 || after.length === 0 || before.length < 0.6 * nBefore || after.length < 0.6 * nAfter)
      continue;
    const mb = before.reduce((a, v) => a + v, 0) / before.length;
    const ma = after.reduce((a, v) => a + v, 0) / after.length;
    if (mb > 0 && ma > 0) out.push({ x: y, r: Math.log(ma / mb) });
  }
  return out;
}

/**
 * Where an area stands against its annual-mean target on day `at`.
 * - Year to date: the mean of the valid days so far.
 * - Validity: an annual mean needs 324 valid days (GB 3095 Table 4, docs/standards.md §2.1); when the
 *   days so far and the days left cannot reach them, the year cannot be judged: no budget, the
 *   reason instead, verdict unknown.
 * - Budget: the highest mean the remaining days may average — all assumed valid — so that the
 *   annual mean, as published, still meets the target: m = (C·(n + r) − S)/r, with C the ceiling
 *   of `meanCeiling`, S and n the sum and count of valid days so far, r the days left; impossible
 *   when m < 0.
 * - Projection: each earlier year's log ratio of its rest-of-year mean to its year-to-date mean at
 *   the same calendar day, fitted with a linear trend over years — the multi-year decline changes
 *   the ratio, so years are not exchangeable — and this year's ratio predicted by the least-squares
 *   line with its t prediction interval (`trendPrediction`). The rest of the year is projected as
 *   ytd·exp(ratio); the chance of meeting the target is the t probability that the rest-of-year
 *   mean stays within the budget. Needs three such years.
 * - Verdict: met / not met once the year is over; else off track when impossible or the chance is
 *   below 0.2, at risk below 0.8, on track from 0.8; unknown without a projection.
 */
export function forecastAnnualMean(input: ForecastInput): Forecast {
  const level = input.level ?? 0.8;
  const yearEnd = `${input.year}-12-31`;
  const through = input.at < yearEnd ? input.at : yearEnd;
  const so = input.days
    .filter((d) => d.day.startsWith(`${input.year}-`) && d.day <= through && d.value !== null)
    .map((d) => d.value as number);
  const n = so.length;
  const S = so.reduce((a, v) => a + v, 0);
  const ytdMean = n > 0 ? S / n : null;
  const remainingDays = Math.max(0, dayNumber(yearEnd) - dayNumber(through));
  const ytd = { mean: ytdMean, validDays: n, throughDay: through };
  const method = FORECAST_METHOD;
  const points = ratiosOfOtherYears(input.history, input.year, through.slice(5));
  let projection: Forecast['projection'] = null;
  let predicted: ReturnType<typeof trendPrediction> | null = null;
  if (remainingDays > 0 && points.length >= MIN_YEARS && ytdMean !== null && ytdMean > 0) {
    predicted = trendPrediction(points, input.year);
    const tq = tQuantile((1 + level) / 2, predicted.df);
    const annual = (rest: number): number => (S + remainingDays * rest) / (n + remainingDays);
    projection = {
      mean: annual(ytdMean * Math.exp(predicted.centre)),
      lower: annual(ytdMean * Math.exp(predicted.centre - tq * predicted.spread)),
      upper: annual(ytdMean * Math.exp(predicted.centre + tq * predicted.spread)),
      level,
      yearsUsed: points.map((p) => p.x),
      trendPerYear: predicted.slope,
    };
  }
  const possible = n + remainingDays;
  if (possible < VALIDITY.daysPerYear) {
    const reason =
      remainingDays === 0
        ? `${n} valid days: an annual mean needs ${VALIDITY.daysPerYear} (GB 3095 Table 4), so the year cannot be judged against the target`
        : `at most ${possible} valid days (${n} so far, ${remainingDays} left): an annual mean needs ${VALIDITY.daysPerYear} (GB 3095 Table 4), so the year can no longer be judged against the target`;
    return {
      ytd,
      remainingDays,
      budget: { maxMean: null, impossible: false, validYearPossible: false, reason },
      projection,
      probability: null,
      verdict: 'unknown',
      method,
    };
  }
  if (remainingDays === 0) {
    const met = roundGbt8170(ytdMean as number, 0) <= input.target;
    return {
      ytd,
      remainingDays,
      budget: { maxMean: null, impossible: false, validYearPossible: true, reason: 'the year is over' },
      projection: null,
      probability: met ? 1 : 0,
      verdict: met ? 'met' : 'not met',
      method,
    };
  }
  const c = meanCeiling(input.target);
  const maxMean = (c.value * (n + remainingDays) - S) / remainingDays;
  const impossible = maxMean < 0 || (maxMean === 0 && !c.inclusive);
  let probability: number | null = null;
  if (predicted !== null && ytdMean !== null) {
    const z = Math.log(maxMean / ytdMean) - predicted.centre;
    probability = impossible ? 0 : predicted.spread > 0 ? tCdf(z / predicted.spread, predicted.df) : z >= 0 ? 1 : 0;
  }
  let verdict: Verdict;
  if (impossible) verdict = 'off track';
  else if (probability === null) verdict = 'unknown';
  else verdict = probability >= ON_TRACK ? 'on track' : probability >= OFF_TRACK ? 'at risk' : 'off track';
  return {
    ytd,
    remainingDays,
    budget: {
      maxMean: impossible ? null : maxMean,
      impossible,
      validYearPossible: true,
      reason: impossible ? 'even a rest of year at 0 µg/m³ would not meet the target' : null,
    },
    projection,
    probability,
    verdict,
    method,
  };
}
