import { z } from 'zod';
import { zErrorCode } from '../errors';
import { zInstant } from '../time';

/**
 * The centres' daily city AQI forecasts (预测预报), `POST /v1/forecasts` and what is read back —
 * not the year-end compliance forecast of `/v1/forecast` (schemas/api/forecast.ts).
 */

const zDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

/** The AQI categories of HJ 633 Table 2, as a forecast names them (Chinese or Roman level). */
export const zForecastCategory = z
  .enum(['优', '良', '轻度污染', '中度污染', '重度污染', '严重污染'])
  .describe('AQI category (HJ 633 Table 2): 优, 良, 轻度污染, 中度污染, 重度污染, 严重污染');
export type ForecastCategory = z.infer<typeof zForecastCategory>;

/** Primary-pollutant codes as /v1/aqi names them. */
export const zPrimaryPollutant = z
  .enum(['pm25', 'pm10', 'o3_8h', 'o3_1h', 'no2', 'so2', 'co'])
  .describe('Primary pollutant: pm25, pm10, o3_8h, o3_1h, no2, so2, co (as /v1/aqi names them)');

/** The largest lead a forecast may have: day 7 after the CST day it was issued on. */
export const MAX_FORECAST_LEAD_DAYS = 7;

/** One posted forecast, as the centre writes it (JSON, or a CSV row with the same field names). */
export const zForecastRecord = z
  .object({
    city: z.string().min(1).max(64).describe('City name as in the station list (e.g. 南京)'),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'expected a source id: lower-case letters, digits, . _ -, up to 64')
      .describe('Who forecasts: a centre id (jiangsu) or a centre’s product (jiangsu.model-a)'),
    issuedAt: zInstant.describe('When the forecast was issued (ISO 8601 with offset)'),
    validDate: zDate.describe('The natural day (CST) the forecast is for'),
    aqiLow: z.number().int().min(0).max(500).describe('Lower end of the forecast AQI range'),
    aqiHigh: z.number().int().min(0).max(500).describe('Upper end of the forecast AQI range'),
    category: zForecastCategory.optional().describe('Forecast category; default: the category of aqiHigh'),
    primary: z.array(zPrimaryPollutant).max(7).default([]).describe('Forecast primary pollutant(s)'),
    pm25: z.number().min(0).max(2000).optional().describe('Forecast 24-h mean PM2.5, µg/m³'),
    o3_mda8: z.number().min(0).max(2000).optional().describe('Forecast O3 MDA8, µg/m³'),
  })
  .strict()
  .refine((r) => r.aqiLow <= r.aqiHigh, { message: 'aqiLow is above aqiHigh', path: ['aqiHigh'] });
export type ForecastRecord = z.infer<typeof zForecastRecord>;

/** A forecast as stored and answered: the record with its category, identity day, lead and receipt. */
export const zForecast = z.object({
  city: z.string(),
  province: z.string().describe('The province the city belongs to'),
  source: z.string(),
  issuedAt: z.string().describe('As issued, ISO 8601 UTC'),
  issueDay: z.string().describe('The CST day of issuedAt: with source, city and validDate, the identity'),
  validDate: z.string(),
  lead: z.number().int().describe('validDate − issueDay, days (0 = the same day)'),
  aqiLow: z.number().int(),
  aqiHigh: z.number().int(),
  category: zForecastCategory,
  primary: z.array(z.string()),
  pm25: z.number().nullable(),
  o3_mda8: z.number().nullable(),
  centre: z.string().describe('The centre whose key posted it'),
  receivedAt: z.string().describe('When yrd-air received it, ISO 8601 UTC: what asOf compares'),
});
export type Forecast = z.infer<typeof zForecast>;

export const zForecastRejection = z
  .object({
    index: z.number().int().describe('Position in the body (0-based: array index or CSV data row); -1 for the body'),
    city: z.string(),
    code: zErrorCode,
    field: z.string(),
    reason: z.string(),
  })
  .describe('A forecast record refused, not stored');

export const zForecastPushResult = z.object({
  accepted: z.number().int(),
  rejected: z.array(zForecastRejection),
});
export type ForecastPushResult = z.infer<typeof zForecastPushResult>;

export const zForecastsQuery = z
  .object({
    city: z.string().min(1).optional(),
    validDate: zDate.optional(),
    source: z.string().min(1).optional(),
    lead: z.coerce.number().int().min(0).max(MAX_FORECAST_LEAD_DAYS).optional(),
    asOf: zInstant
      .optional()
      .describe('The forecasts in force then: the latest issue of each identity received at or before asOf'),
  })
  .strict();
export type ForecastsQuery = z.infer<typeof zForecastsQuery>;

export const zForecastsResponse = z.object({
  asOf: z.string().nullable(),
  forecasts: z.array(zForecast).describe('Each identity’s issue in force, by validDate, city, source, lead'),
});
export type ForecastsResponse = z.infer<typeof zForecastsResponse>;

