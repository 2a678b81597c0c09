import { z } from 'zod';
import { zInstant } from '../time';
import { zCityMda8, zLevel } from './common';

export const zComplianceQuery = z
  .object({
    level: zLevel,
    id: z.string().min(1),
    year: z.coerce.number().int().min(2013).max(2100),
    asOf: zInstant.optional().describe('Answer as the data stood at this instant: only what had arrived by then'),
    status: z
      .enum(['all', 'audited'])
      .default('all')
      .describe('audited: from audited values only, as official annual statistics are'),
    rank: z
      .enum(['true', 'false'])
      .default('false')
      .transform((s) => s === 'true')
      .describe(
        'Also rank the area among its peers (a station in its city, a city among the region’s cities, a province among the four) by the composite index',
      ),
    cityMda8: zCityMda8,
  })
  .strict();
export type ComplianceQuery = z.infer<typeof zComplianceQuery>;

const zAnnual = z.object({
  pollutant: z.enum(['so2', 'no2', 'pm10', 'pm25', 'co', 'o3']),
  nValid: z.number().int().describe('Valid daily values (MDA8 for O3)'),
  capture: z.number().describe('Valid days / days of the year'),
  meets324: z.boolean().describe('At least 324 valid daily values (GB 3095 Table 4)'),
  meetsMonthly: z
    .boolean()
    .describe('Every month ≥ 27 valid days, February ≥ 25 (reported apart: unverified in MEE practice)'),
  shortMonths: z.array(z.object({ month: z.number().int(), n: z.number().int(), required: z.number().int() })),
  mean: z
    .number()
    .nullable()
    .describe(
      'Annual mean, rounded as published (none for CO and O3). A province or region: the mean of its valid cities’ means — ' +
        'of them all only when cityCoverage.complete, else a partial mean of cityCoverage.valid cities',
    ),
  percentile: z
    .object({ p: z.number(), value: z.number().nullable() })
    .describe(
      'HJ 663 percentile of the daily values: P98 SO2/NO2, P95 PM10/PM2.5/CO, P90 O3 MDA8 (a province or region: the mean of its valid cities’, as mean)',
    ),
  complies: z
    .boolean()
    .nullable()
    .describe(
      'Against the Grade II limits of the regime; null when the statistic is not valid — for a province or region, unless every city’s is (cityCoverage.complete)',
    ),
  cityCoverage: z
    .object({
      expected: z.number().int().describe('Cities of the area on the station list in force on some day of the year'),
      valid: z
        .number()
        .int()
        .describe('Cities with a valid statistic (≥ 324 valid days): the mean is over these alone'),
      invalid: z
        .array(z.string())
        .describe('Cities with valid days, too few for a valid statistic: left out of the mean'),
      missing: z.array(z.string()).describe('Cities with no valid day: left out of the mean'),
      complete: z
        .boolean()
        .describe(
          'Every expected city valid: only then is the area’s statistic valid (meets324) and judged; otherwise complies is null and the targets on it are not judged either',
        ),
    })
    .nullable()
    .describe('A province or region: the cities its statistic rests on; null for a station or a city'),
});

const zDays = z.object({
  valid: z
    .number()
    .int()
    .describe(
      'Days with a daily AQI (HJ 633): the ratios are over these. A province or region: the sum over its cities (city-days)',
    ),
  good: z.number().int().describe('Daily AQI ≤ 100'),
  heavy: z.number().int().describe('Daily AQI > 200'),
  goodRatio: z.number().nullable().describe('% of valid days (a province or region: the mean of its cities’ ratios)'),
  heavyRatio: z.number().nullable().describe('% of valid days (a province or region: the mean of its cities’ ratios)'),
  partialDays: z
    .number()
    .int()
    .describe(
      'Valid days whose AQI stands on fewer indicators than the daily report has (a daily value missing). ' +
        'HJ 633-2012 (days to 2026-02-28; seven indicators, the O3 daily maximum 1-h among them): every such day ' +
        'with an AQI of the indicators present. HJ 633-2026 (from 2026-03-01; six indicators, no O3 maximum 1-h): ' +
        'only such days whose AQI of the indicators present is above 100 — the others have no AQI (withheldDays). ' +
        'A province or region: the sum over its cities (city-days)',
    ),
  withheldDays: z
    .number()
    .int()
    .describe(
      'Days with daily values but no AQI, not among the valid days: HJ 633-2026 §5.3 publishes the AQI of a day ' +
        'missing an indicator only above 100, else NA (only days from 2026-03-01). A province or region: city-days',
    ),
});

