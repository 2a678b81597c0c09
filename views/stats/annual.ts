import { roundGbt8170 } from './aqi';
import { percentile } from './percentile';
import { gradeIIOn, VALIDITY, type Regime } from './standards';

/** The annual items of HJ 663-2013 (docs/standards.md §3.1): which percentile of which daily value. */
export const ANNUAL_ITEMS = {
  so2: { daily: 'so2', percentile: 98, hasMean: true },
  no2: { daily: 'no2', percentile: 98, hasMean: true },
  pm10: { daily: 'pm10', percentile: 95, hasMean: true },
  pm25: { daily: 'pm25', percentile: 95, hasMean: true },
  co: { daily: 'co', percentile: 95, hasMean: false },
  o3: { daily: 'o3_mda8', percentile: 90, hasMean: false },
} as const;
export type AnnualPollutant = keyof typeof ANNUAL_ITEMS;

export interface DailyValue {
  /** Natural day YYYY-MM-DD. */
  day: string;
  value: number;
}

export interface AnnualStatistic {
  pollutant: AnnualPollutant;
  year: number;
  regime: Regime;
  nValid: number;
  /** Valid days / days in the year. */
  capture: number;
  /** ≥ 324 valid daily values (GB 3095 Table 4). */
  meets324: boolean;
  /** Each month ≥ 27 valid days (≥ 25 in February); reported apart, as whether MEE applies it is unverified (§2.1). */
  meetsMonthly: boolean;
  shortMonths: { month: number; n: number; required: number }[];
  /** Annual mean, rounded as published (integers; CO has none). */
  mean: number | null;
  percentile: { p: number; value: number | null };
  /** Against the Grade II limits of the regime, on the rounded statistics; null when invalid. */
  complies: boolean | null;
  /** A province or region: the cities its statistic rests on ({@link meanOfCityStatistics}); null otherwise. */
  cityCoverage: CityCoverage | null;
  /**
   * The mean and percentile before rounding: an area averages these and rounds once, as GB/T 8170
   * forbids rounding a value in successive steps (docs/standards.md §3.3, §3.5).
   */
  exact: { mean: number | null; percentile: number | null };
}

