import { type ComplianceQuery, type ComplianceResponse, type StationListVersion, type TargetRule } from '../../schemas';
import {
  ANNUAL_ITEMS,
  annualStatistic,
  judgeAnnual,
  type AnnualPollutant,
  type AnnualStatistic,
  type DailyValue,
} from './annual';
import { dailyAqi, roundGbt8170 } from './aqi';
import { cityDays, stationsOfArea, type AreaDay } from './areas';
import { compositeIndex, dayCounts } from './composite';
import { regimeOfDay } from './standards';
import { DEFAULT_TARGETS, judgeTarget, targetsFor, type TargetVerdict } from './targets';
import type { DailyStatistic, StationDay, StatsQueries } from './stats-queries';
import { seriesRows, type SeriesQueries } from './series';

export interface ComplianceDeps {
  queries: StatsQueries;
  versions: () => Promise<StationListVersion[]>;
  /** Target rules: a TARGETS_FILE's and the defaults (targets.ts). */
  targets?: { file: readonly TargetRule[]; defaults: readonly TargetRule[] };
  /** Exceptional (dust) days per city recorded for the year: results then also come without them. */
  exceptionalDays?: (year: number) => Promise<{ city: string; day: string }[]>;
  /** The area series: lets ranks read every city's daily values (city means in SQL) instead of every station's. */
  series?: SeriesQueries;
}

