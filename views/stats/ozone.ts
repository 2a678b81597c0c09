import { addDays, hourEndingDaysRange, InputError } from '../../kernel';
import { type OzoneQuery, type OzoneResponse, type StationListVersion } from '../../schemas';
import { ANNUAL_ITEMS, annualStatistic, meanOfCityStatistics, type AnnualPollutant } from './annual';
import { roundGbt8170 } from './aqi';
import { stationsOfAreaDuring } from './areas';
import { percentile } from './percentile';
import { resolveSeries, seriesRows, type SeriesQueries, type SeriesRequest } from './series';
import { gradeIIOn, VALIDITY, regimeOfDay } from './standards';

/** A day's MDA8 (valid days only carry a value). */
export interface Mda8Day {
  day: string;
  value: number | null;
}

export interface OzoneDay {
  day: string;
  mda8: number | null;
  /** MDA8 as published (an integer, §3.5) above the Grade II 8-h limit of the day's regime (160 µg/m³ in both). */
  exceeds: boolean;
  /**
   * HJ 663 P90 of the valid MDA8 of the 365 days ending on this day, rounded as published; for a
   * province or region the mean of its cities' own P90 ({@link areaOzoneView}).
   */
  p90: number | null;
  /** Valid days in that window (a province or region: its cities' fewest); the P90 is an assessment value with ≥ 324 (GB 3095 Table 4). */
  n: number;
  valid: boolean;
  /** A province or region only: the P90 of its daily mean MDA8 series — not the assessment value. */
  p90OfAreaMeanSeries?: number | null;
}

export interface OzoneSeason {
  year: number;
  validDays: number;
  exceedanceDays: number;
  /** Mean of the valid MDA8 values, one decimal. */
  mean: number | null;
  /** HJ 663 P90 of the valid MDA8 values, rounded to an integer (a province or region: the mean of its cities'). */
  p90: number | null;
  /** A province or region only: the P90 of its daily mean MDA8 series — not the assessment value. */
  p90OfAreaMeanSeries?: number | null;
}

export interface OzoneYear extends OzoneSeason {
  /** ≥ 324 valid days: the P90 is the year's O3 assessment statistic. */
  valid: boolean;
  /** April–September (the warm season, when ozone forms). */
  warmSeason: OzoneSeason;
}

const limitOn = (day: string): number => gradeIIOn(regimeOfDay(day), day).o3.mda8;

/**
 * An exceedance day: the MDA8 as published — an integer µg/m³ rounded by GB/T 8170 (docs/standards.md
 * §3.5) — above the limit, so 160.4 and 160.5 (published 160) are not exceedances and 160.6 (161) is.
 */
const exceedsOn = (day: string, mda8: number | null): boolean => mda8 !== null && roundGbt8170(mda8, 0) > limitOn(day);

/** The HJ 663 P90 of some values, rounded to an integer as published (§3.2, §3.5). */
function p90Of(values: readonly number[]): number | null {
  const p = percentile(
    [...values].sort((a, b) => a - b),
    90,
  );
  return p === null ? null : roundGbt8170(p, 0);
}

function season(year: number, days: readonly Mda8Day[]): OzoneSeason {
  const values = days.flatMap((d) => (d.value === null ? [] : [d.value]));
  return {
    year,
    validDays: values.length,
    exceedanceDays: days.filter((d) => exceedsOn(d.day, d.value)).length,
    mean: values.length ? roundGbt8170(values.reduce((a, b) => a + b, 0) / values.length, 1) : null,
    p90: p90Of(values),
  };
}

/**
 * The rolling 365-day P90 of a daily series: for each day of [fromDay, toDay] the rounded HJ 663
 * P90 of the valid values of the 365 days ending on it, and how many there were. `byDay` should
 * start 364 days before `fromDay`.
 */
