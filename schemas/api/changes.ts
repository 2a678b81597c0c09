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

export const zChange = z.object({
  station: z.string(),
  pollutant: zPollutant,
  time: z.string().describe('Hour-ending instant (UTC)'),
  value: z.number().nullable(),
  valid: z.boolean(),
  status: z.enum(['provisional', 'audited']),
  sourceKind: z.enum(['feed', 'push', 'backfill']),
  sourceId: z.string(),
  arrivedAt: z.string(),
});
export type Change = z.infer<typeof zChange>;

export const zChangesResponse = z.object({
  changes: z.array(zChange).describe('In order of arrival; audited replacements included'),
  next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
});
