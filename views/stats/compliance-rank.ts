import { hourEndingDaysRange } from '../../kernel';
import type { ComplianceQuery, ComplianceResponse, StationListVersion } from '../../schemas';
import { ANNUAL_ITEMS, judgeableValue, meanOfCityStatistics, type AnnualStatistic } from './annual';
import { cityDays, stationOwnDays, stationsOfArea, stationsOfAreaDuring, type AreaDay } from './areas';
import { compositeIndex } from './composite';
import { seriesRows, type SeriesQueries } from './series';
import type { DailyStatistic, StatsQueries } from './stats-queries';

/** What a rank reads: the peers' station daily values, or their city means from the series where given. */
export interface RankDeps {
  queries: StatsQueries;
  versions: () => Promise<StationListVersion[]>;
  series?: SeriesQueries;
}

/**
 * The area's position among its peers by the composite index (lower is cleaner, as
 * MEE ranks): a station among its city's stations, a city among all the list's cities, a province
 * among the four. One station-daily query covers every peer.
 */
export async function rankAmongPeers(
  deps: RankDeps,
  q: ComplianceQuery,
  versionAt: (day: string) => StationListVersion | undefined,
  mine: number | null,
  annualOf: (days: readonly AreaDay[]) => AnnualStatistic[],
): Promise<ComplianceResponse['rank']> {
  if (q.level === 'region') return null;
  const yearEnd = `${q.year}-12-31`;
  // The peers: every station on a list in force some day of the year (each counted on the days
  // its list has it, as the area itself is).
  const versions = await deps.versions();
  const list = stationsOfAreaDuring(versions, 'region', 'yrd', `${q.year}-01-01`, yearEnd).filter((s) => !s.stopped);
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
      Object.fromEntries(
        stats.map((s) => [s.pollutant, judgeableValue(s, ANNUAL_ITEMS[s.pollutant].hasMean ? 'mean' : 'percentile')]),
      ),
    ).index;
  let indexes: number[];
  let peers: string;
  if (q.level === 'station') {
    const own = stationOwnDays(await stationDaysOf(), versionAt);
    indexes = peerStations
      .map((st) => indexOf(annualOf(own.filter((d) => d.area === st.code))))
      .filter((x): x is number => x !== null);
    peers = `the stations of ${self[0]?.city ?? ''}`;
  } else {
    const cityNames = [...new Set(list.map((s) => s.city))];
    const cities =
      deps.series && q.status !== 'audited'
        ? await cityDaysInSql(deps.series, versions, cityNames, q)
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
              [...new Set(list.filter((s) => s.province === p).map((s) => s.city))].map((city) => ({
                city,
                annual: perCity.get(city) ?? [],
              })),
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
      ...hourEndingDaysRange(`${q.year}-01-01`, `${q.year}-12-31`),
      asOf: q.asOf,
      cityMda8: q.cityMda8,
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
