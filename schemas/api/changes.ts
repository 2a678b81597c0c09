import { z } from 'zod';
import { zPollutant } from '../pollutant';
import { zProvince } from '../station';
import { zInstant } from '../time';
import { zLimit } from './common';

export const zChangesQuery = z
  .object({
    since: zInstant.describe('Revisions that arrived after this instant'),
    province: zProvince.optional(),
    pollutant: zPollutant.optional(),
    limit: zLimit(50_000, 10_000),
    after: z.string().optional().describe('The `next` cursor of the previous page'),
  })
  .strict();
export type ChangesQuery = z.infer<typeof zChangesQuery>;

/** What a revision is to the one it replaces (the store sets it as it admits the revision). */
export const zChangeKind = z
  .enum(['first', 'correction', 'audit', 're-judged', 'unknown'])
  .describe(
    "first: the identity's first value of its status (nothing replaced); correction: a later value of the same status; audit: the first audited value, replacing the provisional one; re-judged: the same value with a new QC verdict, because the same hour's PM2.5 or PM10 changed (pm25_above_pm10); unknown: stored before kinds were kept",
  );

export const zChange = z.object({
  station: z.string(),
  pollutant: zPollutant,
  time: z.string().describe('Hour-ending instant (UTC)'),
  value: z.number().nullable(),
  valid: z.boolean(),
  status: z.enum(['provisional', 'audited']),
  sourceKind: z.enum(['feed', 'push', 'backfill']),
  sourceId: z.string(),
  arrivedAt: z.string().describe('When the revision arrived; for re-judged, when the change that re-judged it arrived'),
  kind: zChangeKind,
  previous: z
    .object({ value: z.number().nullable(), valid: z.boolean() })
    .nullable()
    .describe(
      'The value and verdict of the revision this one replaces (for an audit, the provisional one); null for a first or unknown',
    ),
});
export type Change = z.infer<typeof zChange>;

export const zChangesResponse = z.object({
  changes: z.array(zChange).describe('In order of arrival; audited replacements included'),
  next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
});
