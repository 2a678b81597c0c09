import { type ComplianceQuery, type ComplianceResponse, type StationListVersion, type TargetRule } from '../../schemas';
import {
  ANNUAL_ITEMS,
  annualStatistic,
  judgeableValue,
  meanOfCityStatistics,
  type AnnualPollutant,
  type AnnualStatistic,
  type DailyValue,
} from './annual';
import { type AqiRounding, dailyAqi, roundGbt8170 } from './aqi';
import { cityDays, stationOwnDays, stationsOfAreaDuring, type AreaDay, versionOn } from './areas';
import { withCityMda8 } from './city-mda8';
import { rankAmongPeers } from './compliance-rank';
import { compositeIndex, dayCounts, type DayAqi } from './composite';
import { partsOfRegimes } from './regime-parts';
import { regimeOfDay } from './standards';
import { startTargets } from './targets';
import type { DailyStatistic, StatsQueries } from './stats-queries';
import type { SeriesQueries } from './series';

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
  const targetsPending = startTargets(deps.targets, q, (year) =>
    areaCompliance({ ...deps, targets: { file: [], defaults: [] } }, { ...q, year, rank: false }),
  );
  const versions = await deps.versions();
  const byDay = new Map<string, StationListVersion | undefined>();
  const versionAt = (day: string): StationListVersion | undefined => {
    if (!byDay.has(day)) byDay.set(day, versionOn(versions, day));
    return byDay.get(day);
  };
  // Every station of the area on a list in force some day of the year (docs/standards.md §3.3): a
  // day counts a station only when that day's list has it (stationOwnDays, cityDays).
  const inScope = stationsOfAreaDuring(versions, q.level, q.id, `${q.year}-01-01`, yearEnd);
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
  // A city's AQI is rounded as the national centre rounds a city's (half up, §3.5), a station's up.
  const aqisOf = (days: readonly AreaDay[], rounding: AqiRounding): DayAqi[] => {
    const perDay = new Map<string, Record<string, number>>();
    for (const a of days) perDay.set(a.day, { ...perDay.get(a.day), [a.statistic]: a.value });
    return [...perDay].map(([day, v]) =>
      dailyAqi(
        regimeOfDay(day),
        {
          so2: v.so2,
          no2: v.no2,
          co: v.co,
          pm10: v.pm10,
          pm25: v.pm25,
          o3_1h: v.o3_1h_max,
          o3_8h: v.o3_mda8,
        },
        rounding,
      ),
    );
  };

  // The cities' daily values, their MDA8 as `cityMda8` asks (docs/standards.md §3.3).
  const cityValues =
    q.level === 'station'
      ? []
      : q.cityMda8 === 'city-hourly' && deps.series
        ? await withCityMda8(
            q.cityMda8,
            cityDays(stationDays, versionAt),
            { series: deps.series, versions: deps.versions },
            { names: [...cityNames], fromDay: `${q.year}-01-01`, toDay: yearEnd, asOf: q.asOf },
          )
        : cityDays(stationDays, versionAt);
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
        q.level === 'station' ? stationOwnDays(stationDays, versionAt) : cityValues.filter((c) => c.area === q.id);
      const cityOf = (a: AreaDay): string => (q.level === 'station' ? (stationCity.get(a.area) ?? '') : a.area);
      return {
        pollutants: annualOf(concentrations(area, cityOf)),
        days: dayCounts(aqisOf(ratioDays(area, cityOf), q.level)),
      };
    }
    // A province or region is the arithmetic mean of its cities' statistics (docs/standards.md §3.3:
    // e.g. its O3 is the mean of the cities' MDA8 P90), and its good-day ratio the mean of theirs.
    const cities = cityValues.filter((c) => cityNames.has(c.area));
    const perCity = [...cityNames].map((city) => {
      const mine = cities.filter((c) => c.area === city);
      return {
        city,
        annual: annualOf(concentrations(mine, (a) => a.area)),
        days: dayCounts(
          aqisOf(
            ratioDays(mine, (a) => a.area),
            'city',
          ),
        ),
      };
    });
    const ratios = perCity.map((c) => c.days).filter((d) => d.valid > 0);
    const avg = (xs: number[]): number | null =>
      xs.length ? roundGbt8170(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : null;
    return {
      pollutants: meanOfCityStatistics(perCity),
      days: {
        valid: ratios.reduce((n, d) => n + d.valid, 0),
        good: ratios.reduce((n, d) => n + d.good, 0),
        heavy: ratios.reduce((n, d) => n + d.heavy, 0),
        goodRatio: avg(ratios.map((d) => d.goodRatio as number)),
        heavyRatio: avg(ratios.map((d) => d.heavyRatio as number)),
        partialDays: ratios.reduce((n, d) => n + d.partialDays, 0),
        withheldDays: perCity.reduce((n, c) => n + c.days.withheldDays, 0),
      },
    };
  };
  const { pollutants, days } = summarise(() => false);
  const compositeOf = (stats: readonly AnnualStatistic[]) =>
    compositeIndex(
      Object.fromEntries(
        stats.map((s) => [s.pollutant, judgeableValue(s, ANNUAL_ITEMS[s.pollutant].hasMean ? 'mean' : 'percentile')]),
      ),
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
