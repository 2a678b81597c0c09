import type { z } from 'zod';
import { zErrorBody, zErrorCode } from '../errors';
import { zRegionalQuery, zRegionalResponse, zTransportQuery, zTransportResponse } from './apportionment';
import { zAqiQuery, zAqiResponse, zAreaAqi } from './aqi';
import {
  zAqiCategory,
  zHourlyAqiQuery,
  zHourlyAqiResponse,
  zHourlyAqiRow,
  zLatestAqiQuery,
  zLatestAqiResponse,
  zLatestAqiRow,
} from './aqi-hourly';
import { zChange, zChangesQuery, zChangesResponse } from './changes';
import { zComplianceQuery, zComplianceResponse, zTargetVerdict } from './compliance';
import {
  zExceptionalDay,
  zExceptionalDaysBody,
  zExceptionalDaysQuery,
  zExceptionalDaysRecorded,
  zExceptionalDaysResponse,
} from './exceptional-days';
import { zFeedsResponse, zFeedStatus, zPullSummary } from './feeds';
import { zFlaggedRevision, zFlagsQuery, zFlagsResponse } from './flags';
import { zForecastQuery, zForecastResponse, zTrendsQuery, zTrendsResponse } from './forecast';
import {
  zConsultationCity,
  zConsultationQuery,
  zConsultationResponse,
  zForecast,
  zForecastPushResult,
  zForecastRejection,
  zForecastsQuery,
  zForecastsResponse,
  zNeighbourFlag,
  zVerificationQuery,
  zVerificationResponse,
  zVerificationRow,
} from './forecasts';
import { zHealth, zReadiness } from './health';
import { zOzoneQuery, zOzoneResponse, zTrendResult } from './ozone';
import { zPushFlag, zPushQuery, zPushRejection, zPushResult, zPushSkipped } from './push';
import { zRejectsQuery, zRejectsResponse } from './rejects';
import {
  zCentreSummary,
  zCentreSummaryQuery,
  zCentreSummaryResponse,
  zScorecard,
  zScorecardParams,
  zScorecardQuery,
} from './scorecard';
import { zSeriesQuery, zSeriesResponse, zSeriesRow } from './series';
import { zFactorsQuery, zFactorsResponse, zSpeciesPushResult } from './species';
import { zStationsQuery, zStationsResponse } from './stations';

/**
 * The API's named schemas: each request and response schema of a route, and the parts they share,
 * by the name a client generator gives its type (OpenAPI `components.schemas`, referred to by
 * `$ref`; api/openapi.ts). A name is public contract like a field's: keep it stable. No name ends
 * in `Input`, the suffix the OpenAPI document gives a schema's request form. No part of a query is
 * named (its enums, its lists): a query is listed as parameters, and @fastify/swagger drops what
 * stands beside a `$ref` there (the parameter's default and description).
 */
export const API_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  // Shared parts.
  ErrorBody: zErrorBody,
  ErrorCode: zErrorCode,
  // Requests: queries, path parameters, bodies.
  AqiQuery: zAqiQuery,
  CentreSummaryQuery: zCentreSummaryQuery,
  ChangesQuery: zChangesQuery,
  CityForecastsQuery: zForecastsQuery,
  ComplianceQuery: zComplianceQuery,
  ExceptionalDaysBody: zExceptionalDaysBody,
  ExceptionalDaysQuery: zExceptionalDaysQuery,
  FactorsQuery: zFactorsQuery,
  FlagsQuery: zFlagsQuery,
  ForecastConsultationQuery: zConsultationQuery,
  ForecastQuery: zForecastQuery,
  ForecastVerificationQuery: zVerificationQuery,
  HourlyAqiQuery: zHourlyAqiQuery,
  LatestAqiQuery: zLatestAqiQuery,
  OzoneQuery: zOzoneQuery,
  PushQuery: zPushQuery,
  RegionalQuery: zRegionalQuery,
  RejectsQuery: zRejectsQuery,
  ScorecardParams: zScorecardParams,
  ScorecardQuery: zScorecardQuery,
  SeriesQuery: zSeriesQuery,
  StationsQuery: zStationsQuery,
  TransportQuery: zTransportQuery,
  TrendsQuery: zTrendsQuery,
  // Answers and their rows.
  AqiCategory: zAqiCategory,
  AqiResponse: zAqiResponse,
  AreaAqi: zAreaAqi,
  CentreSummary: zCentreSummary,
  CentreSummaryResponse: zCentreSummaryResponse,
  Change: zChange,
  ChangesResponse: zChangesResponse,
  CityForecast: zForecast,
  CityForecastPushResult: zForecastPushResult,
  CityForecastRejection: zForecastRejection,
  CityForecastsResponse: zForecastsResponse,
  ComplianceResponse: zComplianceResponse,
  ExceptionalDay: zExceptionalDay,
  ExceptionalDaysRecorded: zExceptionalDaysRecorded,
  ExceptionalDaysResponse: zExceptionalDaysResponse,
  FactorsResponse: zFactorsResponse,
  FeedStatus: zFeedStatus,
  FeedsResponse: zFeedsResponse,
  FlaggedRevision: zFlaggedRevision,
  FlagsResponse: zFlagsResponse,
  ForecastConsultationCity: zConsultationCity,
  ForecastConsultationResponse: zConsultationResponse,
  ForecastNeighbourFlag: zNeighbourFlag,
  ForecastResponse: zForecastResponse,
  ForecastVerificationResponse: zVerificationResponse,
  ForecastVerificationRow: zVerificationRow,
  Health: zHealth,
  HourlyAqiResponse: zHourlyAqiResponse,
  HourlyAqiRow: zHourlyAqiRow,
  LatestAqiResponse: zLatestAqiResponse,
  LatestAqiRow: zLatestAqiRow,
  OzoneResponse: zOzoneResponse,
  PullSummary: zPullSummary,
  PushFlag: zPushFlag,
  PushRejection: zPushRejection,
  PushResult: zPushResult,
  PushSkipped: zPushSkipped,
  SpeciesPushResult: zSpeciesPushResult,
  Readiness: zReadiness,
  RegionalResponse: zRegionalResponse,
  RejectsResponse: zRejectsResponse,
  Scorecard: zScorecard,
  SeriesResponse: zSeriesResponse,
  SeriesRow: zSeriesRow,
  StationsResponse: zStationsResponse,
  TargetVerdict: zTargetVerdict,
  TransportResponse: zTransportResponse,
  TrendResult: zTrendResult,
  TrendsResponse: zTrendsResponse,
};
