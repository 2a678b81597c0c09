import { z } from 'zod';
import { zInstant } from '../time';
import { type CityMda8, zCityMda8, zLevel, zTimeParam } from './common';

export const SERIES_POLLUTANTS = ['pm25', 'pm10', 'o3', 'no2', 'so2', 'co', 'o3_8h', 'o3_mda8'] as const;
export const zSeriesPollutant = z.enum(SERIES_POLLUTANTS);
export type SeriesPollutant = z.infer<typeof zSeriesPollutant>;
export const zResolution = z.enum(['hour', 'day', 'month', 'year']);
export type Resolution = z.infer<typeof zResolution>;
export const zSeriesFormat = z.enum(['json', 'csv', 'parquet', 'arrow']);
export type SeriesFormat = z.infer<typeof zSeriesFormat>;

/** The most rows one page may hold; more come by following `next`. */
export const SERIES_MAX_LIMIT = 1_000_000;

/** A comma-separated list of a query (`id=a,b`), 1–500 items; shared with the hourly AQI's ids. */
export const zCommaList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1).max(500),
  );

export { type CityMda8, zCityMda8 };

/** The paging parameters of a paged route (series, hourly AQI): rows per page and the previous page's cursor. */
export const zPageParams = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(100_000)
    .describe(`Rows per page (at most ${SERIES_MAX_LIMIT}); follow \`next\` (or the Link header) for the rest`),
  cursor: z.string().optional().describe('The `next` of the previous page'),
};

export const zSeriesQuery = z
  .object({
    level: zLevel,
    id: zCommaList(z.string().min(1)).describe(
      'One or more area ids, comma-separated: station codes, city names, provinces or regions (yrd, yrd31)',
    ),
    pollutant: zCommaList(zSeriesPollutant).describe(
      'One or more of pm25, pm10, o3, no2, so2, co (hourly values; at day and coarser: 24-h means, and for o3 the daily max 1-h), o3_8h (hourly: 8-h moving mean ending at the hour, valid with ≥ 6 hours), o3_mda8 (day and coarser)',
    ),
    from: zTimeParam,
    to: zTimeParam,
    resolution: zResolution.default('hour'),
    format: zSeriesFormat
      .default('json')
      .describe('json, csv (CSV with a header), parquet or arrow (Arrow IPC file) — written by ClickHouse itself'),
    ...zPageParams,
    asOf: zInstant.optional().describe('Answer as the data stood at this instant: only what had arrived by then'),
    updatedSince: zInstant.optional().describe('Only the values whose readings arrived or changed after this instant'),
    incomplete: z
      .enum(['true', 'false'])
      .default('false')
      .transform((s) => s === 'true')
      .describe(
        'Also give the value of days, months and years below the completeness rule (flagged valid=false): e.g. a year-to-date mean',
      ),
    referenceState: z
      .enum(['true', 'false'])
      .default('true')
      .transform((s) => s === 'true')
      .describe('Convert gases before 2018-09-01 to the reference state (docs/standards.md §1.2), flagged `converted`'),
    cityMda8: zCityMda8,
  })
  .strict();
export type SeriesQuery = z.infer<typeof zSeriesQuery>;

export const zSeriesRow = z.object({
  id: z.string().describe('Station code, city, province or region'),
  pollutant: zSeriesPollutant,
  time: z
    .string()
    .describe(
      'hour: the hour-ending instant (UTC, ISO 8601); day: the natural day (CST); month: YYYY-MM-01; year: YYYY-01-01',
    ),
  value: z.number().nullable().describe('µg/m³, CO mg/m³; null when not valid'),
  nValid: z
    .number()
    .int()
    .describe(
      'Valid hours (station hour/day), valid 8-h windows (MDA8), valid days (month/year), stations (city) or cities (province/region)',
    ),
  nExpected: z.number().int().describe('What nValid is out of'),
  capture: z.number().describe('nValid / nExpected'),
  valid: z
    .boolean()
    .describe(
      'Meets the validity rule of its resolution (docs/standards.md §2): 20 h a day, 6 h an 8-h window, 14 windows an MDA8, 27 days a month (25 in February), 324 days a year; an area value with at least one member',
    ),
  converted: z.boolean().describe('A gas before 2018-09-01 converted to the reference state'),
});
export type SeriesRow = z.infer<typeof zSeriesRow>;

export const zSeriesResponse = z.object({
  level: zLevel,
  resolution: zResolution,
  from: z.string(),
  to: z.string(),
  rows: z.array(zSeriesRow),
  next: z.string().nullable().describe('Cursor of the next page, or null on the last'),
});
export type SeriesResponse = z.infer<typeof zSeriesResponse>;
