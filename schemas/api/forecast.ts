import { z } from 'zod';
import { zInstant } from '../time';
import { zLevel } from './aqi';
import { zTimeParam } from './common';
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
    maxMean: z.number().nullable().describe('Highest mean the rest of the year may average and still meet the target'),
    impossible: z.boolean(),
  }),
  projection: z
    .object({
      mean: z.number(),
      lower: z.number(),
      upper: z.number(),
      level: z.number(),
      yearsUsed: z.array(z.number().int()),
    })
    .nullable(),
  probability: z.number().nullable().describe('Chance that the rounded annual mean meets the target'),
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
