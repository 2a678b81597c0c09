import { roundGbt8170 } from './aqi';
import { percentile } from './percentile';
import { GRADE_II, VALIDITY, type Regime } from './standards';

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
  const mean =
    item.hasMean && values.length > 0 ? round(pollutant, values.reduce((a, b) => a + b, 0) / values.length) : null;
  const p = round(pollutant, percentile(values, item.percentile));
  const complies = meets324 ? judgeAnnual(pollutant, mean, p, regime) : null;
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
  };
}

/** §3.1: mean and percentile within the Grade II limits (CO and O3 by their percentile alone). */
export function judgeAnnual(
  pollutant: AnnualPollutant,
  mean: number | null,
  percentileValue: number | null,
  regime: Regime,
): boolean | null {
  if (percentileValue === null) return null;
  const limits = GRADE_II[regime];
  if (pollutant === 'co') return percentileValue <= limits.co.day;
  if (pollutant === 'o3') return percentileValue <= limits.o3.mda8;
  return mean !== null && mean <= limits[pollutant].annual && percentileValue <= limits[pollutant].day;
}

/**
 * An area's annual statistics as the mean of its cities' (valid ones only), rounded as published
 * and judged again; valid when at least one city's statistic is.
 */
export function meanOfCityStatistics(cities: readonly AnnualStatistic[][]): AnnualStatistic[] {
  return (Object.keys(ANNUAL_ITEMS) as AnnualPollutant[]).map((p) => {
    const stats = cities.map((c) => c.find((s) => s.pollutant === p) as AnnualStatistic).filter((s) => s.meets324);
    const avg = (xs: (number | null)[]): number | null => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? roundGbt8170(v.reduce((a, b) => a + b, 0) / v.length, p === 'co' ? 1 : 0) : null;
    };
    const first = cities[0]?.find((s) => s.pollutant === p) as AnnualStatistic;
    const mean = avg(stats.map((s) => s.mean));
    const pv = avg(stats.map((s) => s.percentile.value));
    const complies = stats.length === 0 ? null : judgeAnnual(p, mean, pv, first.regime);
    return {
      ...first,
      nValid: Math.min(...cities.map((c) => (c.find((s) => s.pollutant === p) as AnnualStatistic).nValid)),
      capture: Math.min(...cities.map((c) => (c.find((s) => s.pollutant === p) as AnnualStatistic).capture)),
      meets324: stats.length === cities.length && cities.length > 0,
      meetsMonthly: cities.every((c) => (c.find((s) => s.pollutant === p) as AnnualStatistic).meetsMonthly),
      shortMonths: [],
      mean,
      percentile: { p: first.percentile.p, value: pv },
      complies,
    };
  });
}
