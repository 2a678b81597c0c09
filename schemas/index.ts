export {
  type RegionalQuery,
  type RegionalResponse,
  type TransportQuery,
  type TransportResponse,
  zRegionalQuery,
  zRegionalResponse,
  zTransportQuery,
  zTransportResponse,
} from './api/apportionment';
export { type AqiQuery, type AqiResponse, type Level, zAqiQuery, zAqiResponse } from './api/aqi';
export {
  type AqiWindow,
  type HourlyAqiQuery,
  type HourlyAqiResponse,
  type HourlyAqiRow,
  type LatestAqiQuery,
  type LatestAqiResponse,
  type LatestAqiRow,
  zHourlyAqiQuery,
  zHourlyAqiResponse,
  zLatestAqiQuery,
  zLatestAqiResponse,
} from './api/aqi-hourly';
export { type Change, zChangesQuery, zChangesResponse } from './api/changes';
export { isDateParam } from './api/common';
export { API_COMPONENTS } from './api/components';
export { type ComplianceQuery, type ComplianceResponse, zComplianceQuery, zComplianceResponse } from './api/compliance';
export {
  type ExceptionalDay,
  type ExceptionalDaysResponse,
  zExceptionalDaysBody,
  zExceptionalDaysQuery,
  zExceptionalDaysRecorded,
  zExceptionalDaysResponse,
} from './api/exceptional-days';
export { type FeedStatus, type PullSummary, zFeedsResponse } from './api/feeds';
export {
  type ForecastQuery,
  type ForecastResponse,
  type TrendsQuery,
  type TrendsResponse,
  zForecastQuery,
  zForecastResponse,
  zTrendsQuery,
  zTrendsResponse,
} from './api/forecast';
export {
  type ConsultationQuery,
  type ConsultationResponse,
  DEFAULT_NEIGHBOUR_KM,
  type Forecast,
  type ForecastCategory,
  type ForecastPushResult,
  type ForecastRecord,
  type ForecastsQuery,
  type ForecastsResponse,
  MAX_FORECAST_LEAD_DAYS,
  type VerificationQuery,
  type VerificationResponse,
  type VerificationRow,
  zConsultationQuery,
  zConsultationResponse,
  zForecastCategory,
  zForecastPushResult,
  zForecastRecord,
  zForecastsQuery,
  zForecastsResponse,
  zVerificationQuery,
  zVerificationResponse,
} from './api/forecasts';
export { zHealth, zReadiness } from './api/health';
export { type OzoneQuery, type OzoneResponse, zOzoneQuery, zOzoneResponse } from './api/ozone';
export { type PushResult, zPushedReading, zPushQuery, zPushResult } from './api/push';
export { type FlaggedRevision, type FlagsQuery, zFlagsQuery, zFlagsResponse } from './api/flags';
export { zRejectsQuery, zRejectsResponse } from './api/rejects';
export {
  type CentreSummary,
  type Scorecard,
  zCentreSummaryQuery,
  zCentreSummaryResponse,
  zScorecard,
  zScorecardParams,
  zScorecardQuery,
} from './api/scorecard';
export {
  type CityMda8,
  type Resolution,
  SERIES_MAX_LIMIT,
  type SeriesFormat,
  type SeriesPollutant,
  type SeriesQuery,
  type SeriesRow,
  zCityMda8,
  zSeriesQuery,
  zSeriesResponse,
} from './api/series';
export {
  type FactorsQuery,
  type FactorsResponse,
  type PushedSpecies,
  zFactorsQuery,
  zFactorsResponse,
  zPushedSpecies,
  zSpeciesPushResult,
  type SpeciesPushResult,
} from './api/species';
export { zStationsQuery, zStationsResponse } from './api/stations';
export { type CentreKey, type CentreKeysFile, zCentreKeysFile } from './centre-keys';
export { type Config, zEnv } from './config';
export { type DeadLetter } from './dead-letter';
export { type ErrorBody, zErrorBody } from './errors';
export { type FeedDefinition, type Secret, type SourceFormat, zFeedsFile } from './feeds/feed-definition';
export { CANONICAL_UNIT, type Pollutant, POLLUTANTS } from './pollutant';
export { INVALIDATING_QC_FLAGS, type QcFlag } from './qc';
export { type FlaggedValue, POLLUTANT_LABEL, qcFlagReason, type QcLimits } from './qc-flags';
export {
  NULL_NEEDS_REASON,
  nullHasReason,
  type Reading,
  READING_FIELDS,
  type ReadingStatus,
  zReading,
  zReadingFields,
  zReadingStatus,
} from './reading';
export { type Reject, zReject } from './reject';
export {
  type Centre,
  type Province,
  type Station,
  type StationListVersion,
  zCentre,
  zProvince,
  zStation,
  zStationListVersion,
} from './station';
export { type TargetIndicator, type TargetRule, zTargetsFile } from './targets';
export { realInstantMs, storableInstantMs, zHourEnding } from './time';