/** The version in force on a day: the latest valid from that day or earlier, else the earliest. */
export function versionOn(versions: readonly StationListVersion[], day: string): StationListVersion | undefined {
  const sorted = [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  return sorted.filter((v) => v.validFrom <= day).at(-1) ?? sorted[0];
}

/**
 * `GET /v1/compliance` (on the station daily statistics): every annual statistic of
 * docs/standards.md §3.1 for a station, city, province or region and a year, from station daily
 * values in ClickHouse → city daily means (list in force per day, control sites out) → the area's
 * daily series (a province or region averages its cities) → annual statistics, compliance,
 * composite index and good/heavy days (daily AQI from the area's daily concentrations).
 */
export async function areaCompliance(deps: ComplianceDeps, q: ComplianceQuery): Promise<ComplianceResponse> {
  const yearEnd = `${q.year}-12-31`;
  const regime = regimeOfDay(yearEnd);
  const targetsPending = startTargets(deps, q);
  const versions = await deps.versions();
  const byDay = new Map<string, StationListVersion | undefined>();
  const versionAt = (day: string): StationListVersion | undefined => {
    if (!byDay.has(day)) byDay.set(day, versionOn(versions, day));
    return byDay.get(day);
  };
  const inScope = stationsOfArea(versionAt(yearEnd)?.stations ?? [], q.level, q.id);
  const cityNames = new Set(inScope.map((s) => s.city));
  const stationDays =
    inScope.length === 0
      ? []
      : await deps.queries.stationDaily({
          stations: inScope.map((s) => s.code),
          fromDay: `${q.year}-01-01`,
          toDay: yearEnd,
          asOfMs: q.asOf === undefined ? undefined : Date.parse(q.asOf),
          auditedOnly: q.status === 'audited',
        });
  const seriesOf = (days: readonly AreaDay[], statistic: DailyStatistic): DailyValue[] =>
    days.filter((a) => a.statistic === statistic).map((a) => ({ day: a.day, value: a.value }));
  const annualOf = (days: readonly AreaDay[]): AnnualStatistic[] =>
    (Object.keys(ANNUAL_ITEMS) as AnnualPollutant[]).map((p) =>
      annualStatistic(p, q.year, seriesOf(days, ANNUAL_ITEMS[p].daily), regime),
    );
  const aqisOf = (days: readonly AreaDay[]): (number | null)[] => {
    const perDay = new Map<string, Record<string, number>>();
    for (const a of days) perDay.set(a.day, { ...perDay.get(a.day), [a.statistic]: a.value });
    return [...perDay].map(
      ([day, v]) =>
        dailyAqi(regimeOfDay(day), {
          so2: v.so2,
          no2: v.no2,
          co: v.co,
          pm10: v.pm10,
          pm25: v.pm25,
          o3_1h: v.o3_1h_max,
          o3_8h: v.o3_mda8,
        }).aqi,
    );
  };

  const stationCity = new Map(inScope.map((st) => [st.code, st.city]));
  const exceptional = deps.exceptionalDays ? await deps.exceptionalDays(q.year) : [];
  const excluded = new Set(exceptional.filter((e) => cityNames.has(e.city)).map((e) => `${e.city}|${e.day}`));
  /**
   * The statistics of the area's days, without the days `drop` says (docs/standards.md §3.6: dust days
   * leave the PM2.5 and PM10 concentrations, the composite index and — in the second reporting —
   * the day ratios).
   */
  const summarise = (
    drop: (city: string, day: string) => boolean,
  ): { pollutants: AnnualStatistic[]; days: ComplianceResponse['days'] } => {
    const concentrations = (days: readonly AreaDay[], cityOf: (a: AreaDay) => string): AreaDay[] =>
      days.filter((a) => !((a.statistic === 'pm25' || a.statistic === 'pm10') && drop(cityOf(a), a.day)));
    const ratioDays = (days: readonly AreaDay[], cityOf: (a: AreaDay) => string): AreaDay[] =>
      days.filter((a) => !drop(cityOf(a), a.day));
    if (q.level === 'station' || q.level === 'city') {
      const area: AreaDay[] =
        q.level === 'station'
          ? stationDays.flatMap((d) =>
              d.valid && d.value !== null
                ? [{ area: d.station, day: d.day, statistic: d.statistic, value: d.value, n: 1 }]
                : [],
            )
          : cityDays(stationDays, versionAt).filter((c) => c.area === q.id);
      const cityOf = (a: AreaDay): string => (q.level === 'station' ? (stationCity.get(a.area) ?? '') : a.area);
      return { pollutants: annualOf(concentrations(area, cityOf)), days: dayCounts(aqisOf(ratioDays(area, cityOf))) };
    }
    // A province or region is the arithmetic mean of its cities' statistics (docs/standards.md §3.3:
    // e.g. its O3 is the mean of the cities' MDA8 P90), and its good-day ratio the mean of theirs.
    const cities = cityDays(stationDays, versionAt).filter((c) => cityNames.has(c.area));
    const perCity = [...cityNames].map((city) => {
      const mine = cities.filter((c) => c.area === city);
      return {
        annual: annualOf(concentrations(mine, (a) => a.area)),
        days: dayCounts(aqisOf(ratioDays(mine, (a) => a.area))),
      };
    });
    const ratios = perCity.map((c) => c.days).filter((d) => d.valid > 0);
    const avg = (xs: number[]): number | null =>
      xs.length ? roundGbt8170(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : null;
    return {
      pollutants: meanOfCityStatistics(perCity.map((c) => c.annual)),
      days: {
        valid: ratios.reduce((n, d) => n + d.valid, 0),
        good: ratios.reduce((n, d) => n + d.good, 0),
        heavy: ratios.reduce((n, d) => n + d.heavy, 0),
        goodRatio: avg(ratios.map((d) => d.goodRatio as number)),
        heavyRatio: avg(ratios.map((d) => d.heavyRatio as number)),
      },
    };
  };
  const { pollutants, days } = summarise(() => false);
  const compositeOf = (stats: readonly AnnualStatistic[]) =>
    compositeIndex(
      Object.fromEntries(stats.map((s) => [s.pollutant, s.meets324 ? (s.mean ?? s.percentile.value) : null])),
    );
  let excludingExceptional: ComplianceResponse['excludingExceptional'] = null;
  if (excluded.size > 0) {
    const other = summarise((city, day) => excluded.has(`${city}|${day}`));
    const c = compositeOf(other.pollutants);
    const v = other.pollutants.map((st) => st.complies);
    excludingExceptional = {
      excludedCityDays: excluded.size,
      pollutants: other.pollutants
        .filter((st) => st.pollutant === 'pm25' || st.pollutant === 'pm10')
        .map(({ year: _y, regime: _r, ...rest }) => rest),
      complies: v.includes(null) ? null : v.every(Boolean),
      composite: { index: c.index, primary: c.primary, missing: c.missing },
      days: other.days,
    };
  }
  const composite = compositeOf(pollutants);
  const verdicts = pollutants.map((s) => s.complies);
  // What the answer rests on: the audited share of the hours behind the daily values.
  const hourly = stationDays.filter((d) => d.valid && d.statistic !== 'o3_mda8');
  const hours = hourly.reduce((n, d) => n + d.nValid, 0);
  const targets = await targetsPending.judge(pollutants, days);
  const rank = q.rank ? await rankAmongPeers(deps, q, versionAt, composite.index, annualOf) : null;
  const regimeParts = partsOfRegimes(q, stationDays, versionAt, cityNames);
  return {
    level: q.level,
    id: q.id,
    year: q.year,
    regime,
    targets,
    stations: inScope.length,
    cities: cityNames.size,
    pollutants: pollutants.map(({ year: _y, regime: _r, ...rest }) => rest),
    complies: verdicts.includes(null) ? null : verdicts.every(Boolean),
    composite: { index: composite.index, primary: composite.primary, missing: composite.missing },
    days,
    rank,
    regimeParts,
    excludingExceptional,
    status: q.status,
    auditedShare: hours > 0 ? hourly.reduce((n, d) => n + d.nAudited, 0) / hours : null,
    method:
      q.level === 'station'
        ? 'station daily values'
        : 'city daily value = mean of its stations valid that day (list in force per day, control sites excluded); ' +
          (q.level === 'city'
            ? 'annual statistics of the city series'
            : 'each statistic = mean of the cities’ statistics; good-day ratio = mean of the cities’ ratios'),
  };
}

/**
 * An area's annual statistics as the mean of its cities' (valid ones only), rounded as published
 * and judged again; valid when at least one city's statistic is.
 */
function meanOfCityStatistics(cities: readonly AnnualStatistic[][]): AnnualStatistic[] {
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

type TargetIndicator = TargetRule['indicator'];

function indicatorValue(
  indicator: TargetIndicator,
  stats: readonly AnnualStatistic[],
  d: ComplianceResponse['days'],
): number | null {
  const by = (p: string): AnnualStatistic | undefined => stats.find((s) => s.pollutant === p);
  switch (indicator) {
    case 'pm25_annual':
      return by('pm25')?.meets324 ? (by('pm25')?.mean ?? null) : null;
    case 'o3_p90':
      return by('o3')?.meets324 ? (by('o3')?.percentile.value ?? null) : null;
    case 'good_day_ratio':
      return d.goodRatio;
    case 'heavy_day_ratio':
      return d.heavyRatio;
  }
}

/**
 * The area's targets for the year, each judged on the year's official statistics:
 * PM2.5 annual mean and O3 P90 only when valid (324 days), the day ratios as computed. A relative
 * target (e.g. −10 % vs 2020) takes its base from the area's own statistic that year unless the
 * rule gives one. Returns at once: the base years are computed meanwhile (they do not depend on
 * this year's statistics), and `judge` gives the verdicts once this year's are known.
 */
function startTargets(
  deps: ComplianceDeps,
  q: ComplianceQuery,
): { judge(pollutants: AnnualStatistic[], days: ComplianceResponse['days']): Promise<TargetVerdict[]> } {
  const rules = [
    ...targetsFor(deps.targets ?? { file: [], defaults: DEFAULT_TARGETS }, q.level, q.id, q.year).values(),
  ];
  // One computation per base year, however many rules refer to it.
  const years = new Map<number, Promise<ComplianceResponse>>();
  const yearOf = (year: number): Promise<ComplianceResponse> => {
    let then = years.get(year);
    if (!then)
      years.set(
        year,
        (then = areaCompliance({ ...deps, targets: { file: [], defaults: [] } }, { ...q, year, rank: false })),
      );
    return then;
  };
  const bases = rules.map(async (rule): Promise<number | null | undefined> => {
    if (!rule.relative || rule.relative.baseline !== undefined) return undefined;
    const baseYear = rule.relative.baseYear;
    const then = await yearOf(baseYear);
    return indicatorValue(
      rule.indicator,
      then.pollutants.map((p) => ({ ...p, year: baseYear, regime: then.regime })),
      then.days,
    );
  });
  // A failure surfaces when judged; until then it must not count as unhandled.
  for (const b of bases) b.catch(() => undefined);
  return {
    async judge(pollutants, days) {
      const values = await Promise.all(bases);
      return rules.map((rule, i) => judgeTarget(rule, indicatorValue(rule.indicator, pollutants, days), values[i]));
    },
  };
}

/**
 * The area's position among its peers by the composite index (lower is cleaner, as
 * MEE ranks): a station among its city's stations, a city among all the list's cities, a province
 * among the four. One station-daily query covers every peer.
 */
async function rankAmongPeers(
  deps: ComplianceDeps,
  q: ComplianceQuery,
  versionAt: (day: string) => StationListVersion | undefined,
  mine: number | null,
  annualOf: (days: readonly AreaDay[]) => AnnualStatistic[],
): Promise<ComplianceResponse['rank']> {
  if (q.level === 'region') return null;
  const yearEnd = `${q.year}-12-31`;
  const list = (versionAt(yearEnd)?.stations ?? []).filter((s) => !s.stopped);
  const self = stationsOfArea(list, q.level, q.id);
  const peerStations = q.level === 'station' ? list.filter((s) => s.city === self[0]?.city) : list;
  const stationDaysOf = () =>
    deps.queries.stationDaily({
      stations: peerStations.map((s) => s.code),
      fromDay: `${q.year}-01-01`,
      toDay: yearEnd,
      asOfMs: q.asOf === undefined ? undefined : Date.parse(q.asOf),
      auditedOnly: q.status === 'audited',
    });
  const indexOf = (stats: AnnualStatistic[]): number | null =>
    compositeIndex(
      Object.fromEntries(stats.map((s) => [s.pollutant, s.meets324 ? (s.mean ?? s.percentile.value) : null])),
    ).index;
  let indexes: number[];
  let peers: string;
  if (q.level === 'station') {
    const stationDays = await stationDaysOf();
    indexes = peerStations
      .map((st) =>
        indexOf(
          annualOf(
            stationDays.flatMap((d) =>
              d.station === st.code && d.valid && d.value !== null
                ? [{ area: d.station, day: d.day, statistic: d.statistic, value: d.value, n: 1 }]
                : [],
            ),
          ),
        ),
      )
      .filter((x): x is number => x !== null);
    peers = `the stations of ${self[0]?.city ?? ''}`;
  } else {
    const cityNames = [...new Set(list.map((s) => s.city))];
    const cities =
      deps.series && q.status !== 'audited'
        ? await cityDaysInSql(deps.series, await deps.versions(), cityNames, q)
        : cityDays(await stationDaysOf(), versionAt);
    const perCity = new Map(cityNames.map((c) => [c, annualOf(cities.filter((d) => d.area === c))]));
    if (q.level === 'city') {
      indexes = [...perCity.values()].map(indexOf).filter((x): x is number => x !== null);
      peers = `the ${cityNames.length} cities of the station list`;
    } else {
      const provinces = ['shanghai', 'jiangsu', 'zhejiang', 'anhui'];
      indexes = provinces
        .map((p) =>
          indexOf(
            meanOfCityStatistics(
              [...new Set(list.filter((s) => s.province === p).map((s) => s.city))].map((c) => perCity.get(c) ?? []),
            ),
          ),
        )
        .filter((x): x is number => x !== null);
      peers = 'the four provinces';
    }
  }
  return {
    by: 'composite index',
    position: mine === null ? null : 1 + indexes.filter((x) => x < mine).length,
    of: indexes.length,
    peers,
  };
}

/**
 * A year that straddles the change of regime (2026: GB 3095-2012 to 2026-02-28, GB 3095-2026 from
 * 2026-03-01) reported in parts, each under its own limits: the part's mean and percentile of the
 * area's daily values (a province or region: the mean of its cities'), judged indicatively since
 * a part cannot meet the 324-day rule.
 */
function partsOfRegimes(
  q: ComplianceQuery,
  stationDays: readonly StationDay[],
  versionAt: (day: string) => StationListVersion | undefined,
  cityNames: ReadonlySet<string>,
): ComplianceResponse['regimeParts'] {
  const changeover = '2026-03-01';
  if (`${q.year}-01-01` >= changeover || `${q.year}-12-31` < changeover) return null;
  const parts = [
    { from: `${q.year}-01-01`, to: '2026-02-28', regime: '2012' as const },
    { from: changeover, to: `${q.year}-12-31`, regime: '2026' as const },
  ];
  const areaDays: AreaDay[] =
    q.level === 'station'
      ? stationDays.flatMap((d) =>
          d.valid && d.value !== null
            ? [{ area: d.station, day: d.day, statistic: d.statistic, value: d.value, n: 1 }]
            : [],
        )
      : cityDays(stationDays, versionAt).filter((c) => cityNames.has(c.area));
  const groups = q.level === 'station' ? [...new Set(areaDays.map((d) => d.area))] : [...cityNames];
  return parts.map((part) => {
    const pollutants = (Object.keys(ANNUAL_ITEMS) as AnnualPollutant[]).map((p) => {
      const perGroup = groups.map((g) => {
        const days = areaDays
          .filter(
            (d) => d.area === g && d.day >= part.from && d.day <= part.to && d.statistic === ANNUAL_ITEMS[p].daily,
          )
          .map((d) => ({ day: d.day, value: d.value }));
        return annualStatistic(p, q.year, days, part.regime);
      });
      const withData = perGroup.filter((s) => s.nValid > 0);
      const avg = (xs: (number | null)[]): number | null => {
        const v = xs.filter((x): x is number => x !== null);
        return v.length ? roundGbt8170(v.reduce((a, b) => a + b, 0) / v.length, p === 'co' ? 1 : 0) : null;
      };
      const mean = avg(withData.map((s) => s.mean));
      const pv = avg(withData.map((s) => s.percentile.value));
      return {
        pollutant: p,
        nValid: perGroup.length ? Math.min(...perGroup.map((s) => s.nValid)) : 0,
        mean,
        percentile: { p: ANNUAL_ITEMS[p].percentile, value: pv },
        complies: withData.length ? judgeAnnual(p, mean, pv, part.regime) : null,
      };
    });
    return { ...part, pollutants };
  });
}

/**
 * Every city's daily values of the year from the series statement (city means formed in SQL):
 * ~41 × 7 × 365 rows instead of every station's, for ranks.
 */
async function cityDaysInSql(
  series: SeriesQueries,
  versions: StationListVersion[],
  cities: string[],
  q: ComplianceQuery,
): Promise<AreaDay[]> {
  const { rows } = await seriesRows(
    series,
    {
      level: 'city',
      ids: cities,
      pollutants: ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3', 'o3_mda8'],
      resolution: 'day',
      fromMs: Date.parse(`${q.year}-01-01T01:00:00+08:00`),
      toMs: Date.parse(`${q.year + 1}-01-01T01:00:00+08:00`),
      asOf: q.asOf,
    },
    versions,
  );
  return rows.flatMap((r) =>
    r.valid && r.value !== null
      ? [
          {
            area: r.id,
            day: r.time,
            statistic: (r.pollutant === 'o3' ? 'o3_1h_max' : r.pollutant) as DailyStatistic,
            value: r.value,
            n: r.nValid,
          },
        ]
      : [],
  );
}