function rollingP90(
  byDay: ReadonlyMap<string, number | null>,
  fromDay: string,
  toDay: string,
): Map<string, { p90: number | null; n: number }> {
  const out = new Map<string, { p90: number | null; n: number }>();
  // A sorted window of the valid values of the last 365 days, kept by insertion and removal.
  const window: number[] = [];
  const insert = (v: number): void => {
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((window[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    window.splice(lo, 0, v);
  };
  const remove = (v: number): void => {
    const i = window.indexOf(v);
    if (i >= 0) window.splice(i, 1);
  };
  const start = addDays(fromDay, -364);
  for (let d = start; d <= toDay; d = addDays(d, 1)) {
    const v = byDay.get(d) ?? null;
    if (v !== null) insert(v);
    const leaving = byDay.get(addDays(d, -365)) ?? null;
    if (leaving !== null && d > fromDay) remove(leaving);
    if (d < fromDay) continue;
    const p = percentile(window, 90);
    out.set(d, { p90: p === null ? null : roundGbt8170(p, 0), n: window.length });
  }
  return out;
}

/**
 * What an ozone dashboard plots, from an area's daily MDA8: the daily series with
 * exceedances; the rolling 365-day P90 (the annual assessment statistic of docs/standards.md §3.1 as
 * it would stand on each day, valid with ≥ 324 days); and per calendar year the P90, the
 * exceedance days and the warm-season (April–September) statistics. `mda8` should start 364 days
 * before `fromDay` so the first rolling values have their whole window.
 */
export function ozoneView(
  mda8: readonly Mda8Day[],
  fromDay: string,
  toDay: string,
): { days: OzoneDay[]; years: OzoneYear[] } {
  const byDay = new Map(mda8.map((d) => [d.day, d.value]));
  const rolling = rollingP90(byDay, fromDay, toDay);
  const days: OzoneDay[] = [...rolling].map(([d, r]) => {
    const v = byDay.get(d) ?? null;
    return { day: d, mda8: v, exceeds: exceedsOn(d, v), p90: r.p90, n: r.n, valid: r.n >= VALIDITY.daysPerYear };
  });
  const years: OzoneYear[] = [];
  for (let y = Number(fromDay.slice(0, 4)); y <= Number(toDay.slice(0, 4)); y++) {
    const inYear = mda8.filter((d) => d.day.startsWith(`${y}-`));
    const all = season(y, inYear);
    years.push({ ...all, valid: all.validDays >= VALIDITY.daysPerYear, warmSeason: season(y, warmOf(inYear)) });
  }
  return { days, years };
}

/** April–September, the warm season. */
const warmOf = <T extends { day: string }>(days: readonly T[]): T[] =>
  days.filter((d) => d.day.slice(5, 7) >= '04' && d.day.slice(5, 7) <= '09');

/** One city's daily MDA8 (valid days only carry a value). */
export interface CityMda8 {
  city: string;
  days: readonly Mda8Day[];
}

/** Rounded as compliance rounds an area's mean of city statistics (integers, §3.5); null without any. */
const meanOfCities = (values: readonly (number | null)[]): number | null => {
  const v = values.filter((x): x is number => x !== null);
  return v.length ? roundGbt8170(v.reduce((a, b) => a + b, 0) / v.length, 0) : null;
};

/**
 * The ozone view of a province or region (docs/standards.md §3.1, §3.3, §7.6). Its daily MDA8 is
 * the mean of its cities' (what `mda8`, the exceedances, the mean and the trend read); but its
 * assessment value is the **mean of its cities' own MDA8 P90** — each city's P90 from its own valid
 * days, valid with ≥ 324 of them, averaged over the valid cities and rounded — exactly as
 * `GET /v1/compliance` forms an area's O3 (`meanOfCityStatistics`, annual.ts). So are the rolling
 * P90 of each day (over the 365 days ending on it) and the warm-season P90 (over the cities with
 * warm-season days: there is no validity rule for a season). The P90 of the averaged series,
 * which smooths the cities' peaks and reads lower, stays beside it as `p90OfAreaMeanSeries`.
 * `citiesDuring(from, to)` names the area's cities on the lists in force in a span, as compliance
 * counts them; each city's days should start 364 days before `fromDay`.
 */
export function areaOzoneView(
  cities: readonly CityMda8[],
  citiesDuring: (fromDay: string, toDay: string) => readonly string[],
  fromDay: string,
  toDay: string,
): { days: OzoneDay[]; years: OzoneYear[] } {
  const sums = new Map<string, number[]>();
  for (const c of cities)
    for (const d of c.days) if (d.value !== null) sums.set(d.day, [...(sums.get(d.day) ?? []), d.value]);
  const areaMean = [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, vs]) => ({ day, value: vs.reduce((a, b) => a + b, 0) / vs.length }));
  const series = ozoneView(areaMean, fromDay, toDay);
  const byCity = new Map(cities.map((c) => [c.city, c.days]));
  const rolling = new Map(
    cities.map((c) => [c.city, rollingP90(new Map(c.days.map((d) => [d.day, d.value])), fromDay, toDay)]),
  );
  const days = series.days.map((d): OzoneDay => {
    const of = citiesDuring(addDays(d.day, -364), d.day).map((c) => rolling.get(c)?.get(d.day) ?? { p90: null, n: 0 });
    const valid = of.filter((r) => r.n >= VALIDITY.daysPerYear);
    return {
      ...d,
      p90: meanOfCities(valid.map((r) => r.p90)),
      n: of.length ? Math.min(...of.map((r) => r.n)) : 0,
      valid: of.length > 0 && valid.length === of.length,
      p90OfAreaMeanSeries: d.p90,
    };
  });
  const years = series.years.map((y): OzoneYear => {
    const names = citiesDuring(`${y.year}-01-01`, `${y.year}-12-31`);
    const inYear = (city: string): Mda8Day[] => (byCity.get(city) ?? []).filter((d) => d.day.startsWith(`${y.year}-`));
    // The same annual statistics and mean over cities as compliance's (the other pollutants empty).
    const regime = regimeOfDay(`${y.year}-12-31`);
    const o3 = meanOfCityStatistics(
      names.map((city) => {
        const dailies = inYear(city).flatMap((d) => (d.value === null ? [] : [{ day: d.day, value: d.value }]));
        return {
          city,
          annual: (Object.keys(ANNUAL_ITEMS) as AnnualPollutant[]).map((p) =>
            annualStatistic(p, y.year, p === 'o3' ? dailies : [], regime),
          ),
        };
      }),
    ).find((s) => s.pollutant === 'o3');
    const warm = names.map((city) => p90Of(warmOf(inYear(city)).flatMap((d) => (d.value === null ? [] : [d.value]))));
    return {
      ...y,
      validDays: o3?.nValid ?? 0,
      p90: o3?.percentile.value ?? null,
      valid: o3?.meets324 ?? false,
      p90OfAreaMeanSeries: y.p90,
      warmSeason: { ...y.warmSeason, p90: meanOfCities(warm), p90OfAreaMeanSeries: y.warmSeason.p90 },
    };
  });
  return { days, years };
}

/** What the ozone view reads: an area's daily MDA8 (the area series at day resolution). */
export interface OzoneDeps {
  series: SeriesQueries;
  versions: () => Promise<StationListVersion[]>;
  /** The trend of monthly values (`theilSenTrend`, theil-sen.ts); absent → no trend. */
  trend?: (monthly: { month: string; value: number | null }[]) => OzoneResponse['trend'];
}

/**
 * `GET /v1/ozone`: the area's daily MDA8 from the store, then {@link ozoneView} (a station or city)
 * or {@link areaOzoneView} (a province or region, from its cities' series), and the trend.
 */
export async function areaOzone(deps: OzoneDeps, q: OzoneQuery): Promise<OzoneResponse> {
  if (q.to < q.from)
    throw new InputError('QUERY_INVALID_RANGE', `the range is empty: from ${q.from} is after to ${q.to}`, {
      from: q.from,
      to: q.to,
    });
  const start = addDays(q.from, -364);
  const versions = await deps.versions();
  const request: SeriesRequest = {
    level: q.level,
    ids: [q.id],
    pollutants: ['o3_mda8'],
    resolution: 'day',
    ...hourEndingDaysRange(start, q.to),
    asOf: q.asOf,
    cityMda8: q.cityMda8,
  };
  const mda8Of = (rows: { time: string; valid: boolean; value: number | null }[]): Mda8Day[] =>
    rows.map((r) => ({ day: r.time, value: r.valid ? r.value : null }));
  let view: { days: OzoneDay[]; years: OzoneYear[] };
  if (q.level === 'station' || q.level === 'city') {
    view = ozoneView(mda8Of((await seriesRows(deps.series, request, versions)).rows), q.from, q.to);
  } else {
    resolveSeries(request, versions); // an unknown area is refused as by every series
    const level = q.level;
    const citiesDuring = (from: string, to: string): string[] => [
      ...new Set(stationsOfAreaDuring(versions, level, q.id, from, to).map((s) => s.city)),
    ];
    const ids = citiesDuring(start, q.to);
    const { rows } = await seriesRows(deps.series, { ...request, level: 'city', ids }, versions);
    const cities = ids.map((city) => ({ city, days: mda8Of(rows.filter((r) => r.id === city)) }));
    view = areaOzoneView(cities, citiesDuring, q.from, q.to);
  }
  // Monthly mean MDA8 over the asked range, valid months only (27 days, 25 in February).
  const months = new Map<string, number[]>();
  for (const d of view.days) {
    if (d.mda8 === null) continue;
    const m = d.day.slice(0, 7);
    months.set(m, [...(months.get(m) ?? []), d.mda8]);
  }
  const monthly = [...months].map(([month, vs]) => ({
    month,
    value:
      vs.length >= (month.endsWith('-02') ? VALIDITY.daysPerFebruary : VALIDITY.daysPerMonth)
        ? vs.reduce((a, b) => a + b, 0) / vs.length
        : null,
  }));
  let trend: OzoneResponse['trend'] = null;
  if (deps.trend && monthly.filter((m) => m.value !== null).length >= 24) trend = deps.trend(monthly);
  return {
    level: q.level,
    id: q.id,
    from: q.from,
    to: q.to,
    limit: limitOn(q.to),
    days: view.days,
    years: view.years,
    trend,
  };
}
