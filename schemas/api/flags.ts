import { z } from 'zod';
import { zPollutant } from '../pollutant';
import { zQcFlag } from '../qc';
import { zProvince, zStationCode } from '../station';
import { zLimit, zTimeParam } from './common';

export const zFlagsQuery = z
  .object({
    centre: zProvince
      .optional()
      .describe('Only this centre’s (province’s) stations; a centre key sees only its own, the coordinator all'),
    from: zTimeParam.optional().describe('Arrived from (included); default 7 days ago'),
    to: zTimeParam.optional().describe('Arrived until (a date is included, an instant excluded); default now'),
    flag: zQcFlag.optional().describe('Only revisions carrying this flag'),
    pollutant: zPollutant.optional(),
    station: zStationCode.optional(),
    limit: zLimit(10_000, 1_000),
  })
  .strict();
export type FlagsQuery = z.infer<typeof zFlagsQuery>;

export const zFlaggedRevision = z.object({
  station: z.string(),
  pollutant: zPollutant,
  time: z.string().describe('Hour-ending instant (UTC)'),
  value: z.number().nullable().describe('The value as it arrived (quality control never changes it)'),
  unit: z.string().describe('Canonical unit: mg/m³ for CO, µg/m³ otherwise'),
  flags: z.array(zQcFlag),
  reasons: z
    .array(z.string())
    .describe('One per flag, in the flags’ order: the rule and its limit (docs/standards.md §2.4)'),
  valid: z.boolean().describe('Counted in statistics: false when a flag invalidates the value'),
  status: z.enum(['provisional', 'audited']),
  sourceKind: z.enum(['feed', 'push', 'backfill']),
  sourceId: z.string(),
  arrivedAt: z.string(),
});
export type FlaggedRevision = z.infer<typeof zFlaggedRevision>;

export const zFlagsResponse = z.object({
  flags: z
    .array(zFlaggedRevision)
    .describe(
      'One item per revision with quality-control flags that arrived in the range, newest first: each time a value the centre sent was set aside or doubted, even where a later revision replaced it',
    ),
  truncated: z.boolean().describe('More revisions matched than `limit`'),
});
export type FlagsResponse = z.infer<typeof zFlagsResponse>;
