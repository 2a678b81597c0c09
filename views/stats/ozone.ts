import { addDays, hourEndingDaysRange, InputError } from '../../kernel';
import { type OzoneQuery, type OzoneResponse, type StationListVersion } from '../../schemas';
import { roundGbt8170 } from './aqi';
import { percentile } from './percentile';
import { seriesRows, type SeriesQueries } from './series';
import { GRADE_II, VALIDITY, regimeOfDay } from './standards';

/** A day's MDA8 (valid days only carry a value). */
export interface Mda8Day {
  day: string;
  value: number | null;
}

export interface OzoneDay {
  day: string;
  mda8: number | null;
  /** MDA8 above the Grade II 8-h limit of the day's regime (160 µg/m³ in both). */
  exceeds: boolean;
  /** HJ 663 P90 of the valid MDA8 of the 365 days ending on this day, rounded as published. */
  p90: number | null;
  /** Valid days in that window; the P90 is an assessment value with ≥ 324 (GB 3095 Table 4). */
  n: number;
  valid: boolean;
}

export interface OzoneSeason {
  year: number;
  validDays: number;
  exceedanceDays: number;
  /** Mean of the valid MDA8 values, one decimal. */
  mean: number | null;
  /** HJ 663 P90 of the valid MDA8 values, rounded to an integer. */
  p90: number | null;
}

export interface OzoneYear extends OzoneSeason {
  /** ≥ 324 valid days: the P90 is the year's O3 assessment statistic. */
  valid: boolean;
  /** April–September (the warm season, when ozone forms). */
  warmSeason: OzoneSeason;
}

const limitOn = (day: string): number => GRADE_II[regimeOfDay(day)].o3.mda8;

function season(year: number, days: readonly Mda8Day[]): OzoneSeason {
  const values = days.flatMap((d) => (d.value === null ? [] : [d.value])).sort((a, b) => a - b);
  const p = percentile(values, 90);
  return {
    year,
    validDays: values.length,
    exceedanceDays: days.filter((d) => d.value !== null && d.value > limitOn(d.day)).length,
    mean: values.length ? roundGbt8170(values.reduce((a, b) => a + b, 0) / values.length, 1) : null,
    p90: p === null ? null : roundGbt8170(p, 0),
  };
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
  const days: OzoneDay[] = [];
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
    if (leaving !== null && d > addDays(start, 364)) remove(leaving);
    if (d < fromDay) continue;
    const p = percentile(window, 90);
    days.push({
      day: d,
      mda8: v,
      exceeds: v !== null && v > limitOn(d),
      p90: p === null ? null : roundGbt8170(p, 0),
      n: window.length,
      valid: window.length >= VALIDITY.daysPerYear,
    });
  }
  const years: OzoneYear[] = [];
  for (let y = Number(fromDay.slice(0, 4)); y <= Number(toDay.slice(0, 4)); y++) {
    const inYear = mda8.filter((d) => d.day.startsWith(`${y}-`));
    const warm = inYear.filter((d) => d.day.slice(5, 7) >= '04' && d.day.slice(5, 7) <= '09');
    const all = season(y, inYear);
    years.push({ ...all, valid: all.validDays >= VALIDITY.daysPerYear, warmSeason: season(y, warm) });
  }
  return { days, years };
}

/** What the ozone view reads: an area's daily MDA8 (the area series at day resolution). */
export interface OzoneDeps {
  series: SeriesQueries;
  versions: () => Promise<StationListVersion[]>;
  /** The trend of monthly values (`theilSenTrend`, theil-sen.ts); absent → no trend. */
  trend?: (monthly: { month: string; value: number | null }[]) => OzoneResponse['trend'];
}

/** `GET /v1/ozone`: the area's daily MDA8 from the store, then {@link ozoneView} and the trend. */
export async function areaOzone(deps: OzoneDeps, q: OzoneQuery): Promise<OzoneResponse> {
  if (q.to < q.from)
    throw new InputError('QUERY_INVALID_RANGE', `the range is empty: from ${q.from} is after to ${q.to}`, {
      from: q.from,
      to: q.to,
    });
  const start = addDays(q.from, -364);
  const { rows } = await seriesRows(
    deps.series,
    {
      level: q.level,
      ids: [q.id],
      pollutants: ['o3_mda8'],
      resolution: 'day',
      ...hourEndingDaysRange(start, q.to),
      asOf: q.asOf,
    },
    await deps.versions(),
  );
  const mda8 = rows.map((r) => ({ day: r.time, value: r.valid ? r.value : null }));
  const view = ozoneView(mda8, q.from, q.to);
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
    limit: GRADE_II[regimeOfDay(q.to)].o3.mda8,
    days: view.days,
    years: view.years,
    trend,
  };
}
