import { z } from 'zod';
import { zInstant } from '../time';
import { zLevel, zTimeParam } from './common';
import { zTrendResult } from './ozone';

const zDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const zForecastQuery = z
  .object({
    level: zLevel,
    id: z.string().min(1),
    year: z.coerce.number().int().min(2014).max(2100),
    at: zDate
      .optional()
      .describe(
        'Use only days up to this date (the forecast as it stood then); default today, or the year’s end for a past year',
      ),
    asOf: zInstant.optional().describe('Use only what had arrived by this instant'),
    interval: z.coerce.number().gt(0.5).lt(1).default(0.8).describe('Central probability of the projection interval'),
  })
  .strict();
export type ForecastQuery = z.infer<typeof zForecastQuery>;

export const zForecastResponse = z.object({
  level: zLevel,
  id: z.string(),
  year: z.number().int(),
  at: z.string(),
  target: z
    .object({ value: z.number().nullable(), source: z.string() })
    .describe('The PM2.5 annual-mean target in force (TARGETS_FILE over the defaults)'),
  ytd: z.object({ mean: z.number().nullable(), validDays: z.number().int(), throughDay: z.string() }),
  remainingDays: z.number().int(),
  budget: z.object({
    maxMean: z
      .number()
      .nullable()
      .describe(
        'Highest mean the rest of the year may average (all its days valid) for the annual mean as published (GB/T 8170, integer) to stay at or below the target; null when impossible, when the year cannot reach 324 valid days, or when it is over',
      ),
    impossible: z.boolean().describe('Even a rest of year at 0 would not meet the target'),
    validYearPossible: z
      .boolean()
      .describe('The valid days so far plus the days left reach the 324 an annual mean needs (GB 3095 Table 4)'),
    reason: z.string().nullable().describe('Why there is no budget'),
  }),
  projection: z
    .object({
      mean: z.number(),
      lower: z.number(),
      upper: z.number(),
      level: z.number(),
      yearsUsed: z.array(z.number().int()),
      trendPerYear: z
        .number()
        .describe('Fitted change per year of the log rest-of-year / year-to-date ratio of the years used'),
    })
    .nullable()
    .describe(
      'Annual mean projected from the earlier years’ rest-of-year / year-to-date ratios with a linear trend over years (t prediction interval at `level`); null with fewer than three such years',
    ),
  probability: z
    .number()
    .nullable()
    .describe('Chance that the annual mean as published meets the target; null when the year cannot be judged'),
  verdict: z.enum(['met', 'not met', 'on track', 'at risk', 'off track', 'unknown']),
  method: z.string(),
});
export type ForecastResponse = z.infer<typeof zForecastResponse>;

export const zTrendsQuery = z
  .object({
    pollutant: z
      .enum(['pm25', 'pm10', 'no2', 'so2', 'co', 'o3', 'o3_mda8'])
      .default('pm25')
      .describe('Monthly means of the daily values (o3: daily max 1-h; o3_mda8: MDA8)'),
    level: zLevel,
    id: z.string().min(1),
    from: zTimeParam,
    to: zTimeParam,
    target: z.coerce
      .number()
      .positive()
      .optional()
      .describe('A level to reach (default for pm25: the annual target in force at the end)'),
    asOf: zInstant.optional(),
  })
  .strict();
export type TrendsQuery = z.infer<typeof zTrendsQuery>;

export const zTrendsResponse = z.object({
  pollutant: z.string(),
  level: zLevel,
  id: z.string(),
  from: z.string(),
  to: z.string(),
  target: z.number().nullable(),
  monthly: z
    .array(z.object({ month: z.string(), value: z.number().nullable() }))
    .describe('Monthly means used (null: fewer than 27 valid days, 25 in February)'),
  trend: zTrendResult,
  method: z.string(),
});
export type TrendsResponse = z.infer<typeof zTrendsResponse>;
