import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { roundGbt8170 } from './aqi';

export interface DailyValue {
  /** Natural day YYYY-MM-DD. */
  day: string;
  /** The day's valid mean; null for an invalid day. */
  value: number | null;
}

export interface ForecastInput {
  year: number;
  /** YYYY-MM-DD: only the days of `year` up to and including it are used (later ones are ignored even if given). */
  at: string;
  /** Annual-mean target (e.g. 35 µg/m³); met when the annual mean rounded to an integer by GB/T 8170 is at most it. */
  target: number;
  /** The area's daily values of `year`. */
  days: readonly DailyValue[];
  /** The same area's daily values of earlier years. */
  history: readonly DailyValue[];
  /** Central probability of the projection interval (default 0.8). */
  level?: number;
}

export type Verdict = 'met' | 'not met' | 'on track' | 'at risk' | 'off track' | 'unknown';

export interface Forecast {
  ytd: { mean: number | null; validDays: number; throughDay: string };
  /** Calendar days of the year after `at`. */
  remainingDays: number;
  budget: { maxMean: number | null; impossible: boolean; alreadyMet: boolean };
  projection: { mean: number; lower: number; upper: number; level: number; yearsUsed: number } | null;
  /** Chance that the rounded annual mean meets the target. */
  probability: number | null;
  verdict: Verdict;
  method: string;
}

/** Verdict thresholds on the chance of meeting the target: on track from 0.8, off track below 0.2, at risk between. */
export const ON_TRACK = 0.8;
export const OFF_TRACK = 0.2;
/** A ceiling no daily mean plausibly exceeds over months (µg/m³): the budget is "already met" when even this would do. */
export const PLAUSIBLE_MAX = 1000;
/** An earlier year is usable with ≥ 300 valid days and ≥ 60 % of the days valid on each side of the month-day. */
export const HISTORY_MIN_VALID_DAYS = 300;
export const HISTORY_MIN_SIDE_SHARE = 0.6;
/** The budget is stated to 0.01 µg/m³, rounded down so that the stated value itself still meets the target. */
const BUDGET_STEP = 0.01;

const DAY_MS = 86_400_000;

