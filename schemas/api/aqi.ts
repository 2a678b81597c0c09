import { z } from 'zod';
import { zInstant } from '../time';
import { zHourlyAqiRow } from './aqi-hourly';
import { zCityMda8, zLevel } from './common';

export { type Level, zLevel } from './common';

export const zAqiQuery = z
  .object({
    level: zLevel,
    id: z.string().min(1).describe('Station code, city name, province id or region id'),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
      .describe('Natural day (CST): hours labelled 01–24'),
    asOf: zInstant.optional().describe('Answer as the data stood at this instant: only what had arrived by then'),
    cityMda8: zCityMda8,
  })
  .strict();
export type AqiQuery = z.infer<typeof zAqiQuery>;

const zCategory = z.object({ level: z.string(), zh: z.string(), en: z.string() });

export const zAreaAqi = z.object({
  area: z.string().describe('Station code or city name'),
  aqi: z
    .number()
    .int()
    .nullable()
    .describe('The largest IAQI; null without any daily value, or when withheld (HJ 633-2026 §5.3)'),
  iaqi: z
    .record(z.string(), z.number().int())
    .describe('IAQI per indicator: so2, no2, co, pm10, pm25, o3_1h (2012 regime), o3_8h'),
  primary: z.array(z.string()).describe('Primary pollutant(s), only when AQI > 50; every one on a tie'),
  category: zCategory.nullable(),
  concentrations: z
    .record(z.string(), z.number())
    .describe('Daily values used: 24-h means, O3 max 1-h and MDA8 (µg/m³, CO mg/m³)'),
  missing: z.array(z.string()).describe('Indicators the report lacks (HJ 633 §4.7)'),
  partial: z
    .boolean()
    .describe(
      'The AQI stands on fewer indicators than the daily report has (missing is not empty). HJ 633-2012 ' +
        '(days to 2026-02-28; seven indicators, the O3 daily maximum 1-h among them): every such day keeps the AQI ' +
        'of the indicators present. HJ 633-2026 (from 2026-03-01; six indicators, no O3 maximum 1-h): only a day ' +
        'whose AQI of the indicators present is above 100 has one — else it is withheld',
    ),
  withheld: z
    .boolean()
    .describe(
      'HJ 633-2026 §5.3: an indicator is missing and the AQI of the others is 100 or less, so the AQI is ' +
        'published as NA (aqi, category and primary empty; iaqi and concentrations kept); never for a 2012-regime day',
    ),
  latest24h: zHourlyAqiRow
    .nullable()
    .optional()
    .describe(
      'Only on a day in progress (provisional): the 24-hour moving AQI at the area’s latest hour with data among the 24 hours ' +
        'up to the answer’s instant, the row `/v1/aqi/hourly` window=24h gives for that hour; null when none of those hours has one',
    ),
});

export const zAqiResponse = z.object({
  level: zLevel,
  id: z.string(),
  date: z.string(),
  regime: z.enum(['2012', '2026']),
  provisional: z
    .boolean()
    .describe(
      'The day is in progress at the answer’s instant (asOf, or now): it is the natural day of the latest hour that has ended, or ' +
        'a later one. Its values are those of the hours that had arrived so far — 24-h means and the O3 maximum over the valid hours ' +
        'so far, the MDA8 over the 8-h windows so far, none held to the 20 hours and 14 windows of a complete day — and will change; ' +
        'an indicator without any valid hour yet is missing, and partial and withheld follow docs/standards.md §4.7 on those present',
    ),
  through: z
    .string()
    .nullable()
    .optional()
    .describe(
      'Only on a day in progress: the latest hour-ending instant of the day (UTC, ISO 8601) at which any of the results had a valid value; null before the first',
    ),
  /** A city is scored from city-averaged concentrations (docs/standards.md §3.3); a province or region lists its cities. */
  results: z.array(zAreaAqi),
});
export type AqiResponse = z.infer<typeof zAqiResponse>;
