import { ols } from './ols';

export interface TransportPair {
  from: string;
  to: string;
  /** Lag (hours) with the strongest positive effect, when significant; else null. */
  lagHours: number | null;
  /** At the best lag: the coefficient of the source's anomaly in the receiver's (log units: elasticity). */
  effect: number;
  /** Its t statistic and two-sided p-value (normal), and whether it passes alpha / (lags × pairs tried) (Bonferroni). */
  t: number;
  pValue: number;
  significant: boolean;
  /** t at every lag tried, for a plot. */
  profile: { lag: number; t: number }[];
  /**
   * Hours the pair's regressions rest on: each lag's regression uses only the hours where every term
   * is present (pairwise-complete hours); this is the fewest over the lags tried.
   */
  hoursUsed: number;
}

export interface TransportResult {
  pairs: TransportPair[];
  hours: number;
  /** Hours with a value the analysis can use (positive, for the log) in each area's series. */
  hoursWithData: Record<string, number>;
  maxLag: number;
  alpha: number;
  method: string;
}

const HOURS_PER_DAY = 24;

/** Standard normal upper tail (Zelen & Severo / Abramowitz–Stegun 26.2.17, |error| < 7.5e-8). */
function normalTail(z: number): number {
  const x = Math.abs(z);
  const t = 1 / (1 + 0.2316419 * x);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * poly;
  return z >= 0 ? tail : 1 - tail;
}

/**
 * Anomalies of log concentration: the log of each hour minus that area's mean for the hour of day
 * (the diurnal cycle every area shares would otherwise look like transport). Missing hours stay NaN.
 */
function anomalies(values: readonly (number | null)[], firstLabel: number): number[] {
  const logs = values.map((v) => (v === null || !(v > 0) ? NaN : Math.log(v)));
  const sums = new Array<number>(HOURS_PER_DAY).fill(0);
  const counts = new Array<number>(HOURS_PER_DAY).fill(0);
  logs.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    const h = (firstLabel + i) % HOURS_PER_DAY;
    sums[h]! += v;
    counts[h]! += 1;
  });
  return logs.map((v, i) => {
    const h = (firstLabel + i) % HOURS_PER_DAY;
    return Number.isNaN(v) || counts[h] === 0 ? NaN : v - (sums[h] as number) / (counts[h] as number);
  });
}

/** Innovations of an AR(order) model fitted by OLS (prewhitening); NaN where any input is missing. */
function innovations(x: readonly number[], order: number): number[] {
  const rows: number[][] = [];
  const y: number[] = [];
  const at: number[] = [];
  for (let t = order; t < x.length; t++) {
    const row = [1];
    for (let k = 1; k <= order; k++) row.push(x[t - k] as number);
    if (Number.isNaN(x[t] as number) || row.some((v) => Number.isNaN(v))) continue;
    rows.push(row);
    y.push(x[t] as number);
    at.push(t);
  }
  const out = new Array<number>(x.length).fill(NaN);
  const fit = ols(rows, y);
  if (!fit) return out;
  rows.forEach((row, i) => {
    out[at[i] as number] = (y[i] as number) - row.reduce((s, v, j) => s + v * (fit.beta[j] as number), 0);
  });
  return out;
}

const AR_ORDER = 4;
/** The usual rule of thumb for a regression: at least 10 observations per estimated parameter. */
const HOURS_PER_PARAMETER = 10;

/**
 * Parameters of the lagged regression for `areas` areas and lags 1…`maxLag`: the intercept, the
 * source's innovation at t, the other areas' at t and t − 1, and the source's at each lag tried (the
 * best lag is chosen among `maxLag` coefficients estimated from the same hours, so each counts).
 */
export const transportParameters = (areas: number, maxLag: number): number => 2 + 2 * Math.max(0, areas - 2) + maxLag;

/** The fewest hours a pair's regressions may rest on: 10 per parameter (4 provinces, 24 lags: 300 h). */
export const transportMinHours = (areas: number, maxLag: number): number =>
  HOURS_PER_PARAMETER * transportParameters(areas, maxLag);

/** Hours with a value the log anomalies can use (present and positive). */
export const hoursWithData = (values: readonly (number | null)[]): number =>
  values.filter((v) => v !== null && v > 0).length;

