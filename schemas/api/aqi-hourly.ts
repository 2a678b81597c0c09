import { z } from 'zod';
import { zInstant } from '../time';
import { zLevel, zTimeParam } from './common';
import { zCommaList, zPageParams, zSeriesFormat } from './series';

/**
 * `GET /v1/aqi/hourly`: the real-time AQI (实时报) of HJ 633, one row per area and hour-ending
 * instant (docs/standards.md §4.6). `window=1h` is the report the national centre publishes each
 * hour; `window=24h` the 24-hour moving AQI.
 */
export const zAqiWindow = z
  .enum(['1h', '24h'])
  .describe(
    '1h: the real-time AQI of the six 1-h values (PM on the 24-h breakpoints), as the national centre publishes it; 24h: the 24-hour moving AQI — the daily breakpoints on the 24-h moving means (20 of 24 hours) and the highest 8-h O3 of the 24 hours (docs/standards.md §4.9)',
  );
export type AqiWindow = z.infer<typeof zAqiWindow>;

export const zHourlyAqiQuery = z
  .object({
    level: zLevel,
    id: zCommaList(z.string().min(1)).describe(
      'One or more area ids, comma-separated: station codes, city names, provinces or regions (yrd, yrd31); a province or region answers for each of its cities',
    ),
    from: zTimeParam,
    to: zTimeParam,
    window: zAqiWindow.default('1h'),
    format: zSeriesFormat
      .default('json')
      .describe(
        'json, csv (CSV with a header), parquet or arrow (Arrow IPC file) — written by ClickHouse, as /v1/series',
      ),
    ...zPageParams,
    asOf: zInstant.optional().describe('Answer as the data stood at this instant: only what had arrived by then'),
  })
  .strict();
export type HourlyAqiQuery = z.infer<typeof zHourlyAqiQuery>;

export const zAqiCategory = z.object({
  level: z.string().describe('I … VI'),
  zh: z.string(),
  en: z.string(),
  colour: z.string().describe('HJ 633 Table 2: green, yellow, orange, red, purple, maroon'),
  rgb: z.array(z.number().int()).length(3).describe('The colour as R, G, B (0–255) of HJ 633 Appendix A'),
});

export const zHourlyAqiRow = z.object({
  id: z.string().describe('Station code or city name'),
  time: z.string().describe('The hour-ending instant (UTC, ISO 8601), as /v1/series gives it'),
  regime: z.enum(['2012', '2026']).describe('HJ 633-2012 or HJ 633-2026, by the natural day of the hour'),
  aqi: z
    .number()
    .int()
    .nullable()
    .describe('The largest IAQI; null without any valid value, or when withheld (HJ 633-2026 §5.3)'),
  iaqi: z
    .record(z.string(), z.number().int())
    .describe(
      'IAQI per indicator: so2, no2, co, pm10, pm25, o3_1h (window=24h: o3_8h, and o3_1h only for a 2012 8-h O3 above 800) — a station rounded up, a city half up (docs/standards.md §3.3)',
    ),
  primary: z.array(z.string()).describe('Primary pollutant(s), only when AQI > 50; every one on a tie'),
  category: zAqiCategory.nullable(),
  concentrations: z
    .record(z.string(), z.number())
    .describe(
      'The 1-h values scored (µg/m³, CO mg/m³): a station’s rounded to integers (CO 0.1), a city’s as the centre forms it (integers, CO 0.01); so2_24h when SO2 1-h above 800 is scored on it. window=24h: the moving values scored, pm25_24h, pm10_24h, so2_24h, no2_24h, co_24h, o3_8h_24h (the highest 8-h O3 of the 24 hours) and o3_1h_24h when scored; a city’s the mean of its stations’ own',
    ),
  missing: z.array(z.string()).describe('Indicators without a valid value that hour (HJ 633 §4.7)'),
  partial: z.boolean().describe('The AQI stands on fewer than the six indicators (missing is not empty)'),
  withheld: z
    .boolean()
    .describe(
      'HJ 633-2026 §5.3: an indicator is missing and the AQI of the others is 100 or less, so the AQI is published as NA; never for a 2012-regime hour',
    ),
});
export type HourlyAqiRow = z.infer<typeof zHourlyAqiRow>;

export const zHourlyAqiResponse = z.object({
  level: zLevel,
  window: zAqiWindow,
  from: z.string(),
  to: z.string(),
  rows: z.array(zHourlyAqiRow).describe('Ordered by id, then time'),
  next: z.string().nullable().describe('Cursor of the next page, or null on the last'),
});
export type HourlyAqiResponse = z.infer<typeof zHourlyAqiResponse>;

/** `GET /v1/aqi/latest`: the latest hour of every city or station of an area, ranked (docs/standards.md §4.10). */
export const zLatestAqiQuery = z
  .object({
    level: z.enum(['province', 'region']).describe('province (shanghai|jiangsu|zhejiang|anhui) or region (yrd|yrd31)'),
    id: z.string().min(1).describe('The province or region id'),
    rows: z.enum(['city', 'station']).default('city').describe('One row per city of the area, or per station'),
  })
  .strict();
export type LatestAqiQuery = z.infer<typeof zLatestAqiQuery>;

export const zLatestAqiRow = z.object({
  id: z.string().describe('City name or station code'),
  city: z.string().describe('The city (a station’s own city)'),
  time: z.string().nullable().describe('Its latest hour-ending instant with data (UTC, ISO 8601); null if none'),
  aqi: z.number().int().nullable().describe('The real-time AQI of that hour, as /v1/aqi/hourly window=1h'),
  category: zAqiCategory.nullable(),
  primary: z.array(z.string()),
  pm25_24h: z.number().nullable().describe('The 24-h moving PM2.5 ending at that hour (µg/m³, §4.9)'),
  pm10_24h: z.number().nullable().describe('The 24-h moving PM10 ending at that hour (µg/m³, §4.9)'),
  o3_8h: z.number().nullable().describe('The 8-h moving O3 ending at that hour (µg/m³, 6 of 8 hours)'),
  rank: z
    .number()
    .int()
    .nullable()
    .describe(
      'By AQI among the rows reporting the area’s latest hour, 1 = cleanest; ties share a rank and the next skips (1, 1, 3); null when silent that hour or without an AQI',
    ),
});
export type LatestAqiRow = z.infer<typeof zLatestAqiRow>;

export const zLatestAqiResponse = z.object({
  level: z.enum(['province', 'region']),
  id: z.string(),
  rows: z.enum(['city', 'station']),
  latest: z.string().nullable().describe('The area’s latest hour-ending instant with data (UTC); null if none'),
  results: z.array(zLatestAqiRow).describe('Ranked rows first by rank, then the unranked by id'),
});
export type LatestAqiResponse = z.infer<typeof zLatestAqiResponse>;