/** Which of an area's cities a mean of city statistics rests on (docs/standards.md §3.3). */
export interface CityCoverage {
  /** Cities of the area on the list in force on some day of the year. */
  expected: number;
  /** Cities whose statistic is valid: the mean and percentile are over these alone. */
  valid: number;
  /** Cities with valid days, but too few for a valid statistic (GB 3095 Table 4). */
  invalid: string[];
  /** Cities with no valid day. */
  missing: string[];
  /** Every expected city valid: only then is the area's statistic valid and judged. */
  complete: boolean;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const round = (pollutant: AnnualPollutant, v: number | null): number | null =>
  v === null ? null : roundGbt8170(v, pollutant === 'co' ? 1 : 0);

/**
 * One pollutant's annual statistics from its valid daily values (docs/standards.md §2.1, §3.1, §3.2,
 * §3.5): the mean (where the standard has an annual limit), the HJ 663 percentile, validity by
 * the 324-day rule and — separately — the monthly rule, and compliance with Grade II on the
 * rounded values. The regime is the one in force at the year's end.
 */
export function annualStatistic(
  pollutant: AnnualPollutant,
  year: number,
  dailies: readonly DailyValue[],
  regime: Regime,
): AnnualStatistic {
  const item = ANNUAL_ITEMS[pollutant];
  const values = dailies.map((d) => d.value).sort((a, b) => a - b);
  const perMonth = Array.from({ length: 12 }, () => 0);
  for (const d of dailies) perMonth[Number(d.day.slice(5, 7)) - 1]!++;
  const shortMonths = perMonth.flatMap((n, i) => {
    const required = i === 1 ? VALIDITY.daysPerFebruary : VALIDITY.daysPerMonth;
    return n < required ? [{ month: i + 1, n, required }] : [];
  });
  const meets324 = values.length >= VALIDITY.daysPerYear;
  const exactMean = item.hasMean && values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
  const exactPercentile = values.length > 0 ? percentile(values, item.percentile) : null;
  const mean = round(pollutant, exactMean);
  const p = round(pollutant, exactPercentile);
  const complies = meets324 ? judgeAnnual(pollutant, mean, p, regime, year) : null;
  return {
    pollutant,
    year,
    regime,
    nValid: values.length,
    capture: values.length / (isLeap(year) ? 366 : 365),
    meets324,
    meetsMonthly: shortMonths.length === 0,
    shortMonths,
    mean,
    percentile: { p: item.percentile, value: p },
    complies,
    cityCoverage: null,
    exact: { mean: exactMean, percentile: exactPercentile },
  };
}

/**
 * The value of an annual statistic that may be judged — against a limit, a target or in the
 * composite index: the mean (or, without one, the percentile) when the statistic is valid, else
 * null. For a province or region valid means every city valid ({@link meanOfCityStatistics}), so
 * compliance and targets agree on what they judge.
 */
export function judgeableValue(s: AnnualStatistic | undefined, which: 'mean' | 'percentile'): number | null {
  if (!s?.meets324) return null;
  return which === 'mean' ? s.mean : s.percentile.value;
}

/**
 * §3.1: mean and percentile within the Grade II limits (CO and O3 by their percentile alone) in
 * force on the year's last day: a 2026-regime year from 2031 is judged on GB 3095-2026's final
 * limits, an earlier one on its transition limits (docs/standards.md §1.3).
 */
export function judgeAnnual(
  pollutant: AnnualPollutant,
  mean: number | null,
  percentileValue: number | null,
  regime: Regime,
  year: number,
): boolean | null {
  if (percentileValue === null) return null;
  const limits = gradeIIOn(regime, `${year}-12-31`);
  if (pollutant === 'co') return percentileValue <= limits.co.day;
  if (pollutant === 'o3') return percentileValue <= limits.o3.mda8;
  return mean !== null && mean <= limits[pollutant].annual && percentileValue <= limits[pollutant].day;
}

/**
 * An area's annual statistics from its cities' (docs/standards.md §3.3): the means over the cities
 * whose statistic is valid, rounded as published. The area's statistic is valid, and judged, only
 * when every city of the area is (`meets324`); otherwise `complies` is null, the mean stands as the
 * mean of the valid cities alone, and `cityCoverage` names the cities left out, invalid or missing.
 */
export function meanOfCityStatistics(
  cities: readonly { city: string; annual: readonly AnnualStatistic[] }[],
): AnnualStatistic[] {
  return (Object.keys(ANNUAL_ITEMS) as AnnualPollutant[]).map((p) => {
    const of = cities.map((c) => ({ city: c.city, s: c.annual.find((s) => s.pollutant === p) as AnnualStatistic }));
    const valid = of.filter((c) => c.s.meets324).map((c) => c.s);
    const avg = (xs: (number | null)[]): number | null => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    };
    const first = of[0]?.s;
    // The cities' unrounded statistics, averaged and rounded once (GB/T 8170: no rounding in steps).
    const exactMean = avg(valid.map((s) => s.exact.mean));
    const exactPercentile = avg(valid.map((s) => s.exact.percentile));
    const mean = round(p, exactMean);
    const pv = round(p, exactPercentile);
    const complete = of.length > 0 && valid.length === of.length;
    const regime = first?.regime ?? '2012';
    return {
      pollutant: p,
      year: first?.year ?? 0,
      regime,
      nValid: of.length ? Math.min(...of.map((c) => c.s.nValid)) : 0,
      capture: of.length ? Math.min(...of.map((c) => c.s.capture)) : 0,
      meets324: complete,
      meetsMonthly: of.length > 0 && of.every((c) => c.s.meetsMonthly),
      shortMonths: [],
      mean,
      percentile: { p: ANNUAL_ITEMS[p].percentile, value: pv },
      complies: complete ? judgeAnnual(p, mean, pv, regime, first?.year ?? 0) : null,
      cityCoverage: {
        expected: of.length,
        valid: valid.length,
        invalid: of.filter((c) => !c.s.meets324 && c.s.nValid > 0).map((c) => c.city),
        missing: of.filter((c) => c.s.nValid === 0).map((c) => c.city),
        complete,
      },
      exact: { mean: exactMean, percentile: exactPercentile },
    };
  });
}