/**
 * Province-to-province (or city-to-city) influence from lagged relationships between hourly
 * series, by prewhitened cross-correlation (Box–Jenkins): each area's log anomaly
 * series (hour-of-day means removed, so the shared daily cycle is not mistaken for transport) is
 * reduced to the innovations of its own AR(4) model — which controls the receiver's persistence
 * and leaves the weather every area shares only at lag 0 — and for each ordered pair A → B the
 * correlation of B's innovations with A's `lag` hours earlier is taken for lag = 1…maxLag. The
 * common shock is then partialled out — B's innovation is regressed on the other areas' innovations
 * at t and t − 1 and A's at t — before A's innovation `lag` hours earlier is judged by its t
 * statistic. The best lag has the largest positive t; the pair is significant when the two-sided
 * p-value is below alpha divided by the lags and pairs tried (Bonferroni). The effect is that coefficient.
 */
export function transportMatrix(
  series: Readonly<Record<string, readonly (number | null)[]>>,
  opts: { firstLabel: number; maxLag?: number; alpha?: number },
): TransportResult {
  const maxLag = opts.maxLag ?? 24;
  const alpha = opts.alpha ?? 0.01;
  const names = Object.keys(series);
  const e = Object.fromEntries(
    names.map((n) => [n, innovations(anomalies(series[n] as readonly (number | null)[], opts.firstLabel), AR_ORDER)]),
  );
  const hours = Math.min(...names.map((n) => (series[n] as readonly unknown[]).length));
  const pairs: TransportPair[] = [];
  // Bonferroni over every pair and lag tried: the family of tests the matrix answers at once.
  const tests = names.length * (names.length - 1);
  for (const to of names) {
    for (const from of names) {
      if (from === to) continue;
      const others = names.filter((n) => n !== from && n !== to);
      const eb = e[to] as number[];
      const ea = e[from] as number[];
      const profile: { lag: number; t: number; slope: number }[] = [];
      let hoursUsed = Infinity;
      for (let lag = 1; lag <= maxLag; lag++) {
        // The common (weather) shock shows in every area's innovation at t, and what the AR filter
        // leaves of it at t − 1: the other areas' innovations at t and t − 1, and the source's at t,
        // take it out before the source's innovation `lag` hours earlier is judged.
        const rows: number[][] = [];
        const y: number[] = [];
        for (let t = maxLag + 1; t < hours; t++) {
          const row = [1, ea[t] as number];
          for (const o of others) row.push((e[o] as number[])[t] as number, (e[o] as number[])[t - 1] as number);
          row.push(ea[t - lag] as number);
          const yt = eb[t] as number;
          if (Number.isNaN(yt) || row.some((v) => Number.isNaN(v))) continue;
          rows.push(row);
          y.push(yt);
        }
        hoursUsed = Math.min(hoursUsed, rows.length);
        const fit = ols(rows, y);
        if (!fit) continue;
        const k = fit.beta.length - 1;
        profile.push({
          lag,
          t: (fit.beta[k] as number) / ((fit.se[k] as number) || Infinity),
          slope: fit.beta[k] as number,
        });
      }
      const best = profile.reduce<(typeof profile)[number] | undefined>(
        (m, p) => (m === undefined || p.t > m.t ? p : m),
        undefined,
      );
      const pValue = best ? 2 * normalTail(Math.abs(best.t)) : 1;
      const significant = best !== undefined && best.t > 0 && pValue < alpha / (maxLag * tests);
      pairs.push({
        from,
        to,
        lagHours: significant && best ? best.lag : null,
        effect: best?.slope ?? 0,
        t: best?.t ?? 0,
        pValue,
        significant,
        profile: profile.map(({ lag, t }) => ({ lag, t })),
        hoursUsed: Number.isFinite(hoursUsed) ? hoursUsed : 0,
      });
    }
  }
  return {
    pairs,
    hours,
    hoursWithData: Object.fromEntries(names.map((n) => [n, hoursWithData(series[n] as readonly (number | null)[])])),
    maxLag,
    alpha,
    method: `prewhitened lagged regression: log anomalies (hour-of-day means removed) → innovations of each area's AR(${AR_ORDER}) → the receiver's innovation on the source's at lag 1–${maxLag}, controlling for every area's innovation at t and the others' at t−1 (the shared weather); best lag by t; significant when p < alpha/(maxLag × pairs)`,
  };
}
