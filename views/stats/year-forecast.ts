import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { dayNumber } from '../../kernel';
import { roundGbt8170 } from './aqi';

export interface DayValue {
  /** YYYY-MM-DD */
  day: string;
  value: number | null;
}

export interface ForecastInput {
  year: number;
  /** Use only the days of `year` up to and including this day. */
  at: string;
  /** The annual-mean target; met when the mean rounded to an integer (GB/T 8170) is at most it. */
  target: number;
  days: readonly DayValue[];
  /** The same area's daily values of earlier years. */
  history: readonly DayValue[];
  /** Central probability of the projection interval (default 0.8). */
  level?: number;
}

export type Verdict = 'met' | 'not met' | 'on track' | 'at risk' | 'off track' | 'unknown';

export interface Forecast {
  ytd: { mean: number | null; validDays: number; throughDay: string };
  remainingDays: number;
  budget: { maxMean: number | null; impossible: boolean };
  projection: { mean: number; lower: number; upper: number; level: number; yearsUsed: number[] } | null;
  probability: number | null;
  verdict: Verdict;
  method: string;
}

const daysInYear = (y: number): number => ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365);
/** Verdict thresholds on the chance of meeting the target. */
export const ON_TRACK = 0.8;
export const OFF_TRACK = 0.2;

/**
 * The largest annual mean that still meets the target once rounded by GB/T 8170 (half to even):
 * below target + 0.5, or exactly target + 0.5 when the target is even.
 */
const ceiling = (target: number): { value: number; inclusive: boolean } => ({
  value: target + 0.5,
  inclusive: target % 2 === 0,
});

/**
 * Where an area stands against its annual-mean target on day `at`.
 * - Year to date: the mean of the valid days so far.
 * - Budget: the highest mean the remaining days may average — all assumed valid — so that the
 *   annual mean, rounded as published, still meets the target: m = (C·(n + r) − S)/r, with C the
 *   ceiling above, S and n the sum and count of valid days so far, r the days left; impossible
 *   when m < 0.
 * - Projection: in each earlier year with data on both sides of the same calendar day (≥ 60 % of
 *   the days before and after it valid), the ratio of the rest-of-year mean to the year-to-date
 *   mean; its logarithm over those years has mean μ and standard deviation s. This year's rest is
 *   projected as ytd·exp(μ); the interval is the prediction interval exp(μ ± t·s·√(1 + 1/k)) with
 *   k − 1 degrees of freedom (k years); the chance of meeting the target is the t probability
 *   that the rest-of-year mean stays within the budget. Needs two such years.
 * - Verdict: met / not met once the year is over; else off track when impossible or the chance is
 *   below 0.2, at risk below 0.8, on track from 0.8; unknown without a projection.
 */
export function forecastAnnualMean(input: ForecastInput): Forecast {
  const level = input.level ?? 0.8;
  const yearEnd = `${input.year}-12-31`;
  const through = input.at < yearEnd ? input.at : yearEnd;
  const so = input.days.filter((d) => d.day.startsWith(`${input.year}-`) && d.day <= through && d.value !== null) as {
    day: string;
    value: number;
  }[];
  const n = so.length;
  const S = so.reduce((a, d) => a + d.value, 0);
  const ytdMean = n > 0 ? S / n : null;
  const remainingDays = Math.max(0, dayNumber(yearEnd) - dayNumber(through));
  const c = ceiling(input.target);
  const method =
    'budget from the GB/T 8170 rounding ceiling; projection from earlier years’ rest-of-year / year-to-date ratios (log-t prediction interval)';
  if (remainingDays === 0) {
    const annual = ytdMean === null ? null : roundGbt8170(ytdMean, 0);
    return {
      ytd: { mean: ytdMean, validDays: n, throughDay: through },
      remainingDays,
      budget: { maxMean: null, impossible: false },
      projection: null,
      probability: annual === null ? null : annual <= input.target ? 1 : 0,
      verdict: annual === null ? 'unknown' : annual <= input.target ? 'met' : 'not met',
      method,
    };
  }
  const maxMean = (c.value * (n + remainingDays) - S) / remainingDays;
  const impossible = maxMean < 0 || (maxMean === 0 && !c.inclusive);
  // Earlier years: the rest-of-year / year-to-date ratio at the same calendar day.
  const md = through.slice(5);
  const byYear = new Map<number, { day: string; value: number }[]>();
  for (const d of input.history) {
    const y = Number(d.day.slice(0, 4));
    if (d.value === null || y >= input.year) continue;
    byYear.set(y, [...(byYear.get(y) ?? []), d as { day: string; value: number }]);
  }
  const logs: number[] = [];
  const used: number[] = [];
  for (const [y, vs] of [...byYear].sort((a, b) => a[0] - b[0])) {
    const cut = `${y}-${md}`;
    const before = vs.filter((d) => d.day <= cut);
    const after = vs.filter((d) => d.day > cut);
    const nBefore = dayNumber(cut) - dayNumber(`${y}-01-01`) + 1;
    const nAfter = daysInYear(y) - nBefore;
    if (before.length < 0.6 * nBefore || after.length < 0.6 * nAfter || before.length === 0 || after.length === 0)
      continue;
    const mb = before.reduce((a, d) => a + d.value, 0) / before.length;
    const ma = after.reduce((a, d) => a + d.value, 0) / after.length;
    if (mb > 0 && ma > 0) {
      logs.push(Math.log(ma / mb));
      used.push(y);
    }
  }
  let projection: Forecast['projection'] = null;
  let probability: number | null = null;
  if (logs.length >= 2 && ytdMean !== null && ytdMean > 0) {
    const k = logs.length;
    const mu = logs.reduce((a, b) => a + b, 0) / k;
    const s = Math.sqrt(logs.reduce((a, b) => a + (b - mu) ** 2, 0) / (k - 1));
    const spread = s * Math.sqrt(1 + 1 / k);
    const tq = tQuantile((1 + level) / 2, k - 1);
    const annual = (rest: number): number => (S + remainingDays * rest) / (n + remainingDays);
    projection = {
      mean: annual(ytdMean * Math.exp(mu)),
      lower: annual(ytdMean * Math.exp(mu - tq * spread)),
      upper: annual(ytdMean * Math.exp(mu + tq * spread)),
      level,
      yearsUsed: used,
    };
    probability = impossible
      ? 0
      : spread > 0
        ? tCdf((Math.log(maxMean / ytdMean) - mu) / spread, k - 1)
        : Math.log(maxMean / ytdMean) >= mu
          ? 1
          : 0;
  }
  let verdict: Verdict;
  if (impossible) verdict = 'off track';
  else if (probability === null) verdict = 'unknown';
  else verdict = probability >= ON_TRACK ? 'on track' : probability >= OFF_TRACK ? 'at risk' : 'off track';
  return {
    ytd: { mean: ytdMean, validDays: n, throughDay: through },
    remainingDays,
    budget: { maxMean: impossible ? null : maxMean, impossible },
    projection,
    probability,
    verdict,
    method,
  };
}