export const zTargetVerdict = z.object({
  indicator: z.enum(['pm25_annual', 'o3_p90', 'good_day_ratio', 'heavy_day_ratio']),
  bound: z.enum(['max', 'min']),
  target: z
    .number()
    .nullable()
    .describe('The bound (µg/m³ or %); null for a relative target whose base year has no valid value'),
  value: z.number().nullable().describe('The year’s value as published; null when not valid'),
  met: z.boolean().nullable(),
  source: z.string(),
  base: z
    .object({ year: z.number().int(), value: z.number().nullable(), change: z.number() })
    .optional()
    .describe('A relative target’s base year and value'),
});

export const zComplianceResponse = z.object({
  level: zLevel,
  id: z.string(),
  year: z.number().int(),
  regime: z.enum(['2012', '2026']).describe('Rules in force at the year’s end (2026: the verdict uses GB 3095-2026)'),
  targets: z
    .array(zTargetVerdict)
    .describe('The area’s targets for the year (TARGETS_FILE over the defaults of docs/standards.md §5), each judged'),
  stations: z.number().int(),
  cities: z.number().int(),
  pollutants: z.array(zAnnual),
  /** Meets the standard: all six pollutants valid and compliant. */
  complies: z.boolean().nullable(),
  composite: z.object({ index: z.number().nullable(), primary: z.array(z.string()), missing: z.array(z.string()) }),
  excludingExceptional: z
    .object({
      excludedCityDays: z.number().int().describe('City-days recorded as dust (exceptional) days in the area'),
      pollutants: z.array(zAnnual).describe('PM2.5 and PM10 without those days'),
      complies: z.boolean().nullable(),
      composite: z.object({ index: z.number().nullable(), primary: z.array(z.string()), missing: z.array(z.string()) }),
      days: zDays.describe('Day counts and ratios without those days (the second MEE reporting)'),
    })
    .nullable()
    .describe(
      'The same year without the recorded dust (exceptional) days, as official releases report both ways; null when none are recorded',
    ),
  days: zDays,
  rank: z
    .object({
      by: z.literal('composite index'),
      position: z
        .number()
        .int()
        .nullable()
        .describe('1 = cleanest; ties share a position; null when the area has no valid index'),
      of: z.number().int().describe('Peers with a valid index'),
      peers: z.string().describe('Who the area is ranked among'),
    })
    .nullable()
    .describe('With rank=true (null for a region)'),
  regimeParts: z
    .array(
      z.object({
        from: z.string(),
        to: z.string(),
        regime: z.enum(['2012', '2026']),
        pollutants: z.array(
          z.object({
            pollutant: z.string(),
            nValid: z.number().int(),
            mean: z.number().nullable(),
            percentile: z.object({ p: z.number(), value: z.number().nullable() }),
            complies: z
              .boolean()
              .nullable()
              .describe('Judged only with ≥ 324 valid days (in every city of a province or region): in practice never'),
            reason: z
              .string()
              .nullable()
              .describe(
                'Why complies is null: GB 3095 Table 4 has no rule for part of a year (docs/standards.md §2.1)',
              ),
          }),
        ),
      }),
    )
    .nullable()
    .describe(
      'A year that straddles a change of regime (2026): each part’s statistics under its own rules, not judged (a part cannot meet the 324-day rule); the annual verdict above uses the rules in force at the year’s end',
    ),
  method: z.string().describe('How the area values were formed'),
  status: z.enum(['all', 'audited']),
  auditedShare: z.number().nullable().describe('Share of the hourly values behind the statistics that are audited'),
});
export type ComplianceResponse = z.infer<typeof zComplianceResponse>;
