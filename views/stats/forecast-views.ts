import { cstDayOf, hourEndingDaysRange, InputError } from '../../kernel';
import {
  type ComplianceQuery,
  type ComplianceResponse,
  type ForecastQuery,
  type ForecastResponse,
  type TrendsQuery,
  type TrendsResponse,
  type SeriesPollutant,
  type SeriesQuery,
  type StationListVersion,
  type TargetRule,
} from '../../schemas';
import { seriesRows, type SeriesQueries } from './series';
import { baseYearValue, DEFAULT_TARGETS, relativeTargetValue, targetsFor } from './targets';
import { theilSenTrend } from './theil-sen';
import { forecastAnnualMean } from './year-forecast';

export interface ForecastDeps {
  series: SeriesQueries;
  versions: () => Promise<StationListVersion[]>;
  targets?: { file: readonly TargetRule[]; defaults: readonly TargetRule[] };
  /** `GET /v1/compliance` of an area and year: the published base of a relative target. */
  compliance: (q: ComplianceQuery) => Promise<ComplianceResponse>;
  now?: () => number;
}

/** An area's series at a resolution (valid values only; others null), from the area series. */
async function areaSeries(
  deps: ForecastDeps,
  q: {
    level: SeriesQuery['level'];
    id: string;
    pollutant: SeriesPollutant;
    resolution: 'day' | 'month';
    from: string;
    to: string;
    asOf?: string;
  },
): Promise<{ time: string; value: number | null }[]> {
  const { rows } = await seriesRows(
    deps.series,
    {
      level: q.level,
      ids: [q.id],
      pollutants: [q.pollutant],
      resolution: q.resolution,
      ...hourEndingDaysRange(q.from, q.to),
      asOf: q.asOf,
    },
    await deps.versions(),
  );
  return rows.map((r) => ({ time: r.time, value: r.valid ? r.value : null }));
}

/**
 * The PM2.5 annual-mean target of an area and year, resolved as `GET /v1/compliance` resolves it: a
 * relative target takes its base from the rule, else from the area's annual mean of the base year
 * as compliance publishes it (an integer, valid with 324 days), and is rounded by GB/T 8170
 * (`relativeTargetValue`, docs/standards.md §3.5).
 */
async function pm25Target(
  deps: ForecastDeps,
  level: ForecastQuery['level'],
  id: string,
  year: number,
  asOf: string | undefined,
): Promise<{ value: number | null; source: string }> {
  const rule = targetsFor(deps.targets ?? { file: [], defaults: DEFAULT_TARGETS }, level, id, year).get('pm25_annual');
  if (!rule) return { value: null, source: 'no PM2.5 annual target for this area and year' };
  if (!rule.relative) return { value: (rule.max ?? rule.min) as number, source: rule.source };
  const relative = rule.relative;
  const published =
    relative.baseline !== undefined
      ? undefined
      : baseYearValue(
          'pm25_annual',
          relative.baseYear,
          await deps.compliance({ level, id, year: relative.baseYear, asOf, status: 'all', rank: false }),
        );
  const { target, base } = relativeTargetValue('pm25_annual', relative, published);
  return {
    value: target,
    source: `${rule.source} (base ${relative.baseYear}: ${base ?? 'no valid year in the store'})`,
  };
}

/** `GET /v1/compliance/forecast`: the year's PM2.5 against its target, as it stood on `at`. */
export async function forecastView(deps: ForecastDeps, q: ForecastQuery): Promise<ForecastResponse> {
  const now = (deps.now ?? Date.now)();
  const yearEnd = `${q.year}-12-31`;
  const today = cstDayOf(now);
  const at = q.at ?? (today < yearEnd ? today : yearEnd);
  if (!at.startsWith(`${q.year}-`))
    throw new InputError('QUERY_UNPROCESSABLE', `at: ${at} is not in ${q.year}`, { field: 'at' });
  // Ten earlier years as history.
  const days = await areaSeries(deps, {
    level: q.level,
    id: q.id,
    pollutant: 'pm25',
    resolution: 'day',
    from: `${q.year - 10}-01-01`,
    to: at,
    asOf: q.asOf,
  });
  const target = await pm25Target(deps, q.level, q.id, q.year, q.asOf);
  if (target.value === null) throw new InputError('QUERY_UNPROCESSABLE', `target: ${target.source}`, { field: 'year' });
  const asDays = days.map((d) => ({ day: d.time, value: d.value }));
  const f = forecastAnnualMean({
    year: q.year,
    at,
    target: target.value,
    days: asDays.filter((d) => d.day.startsWith(`${q.year}-`)),
    history: asDays.filter((d) => d.day < `${q.year}-01-01`),
    level: q.interval,
  });
  return { level: q.level, id: q.id, year: q.year, at, target, ...f };
}

/** `GET /v1/trends`: the Theil–Sen trend of the area's monthly means. */
export async function trendsView(deps: ForecastDeps, q: TrendsQuery): Promise<TrendsResponse> {
  const from = q.from.slice(0, 10);
  const to = q.to.slice(0, 10);
  const monthly = (
    await areaSeries(deps, {
      level: q.level,
      id: q.id,
      pollutant: q.pollutant,
      resolution: 'month',
      from,
      to,
      asOf: q.asOf,
    })
  ).map((m) => ({ month: m.time.slice(0, 7), value: m.value }));
  const valid = monthly.filter((m) => m.value !== null).length;
  if (valid < 24)
    throw new InputError(
      'QUERY_UNPROCESSABLE',
      `from/to: ${valid} valid months (27 valid days, 25 in February); a trend needs at least 24`,
      { field: 'from', validMonths: valid },
    );
  const target =
    q.target ??
    (q.pollutant === 'pm25'
      ? ((await pm25Target(deps, q.level, q.id, Number(to.slice(0, 4)), q.asOf)).value ?? undefined)
      : undefined);
  const trend = theilSenTrend(monthly, { target });
  return {
    pollutant: q.pollutant,
    level: q.level,
    id: q.id,
    from,
    to,
    target: target ?? null,
    monthly,
    trend,
    method:
      'Theil–Sen slope of the deseasonalised monthly means (cycle from residuals around a first line); Sen interval with the Mann–Kendall variance corrected for lag-1 autocorrelation; percent of the fitted value at the start',
  };
}
