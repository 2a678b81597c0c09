import { z } from 'zod';

/** What a target bounds: the annual PM2.5 mean, the O3 MDA8 P90, the good-day or heavy-day ratio (%). */
export const zTargetIndicator = z.enum(['pm25_annual', 'o3_p90', 'good_day_ratio', 'heavy_day_ratio']);
export type TargetIndicator = z.infer<typeof zTargetIndicator>;

const zYear = z.number().int().min(2013).max(2100);

/**
 * One target rule: for an area (or every area of a level, `*`) and a span of years,
 * a bound on an indicator — absolute (`max`/`min`) or relative to the area's own value in a base
 * year (`relative`, e.g. −10 % vs 2020). Exact ids override `*`; a targets file overrides the
 * defaults for the same area, year and indicator.
 */
export const zTargetRule = z
  .object({
    level: z.enum(['city', 'province', 'region', '*']),
    id: z.string().min(1).describe('Area id, or * for every area of the level'),
    from: zYear.describe('First year the target applies to'),
    to: zYear.describe('Last year the target applies to'),
    indicator: zTargetIndicator,
    max: z.number().nonnegative().optional(),
    min: z.number().nonnegative().optional(),
    relative: z
      .object({
        baseYear: zYear,
        change: z.number().min(-1).max(1).describe('e.g. -0.1 for 10 % below the base year'),
        baseline: z.number().positive().optional().describe('The base-year value, when the store lacks that year'),
      })
      .optional(),
    source: z.string().min(1).describe('Where the target comes from'),
  })
  .strict()
  .refine((r) => [r.max, r.min, r.relative].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of max, min or relative',
  })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['to'] });
export type TargetRule = z.infer<typeof zTargetRule>;

export const zTargetsFile = z.object({ targets: z.array(zTargetRule) }).strict();
