import { cstMidnightMs, HOUR_MS } from '../kernel';
import type {
  AqiQuery,
  AqiResponse,
  ComplianceQuery,
  ComplianceResponse,
  FactorsQuery,
  FactorsResponse,
  ForecastQuery,
  ForecastResponse,
  HourlyAqiQuery,
  LatestAqiQuery,
  LatestAqiResponse,
  OzoneQuery,
  OzoneResponse,
  RegionalQuery,
  RegionalResponse,
  SeriesQuery,
  StationListVersion,
  TargetRule,
  TransportQuery,
  TransportResponse,
  TrendsQuery,
  TrendsResponse,
  VerificationQuery,
  VerificationResponse,
  ConsultationQuery,
  ConsultationResponse,
} from '../schemas';
import { type SpeciesSource } from './apportionment/factor-inputs';
import { factorsView } from './apportionment/factors-view';
import { forecastConsultation } from './forecasts/consultation';
import { type ForecastSource, forecastVerification } from './forecasts/verification-view';
import { type RegionalQueries, regionalView, transportView } from './apportionment/views';
import { listsForStatistics } from './stats/areas';
import { areaCompliance } from './stats/compliance';
import { areaDailyAqi, areaDailyAqiDays, type DailyAqiDeps } from './stats/daily-aqi';
import { areaHourlyAqi, type HourlyAqiPage } from './stats/hourly-aqi';
import { areaLatestAqi } from './stats/latest-aqi';
import { forecastView, trendsView } from './stats/forecast-views';
import { areaOzone } from './stats/ozone';
import { type SeriesPage, type SeriesQueries, seriesSpec } from './stats/series';
import type { StatsQueries } from './stats/stats-queries';
import { DEFAULT_TARGETS } from './stats/targets';
import { theilSenTrend } from './stats/theil-sen';

/** Hour-ending instants in [fromMs, toMs), as the API resolves a query's from/to. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** The source-apportionment views; factors only where the store holds speciated readings or a caller asks. */
export interface ApportionmentViews {
  regional: (q: RegionalQuery, range: TimeRange) => Promise<RegionalResponse>;
  transport: (q: TransportQuery, range: TimeRange) => Promise<TransportResponse>;
  factors?: (q: FactorsQuery, range: TimeRange) => Promise<FactorsResponse>;
}

/** The request-time views the API calls, one function per answer. */
export interface Views {
  aqi: (q: AqiQuery) => Promise<AqiResponse>;
  /** The real-time AQI per area and hour (`GET /v1/aqi/hourly`). */
  aqiHourly: (q: HourlyAqiQuery, range: TimeRange) => Promise<HourlyAqiPage>;
  /** Every city or station of an area at its latest hour, ranked (`GET /v1/aqi/latest`). */
  aqiLatest: (q: LatestAqiQuery) => Promise<LatestAqiResponse>;
  compliance: (q: ComplianceQuery) => Promise<ComplianceResponse>;
  ozone: (q: OzoneQuery) => Promise<OzoneResponse>;
  forecast: (q: ForecastQuery) => Promise<ForecastResponse>;
  trends: (q: TrendsQuery) => Promise<TrendsResponse>;
  series: (q: SeriesQuery, range: TimeRange) => Promise<SeriesPage>;
  apportionment: ApportionmentViews;
  /** The centres' forecasts against the observed city daily AQI, where the store keeps forecasts. */
  forecastVerification?: (q: VerificationQuery) => Promise<VerificationResponse>;
  /** The consultation table of a day: every city's forecasts side by side, with the flags. */
  forecastConsultation?: (q: ConsultationQuery) => Promise<ConsultationResponse>;
}

/** The station lists as the store keeps them. */
export interface StationLists {
  /** The version in force at `atMs`. */
  current(filter: { atMs: number }): Promise<StationListVersion | undefined>;
  /** Every version, with its stations. */
  versions(): Promise<StationListVersion[]>;
}