export const zVerificationQuery = z
  .object({
    source: z.string().min(1).optional(),
    level: z.enum(['city', 'province', 'region']).default('region'),
    id: z.string().min(1).default('yrd').describe('City name, province id or region id (yrd, yrd31)'),
    from: zDate.describe('First validDate (CST)'),
    to: zDate.describe('Last validDate (CST), at most 366 days after from'),
    lead: z.coerce.number().int().min(0).max(MAX_FORECAST_LEAD_DAYS).optional(),
  })
  .strict();
export type VerificationQuery = z.infer<typeof zVerificationQuery>;

const zRate = z.object({
  hits: z.number().int(),
  n: z.number().int().describe('Forecast days behind the rate'),
  rate: z.number().nullable().describe('hits / n; null when n = 0'),
});

const zContingency = z.object({
  hits: z.number().int().describe('Observed and forecast'),
  misses: z.number().int().describe('Observed, not forecast'),
  falseAlarms: z.number().int().describe('Forecast, not observed'),
  correctNegatives: z.number().int(),
  pod: z.number().nullable().describe('hits / (hits + misses)'),
  far: z.number().nullable().describe('falseAlarms / (hits + falseAlarms)'),
  csi: z.number().nullable().describe('hits / (hits + misses + falseAlarms)'),
  n: z.number().int(),
});

const zSkill = z.object({
  referenceMae: z.number().nullable().describe('MAE of the reference forecast on the same days'),
  forecastMae: z.number().nullable(),
  score: z.number().nullable().describe('1 − forecastMae / referenceMae; null without days or a perfect reference'),
  n: z.number().int(),
});

export const zVerificationRow = z.object({
  source: z.string(),
  lead: z.number().int(),
  n: z.number().int().describe('Forecasts with an observed AQI'),
  range: zRate.describe('Observed AQI within [aqiLow, aqiHigh]'),
  category: zRate.describe('Forecast category equals the observed'),
  withinOneCategory: zRate.describe('Forecast category at most one from the observed'),
  primary: zRate.describe('Days with an observed primary pollutant (AQI > 50): a forecast primary among the observed'),
  midpointMae: z.object({ value: z.number().nullable(), n: z.number().int() }),
  polluted: zContingency.describe('Observed AQI > 100; forecast category 轻度污染 or worse'),
  heavy: zContingency.describe('Observed AQI > 200; forecast category 重度污染 or worse'),
  persistence: zSkill.describe('Against the observed AQI of the day before the issue day'),
  climatology: zSkill.describe('Against the mean observed AQI of validDate ± 7 days in the three earlier years'),
});
export type VerificationRow = z.infer<typeof zVerificationRow>;

export const zVerificationResponse = z.object({
  level: z.string(),
  id: z.string(),
  from: z.string(),
  to: z.string(),
  results: z.array(zVerificationRow).describe('One row per source and lead'),
});
export type VerificationResponse = z.infer<typeof zVerificationResponse>;

/** The neighbour distance of the consultation, km: cities whose station centroids lie this close. */
export const DEFAULT_NEIGHBOUR_KM = 150;

export const zConsultationQuery = z
  .object({
    validDate: zDate.describe('The day (CST) the forecasts are for'),
    distanceKm: z.coerce
      .number()
      .positive()
      .max(1000)
      .default(DEFAULT_NEIGHBOUR_KM)
      .describe('Neighbours: cities whose station centroids lie within this distance, km'),
  })
  .strict();
export type ConsultationQuery = z.infer<typeof zConsultationQuery>;

export const zConsultationCity = z.object({
  city: z.string(),
  province: z.string(),
  forecasts: z.array(zForecast).describe('Each source’s latest issue for the day, by source'),
  low: z.number().int().nullable().describe('The lowest aqiLow of the sources'),
  high: z.number().int().nullable().describe('The highest aqiHigh of the sources'),
  midpointSpread: z.number().nullable().describe('Largest minus smallest range midpoint of the sources'),
  consensus: zForecastCategory.nullable().describe('Category of the mean of the sources’ range midpoints'),
  categoryDisagreement: z.boolean().describe('The sources forecast different categories'),
});

export const zNeighbourFlag = z.object({
  cities: z.tuple([z.string(), z.string()]),
  provinces: z.tuple([z.string(), z.string()]),
  distanceKm: z.number().describe('Between the cities’ station centroids'),
  consensus: z.tuple([zForecastCategory, zForecastCategory]),
  categoriesApart: z.number().int().describe('Two or more'),
});

export const zConsultationResponse = z.object({
  validDate: z.string(),
  distanceKm: z.number(),
  cities: z.array(zConsultationCity).describe('Every city of the station list in force that day'),
  neighbourFlags: z
    .array(zNeighbourFlag)
    .describe('Neighbouring cities of different provinces whose consensus categories are two or more apart'),
});
export type ConsultationResponse = z.infer<typeof zConsultationResponse>;
