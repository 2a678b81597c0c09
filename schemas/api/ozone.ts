import { z } from 'zod';
import { zInstant } from '../time';
import { zCityMda8, zLevel } from './common';

const zDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const zOzoneQuery = z
  .object({
    level: zLevel,
    id: z.string().min(1).describe('Station code, city name, province id or region id'),
    from: zDate.describe('First natural day (CST)'),
    to: zDate.describe('Last natural day (CST), included'),
    asOf: zInstant.optional().describe('Answer as the data stood at this instant: only what had arrived by then'),
    cityMda8: zCityMda8,
  })
  .strict();
export type OzoneQuery = z.infer<typeof zOzoneQuery>;

const zP90OfAreaMeanSeries = z
  .number()
  .nullable()
  .optional()
  .describe(
    'A province or region only: the 90th percentile of its daily mean MDA8 series (the mean of its cities), rounded — it smooths the cities’ peaks and is not the assessment value',
  );

const zSeason = z.object({
  year: z.number().int(),
  validDays: z
    .number()
    .int()
    .describe('Valid MDA8 days; a province or region: the fewest of its cities’ (as nValid in /v1/compliance)'),
  exceedanceDays: z
    .number()
    .int()
    .describe('Days whose MDA8, as published (an integer, GB/T 8170), is above 160 µg/m³ (Grade II)'),
  mean: z.number().nullable().describe('Mean MDA8, one decimal'),
  p90: z
    .number()
    .nullable()
    .describe(
      'HJ 663 90th percentile of MDA8, rounded; a province or region: the mean of its cities’ own P90 (cities with a valid year; for the warm season, with any days), rounded — the O3 value of /v1/compliance',
    ),
  p90OfAreaMeanSeries: zP90OfAreaMeanSeries,
});

export const zTrendResult = z.object({
  slope: z.number().describe('Units per year (Theil–Sen)'),
  lower: z.number(),
  upper: z.number(),
  slopePercent: z.number().describe('% per year of the fitted value at the start'),
  lowerPercent: z.number(),
  upperPercent: z.number(),
  intercept: z.number(),
  pValue: z.number().describe('Mann–Kendall test of no trend, corrected for autocorrelation'),
  n: z.number().int().describe('Months used'),
  autocorrelation: z.number().describe('Lag-1 autocorrelation of the residuals that widened the interval'),
  deseasonalised: z.boolean(),
  projectedYear: z.number().nullable().describe('When the fitted line reaches the target, if it heads there'),
});

export const zOzoneResponse = z.object({
  level: zLevel,
  id: z.string(),
  from: z.string(),
  to: z.string(),
  limit: z.number().describe('Grade II MDA8 limit, µg/m³'),
  days: z.array(
    z.object({
      day: z.string(),
      mda8: z.number().nullable().describe('The area’s MDA8 (µg/m³); a city’s is the mean of its stations’'),
      exceeds: z.boolean().describe('The MDA8 as published (an integer, GB/T 8170) is above the limit'),
      p90: z
        .number()
        .nullable()
        .describe(
          'P90 of the valid MDA8 of the 365 days ending this day; a province or region: the mean of its cities’ own P90 (cities with ≥ 324 valid days in the window)',
        ),
      n: z.number().int().describe('Valid days in that window (a province or region: the fewest of its cities’)'),
      valid: z.boolean().describe('≥ 324 valid days (a province or region: in every city): an assessment value'),
      p90OfAreaMeanSeries: zP90OfAreaMeanSeries,
    }),
  ),
  years: z.array(
    zSeason.extend({
      valid: z.boolean().describe('≥ 324 valid days (a province or region: in every city): an assessment value'),
      warmSeason: zSeason.describe('April–September'),
    }),
  ),
  trend: zTrendResult.nullable().describe('Theil–Sen trend of the deseasonalised monthly mean MDA8 (needs 24 months)'),
});
export type OzoneResponse = z.infer<typeof zOzoneResponse>;
