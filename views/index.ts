export {
  type ApportionmentViews,
  createViews,
  type StationLists,
  type TimeRange,
  type Views,
  type ViewSources,
} from './create-views';
export { type SpeciesSource } from './apportionment/factor-inputs';
export { factorsView } from './apportionment/factors-view';
export { type ForecastSource } from './forecasts/verification-view';
export { type RegionalQueries, regionalView, transportView } from './apportionment/views';
export { listsForStatistics } from './stats/areas';
export { areaCompliance } from './stats/compliance';
export { areaDailyAqi, areaDailyAqiDays } from './stats/daily-aqi';
export { forecastView, trendsView } from './stats/forecast-views';
export { areaOzone } from './stats/ozone';
export { percentile } from './stats/percentile';
export { encodeCursor, type Member, type SeriesKey, seriesSpec, type SeriesSpec } from './stats/series';
export { GRADE_II, VALIDITY } from './stats/standards';
export { type StationDay, type StatsQueries } from './stats/stats-queries';
export { type FileColumn, type SeriesPage, type SeriesQueries } from './stats/series';
export { areaHourlyAqi, type HourlyAqiPage } from './stats/hourly-aqi';
export { areaLatestAqi } from './stats/latest-aqi';
export { DEFAULT_TARGETS } from './stats/targets';
export { theilSenTrend } from './stats/theil-sen';