/** What the views read: the store's queries behind ports of their own. */
export interface ViewSources {
  stats: StatsQueries;
  series: SeriesQueries;
  /** Where the store splits the regional background in SQL. */
  regional?: RegionalQueries;
  /** Speciated supersite readings, for the factor analysis. */
  species?: SpeciesSource;
  /** Exceptional (dust) days recorded for a year. */
  exceptionalDays?: { list(year: number): Promise<{ city: string; day: string }[]> };
  stations: StationLists;
  /** A TARGETS_FILE's rules; the defaults (targets.ts) apply besides. */
  targets?: readonly TargetRule[];
  /** CITY_MEANS_INCLUDE_CONTROL_SITES: control sites count in area statistics. */
  includeControlSites: boolean;
  /** The centres' stored forecasts (POST /v1/forecasts). */
  forecasts?: ForecastSource;
}

/** Assembles every view on its sources. */
export function createViews(src: ViewSources): Views {
  const { stats, series, stations } = src;
  const targets = { file: src.targets ?? [], defaults: DEFAULT_TARGETS };
  // Area statistics see the lists with CITY_MEANS_INCLUDE_CONTROL_SITES applied; listings and the
  // regional background see the real control flags.
  const include = src.includeControlSites;
  const statsVersions = async (): Promise<StationListVersion[]> =>
    listsForStatistics(await stations.versions(), include);
  const versionAt = async (day: string): Promise<StationListVersion | undefined> => {
    const v = await stations.current({ atMs: cstMidnightMs(day) + 12 * HOUR_MS }); // noon CST
    return v && listsForStatistics([v], include)[0];
  };
  const versions = (): Promise<StationListVersion[]> => stations.versions();
  const exceptionalDays = src.exceptionalDays;
  const complianceDeps = {
    queries: stats,
    series,
    versions: statsVersions,
    exceptionalDays: exceptionalDays && ((year: number) => exceptionalDays.list(year)),
  };
  // A relative target's base is the base year's published value: the forecast and the trends ask
  // compliance for it (without targets of its own), as compliance's own targets do.
  const forecastDeps = {
    series,
    versions: statsVersions,
    targets,
    compliance: (q: ComplianceQuery) => areaCompliance(complianceDeps, q),
  };
  const dailyAqiDeps: DailyAqiDeps = {
    queries: stats,
    versionAt,
    cityMda8: { series, versions: statsVersions },
    live: { series, versions: statsVersions },
  };
  const forecasts = src.forecasts;
  return {
    aqi: (q) => areaDailyAqi(dailyAqiDeps, q),
    aqiHourly: (q, range) => areaHourlyAqi({ series, versions: statsVersions }, q, range),
    aqiLatest: (q) => areaLatestAqi({ series, versions: statsVersions }, q),
    compliance: (q) => areaCompliance({ ...complianceDeps, targets }, q),
    ozone: (q) => areaOzone({ series, versions: statsVersions, trend: (monthly) => theilSenTrend(monthly) }, q),
    forecast: (q) => forecastView(forecastDeps, q),
    trends: (q) => trendsView(forecastDeps, q),
    series: async (q, range) => series.page(seriesSpec(q, range, await statsVersions()), q.format),
    apportionment: {
      regional: (q, range) => regionalView({ series, versions, regional: src.regional }, q, range),
      transport: (q, range) => transportView({ series, versions }, q, range),
      factors: (q, range) => factorsView({ series, versions, species: src.species }, q, range),
    },
    // The observed day is the city daily AQI exactly as /v1/aqi answers it (docs/standards.md §9.2).
    ...(forecasts && {
      forecastVerification: (q: VerificationQuery) =>
        forecastVerification(
          {
            forecasts,
            observedDays: (fromDay, toDay) =>
              areaDailyAqiDays(dailyAqiDeps, { level: 'region', id: 'yrd', fromDay, toDay }),
            versionAt: (day) => stations.current({ atMs: cstMidnightMs(day) + 12 * HOUR_MS }),
          },
          q,
        ),
      forecastConsultation: (q: ConsultationQuery) =>
        forecastConsultation({ forecasts, versionAt: (atMs) => stations.current({ atMs }) }, q),
    }),
  };
}