/** All natural days of a year, YYYY-MM-DD. */
function calendarDays(year: number): string[] {
  const start = Date.UTC(year, 0, 1);
  const n = (Date.UTC(year + 1, 0, 1) - start) / DAY_MS;
  return Array.from({ length: n }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const validOf = (ds: readonly DailyValue[]): number[] => ds.flatMap((d) => (d.value === null || !Number.isFinite(d.value) ? [] : [d.value]));

/**
 * GB/T 8170 compliance of an annual mean (STANDARDS.md §3.5): rounded half to even to an
 * integer, then compared with the target — so x.5 meets an even target x and fails an odd one.
 */
export const meetsTarget = (annualMean: number, target: number): boolean => roundGbt8170(annualMean, 0) <= target;

/**
 * The highest mean the r remaining days (all assumed valid) may average so that the annual mean
 * (S + r·m)/(n + r), rounded by GB/T 8170, still meets the target. The rounded mean is ≤ target
 * iff the mean is < target + 0.5, or exactly target + 0.5 with an even target; so the boundary is
 * m* = ((target + 0.5)·(n + r) − S)/r, attained only for an even target. maxMean is m* rounded
 * down to 0.01 µg/m³ and then checked (stepped down while `meetsTarget` fails), so that the
 * stated value itself meets: for an odd target with m* on the grid it is m* − 0.01. Impossible
 * when even m = 0 fails (maxMean null); alreadyMet when even m = PLAUSIBLE_MAX meets.
 */
export function remainingBudget(S: number, n: number, r: number, target: number): { boundary: number; maxMean: number | null; impossible: boolean; alreadyMet: boolean } {
  const annual = (m: number): number => (S + r * m) / (n + r);
  const boundary = ((target + 0.5) * (n + r) - S) / r;
  const impossible = !meetsTarget(annual(0), target);
  const alreadyMet = meetsTarget(annual(PLAUSIBLE_MAX), target);
  if (impossible) return { boundary, maxMean: null, impossible, alreadyMet };
  let cents = Math.floor(boundary / BUDGET_STEP + 1e-9);
  while (cents > 0 && !meetsTarget(annual(cents * BUDGET_STEP), target)) cents--;
  while (meetsTarget(annual((cents + 1) * BUDGET_STEP), target)) cents++;
  return { boundary, maxMean: roundGbt8170(cents * BUDGET_STEP, 2), impossible, alreadyMet };
}

/**
 * Log ratios ln(mean after / mean up to the month-day) of the usable earlier years: ≥ 300 valid
 * days, and ≥ 60 % of the calendar days valid both up to and after the month-day `md` (MM-DD).
 */
export function historyLogRatios(history: readonly DailyValue[], beforeYear: number, md: string): { year: number; logRatio: number }[] {
  const byYear = new Map<number, DailyValue[]>();
  for (const d of history) {
    const y = Number(d.day.slice(0, 4));
    if (y >= beforeYear) continue;
    const list = byYear.get(y);
    if (list) list.push(d);
    else byYear.set(y, [d]);
  }
  const out: { year: number; logRatio: number }[] = [];
  for (const [y, ds] of [...byYear].sort((a, b) => a[0] - b[0])) {
    const cut = `${y}-${md}`;
    const all = calendarDays(y);
    const nBefore = all.filter((d) => d <= cut).length;
    const nAfter = all.length - nBefore;
    const before = validOf(ds.filter((d) => d.day <= cut));
    const after = validOf(ds.filter((d) => d.day > cut));
    if (before.length + after.length < HISTORY_MIN_VALID_DAYS) continue;
    if (before.length === 0 || after.length === 0) continue;
    if (before.length < HISTORY_MIN_SIDE_SHARE * nBefore || after.length < HISTORY_MIN_SIDE_SHARE * nAfter) continue;
    const mb = mean(before);
    const ma = mean(after);
    if (mb > 0 && ma > 0) out.push({ year: y, logRatio: Math.log(ma / mb) });
  }
  return out;
}

/**
 * Whether an area's annual mean (PM2.5) will meet its target, asked on day `at`.
 * - Year to date: S, n = sum and count of the valid days of `year` up to `at`; r = calendar
 *   days left.
 * - Year complete (`at` ≥ 31 December): met / not met on the annual mean of the valid days
 *   rounded by GB/T 8170; probability 1 or 0. (The 324-day validity rule is annual.ts's business.)
 * - Budget: see `remainingBudget` (all remaining days assumed valid).
 * - Projection: for each usable earlier year k (`historyLogRatios`), L_k = ln(rest-of-year mean /
 *   mean up to the same month-day). With K ≥ 2 years, mean μ and standard deviation s of the L_k,
 *   this year's ln ratio is predicted as μ + s·√(1 + 1/K)·T with T Student-t on K − 1 degrees of
 *   freedom (the prediction interval of a new draw from the same normal). The rest-of-year mean is
 *   ytd·e^L and the annual mean (S + r·ytd·e^L)/(n + r); the point is at L = μ (the mean of logs,
 *   i.e. the geometric mean of the ratios, which is also the median of this distribution); the
 *   interval is at the central `level` quantiles of T; probability = P(rest mean < m*) with m* the
 *   exact budget boundary, i.e. P(rounded annual ≤ target). Fewer than two usable years: no
 *   projection and no probability.
 * - Verdict: off track when impossible; on track when already met (even PLAUSIBLE_MAX would do);
 *   else by probability — on track ≥ 0.8, at risk ≥ 0.2, off track < 0.2; unknown without one.
 */
export function forecastAnnualMean(input: ForecastInput): Forecast {
  const level = input.level ?? 0.8;
  const { year, target } = input;
  const yearStart = `${year}-01-01`;
  const yearEnd = `${year}-12-31`;
  const throughDay = input.at < yearEnd ? input.at : yearEnd;
  const so = validOf(input.days.filter((d) => d.day >= yearStart && d.day <= throughDay));
  const n = so.length;
  const S = so.reduce((a, b) => a + b, 0);
  const ytdMean = n > 0 ? S / n : null;
  const remainingDays = calendarDays(year).filter((d) => d > throughDay).length;
  const ytd = { mean: ytdMean, validDays: n, throughDay };

  if (remainingDays === 0) {
    const met = ytdMean === null ? null : meetsTarget(ytdMean, target);
    return {
      ytd,
      remainingDays,
      budget: { maxMean: null, impossible: met === false, alreadyMet: met === true },
      projection: null,
      probability: met === null ? null : met ? 1 : 0,
      verdict: met === null ? 'unknown' : met ? 'met' : 'not met',
      method: `Year complete: the mean of ${n} valid days, rounded to an integer by GB/T 8170 (half to even), compared with the target ${target}.`,
    };
  }

  const budget = remainingBudget(S, n, remainingDays, target);
  const ratios = ytdMean !== null && ytdMean > 0 ? historyLogRatios(input.history, year, throughDay.slice(5)) : [];
  let projection: Forecast['projection'] = null;
  let probability: number | null = null;
  if (ratios.length >= 2 && ytdMean !== null) {
    const K = ratios.length;
    const logs = ratios.map((x) => x.logRatio);
    const mu = mean(logs);
    const s = Math.sqrt(logs.reduce((a, l) => a + (l - mu) ** 2, 0) / (K - 1));
    const spread = s * Math.sqrt(1 + 1 / K);
    const q = tQuantile((1 + level) / 2, K - 1);
    const annual = (logRatio: number): number => (S + remainingDays * ytdMean * Math.exp(logRatio)) / (n + remainingDays);
    projection = { mean: annual(mu), lower: annual(mu - q * spread), upper: annual(mu + q * spread), level, yearsUsed: K };
    if (budget.boundary <= 0) probability = 0;
    else {
      const z = Math.log(budget.boundary / ytdMean) - mu;
      probability = spread > 0 ? tCdf(z / spread, K - 1) : z > 0 ? 1 : 0;
    }
  }

  let verdict: Verdict;
  if (budget.impossible) verdict = 'off track';
  else if (budget.alreadyMet) verdict = 'on track';
  else if (probability === null) verdict = 'unknown';
  else verdict = probability >= ON_TRACK ? 'on track' : probability >= OFF_TRACK ? 'at risk' : 'off track';

  const method =
    projection === null
      ? `Budget only: the remaining ${remainingDays} days may average at most the stated mean for the GB/T 8170-rounded annual mean to meet ${target}; fewer than two usable earlier years, so no projection.`
      : `Rest of year projected as the year-to-date mean times the geometric-mean rest/to-date ratio of ${projection.yearsUsed} earlier years at the same day, with a ${Math.round(level * 100)} % log-t prediction interval (${projection.yearsUsed - 1} df) and the t probability that the GB/T 8170-rounded annual mean meets ${target}.`;
  return { ytd, remainingDays, budget: { maxMean: budget.maxMean, impossible: budget.impossible, alreadyMet: budget.alreadyMet }, projection, probability, verdict, method };
}
