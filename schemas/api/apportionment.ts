import { z } from 'zod';
import { zTimeParam } from './common';

export const zRegionalQuery = z
  .object({
    city: z.string().min(1).describe('Prefecture city as in the station list'),
    from: zTimeParam,
    to: zTimeParam,
    pollutant: z.enum(['pm25', 'pm10', 'no2', 'so2', 'co', 'o3']).default('pm25'),
    resolution: z.enum(['day', 'month', 'year']).default('month'),
    method: z
      .enum(['control', 'percentile'])
      .default('control')
      .describe(
        'Background from the city’s control stations (对照点), or a low percentile of the stations around it each hour',
      ),
    percentile: z.coerce
      .number()
      .min(0)
      .max(50)
      .default(10)
      .describe('method=percentile: which percentile (HJ 663 formula)'),
    radiusKm: z.coerce
      .number()
      .min(5)
      .max(500)
      .default(50)
      .describe('method=percentile: stations within this distance of the city’s stations’ centre'),
  })
  .strict();
export type RegionalQuery = z.infer<typeof zRegionalQuery>;

export const zRegionalResponse = z.object({
  city: z.string(),
  pollutant: z.string(),
  resolution: z.enum(['day', 'month', 'year']),
  method: z.string().describe('How the background was formed, with its parameters'),
  stations: z
    .object({ city: z.array(z.string()), background: z.array(z.string()) })
    .describe('Stations behind the city value and the background'),
  coverage: z.object({ hours: z.number().int(), usedHours: z.number().int() }),
  periods: z.array(
    z.object({
      period: z.string().describe('YYYY-MM-DD, YYYY-MM or YYYY (CST)'),
      hours: z.number().int(),
      city: z.number(),
      background: z.number(),
      increment: z.number().describe('city − background'),
      localShare: z.number().describe('increment / city'),
    }),
  ),
});
export type RegionalResponse = z.infer<typeof zRegionalResponse>;

export const zTransportQuery = z
  .object({
    pollutant: z.enum(['pm25', 'pm10', 'no2', 'so2', 'co', 'o3']).default('pm25'),
    from: zTimeParam,
    to: zTimeParam,
    maxLag: z.coerce
      .number()
      .int()
      .min(1)
      .max(72)
      .default(24)
      .describe(
        'Longest lag tried, hours. The regression then has 6 + maxLag parameters (intercept, the source at t, the two other provinces at t and t − 1, and the source at each lag tried); an answer needs at least 10 hours per parameter (60 + 10 × maxLag: 300 h for the default 24) with data in every province and in every pair’s regression, or it is refused (422 QUERY_UNPROCESSABLE)',
      ),
    alpha: z.coerce
      .number()
      .gt(0)
      .lt(0.5)
      .default(0.01)
      .describe('Family-wise significance level (Bonferroni over pairs and lags)'),
  })
  .strict();
export type TransportQuery = z.infer<typeof zTransportQuery>;

export const zTransportResponse = z.object({
  pollutant: z.string(),
  from: z.string(),
  to: z.string(),
  method: z.string(),
  hours: z.number().int().describe('Hours in from/to'),
  minHours: z
    .number()
    .int()
    .describe('The fewest hours an answer may rest on: 10 per parameter of the lagged regression, 10 × (6 + maxLag)'),
  provinces: z
    .array(
      z.object({
        province: z.string(),
        hoursUsed: z.number().int().describe('Hours with data: a valid, positive value (the analysis takes logs)'),
      }),
    )
    .describe('What the answer rests on: each province’s hours with data in from/to'),
  maxLag: z.number().int(),
  alpha: z.number(),
  pairs: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      lagHours: z.number().int().nullable().describe('Best lag when significant'),
      effect: z.number().describe('Coefficient of the source’s innovation at that lag (log units)'),
      t: z.number(),
      pValue: z.number(),
      significant: z.boolean(),
      profile: z.array(z.object({ lag: z.number().int(), t: z.number() })),
      hoursUsed: z
        .number()
        .int()
        .describe(
          'Hours the pair’s regressions rest on: those with every term present (pairwise-complete), the fewest over the lags tried',
        ),
    }),
  ),
});
export type TransportResponse = z.infer<typeof zTransportResponse>;
