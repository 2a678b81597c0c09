import { z } from 'zod';
import { zPollutant, zUnit } from './pollutant';
import { zStationCode } from './station';
import { zHourEnding, zInstant } from './time';

export const zReadingStatus = z
  .enum(['provisional', 'audited'])
  .describe('provisional (real-time) or audited (validated by the centre); audited beats provisional');
export type ReadingStatus = z.infer<typeof zReadingStatus>;

export const zSourceKind = z.enum(['feed', 'push', 'backfill']);
export type SourceKind = z.infer<typeof zSourceKind>;

/** Where a revision came from: a pulled feed, a centre's push or an archive backfill. */
export const zReadingSource = z.object({
  kind: zSourceKind,
  id: z.string().min(1).describe('Feed name, pushing centre or backfill file'),
  publishedAt: zInstant.optional().describe("The source's own publication time, where it gives one"),
});
export type ReadingSource = z.infer<typeof zReadingSource>;

/** The fields of a reading, each checked alone ({@link zReading} adds the check across them). */
export const zReadingFields = z.object({
  station: zStationCode,
  pollutant: zPollutant,
  time: zHourEnding,
  value: z.number().finite().nullable().describe('Hourly mean in the canonical unit, null when missing'),
  unit: zUnit,
  originalUnit: z.string().optional().describe('Unit as the source sent it, where it differs'),
  missingReason: z.string().optional().describe('Why value is null (the source marker seen)'),
  sourceFlag: z.string().optional().describe("The source's own flag, verbatim (e.g. N, B, H)"),
  sourceValid: z.boolean().describe('Whether the source marks the value valid for statistics'),
  status: zReadingStatus,
  source: zReadingSource,
  arrivedAt: zInstant.describe('When yrd-air first received this revision'),
});

/** Every field of a reading, in the schema's order (what a message writes, and reads back). */
export const READING_FIELDS = Object.keys(zReadingFields.shape) as (keyof z.infer<typeof zReadingFields>)[];

/** A missing value says why (the source marker seen). */
export const nullHasReason = (r: { value?: number | null; missingReason?: string }): boolean =>
  r.value !== null || r.missingReason !== undefined;
export const NULL_NEEDS_REASON = 'a null value needs a missingReason';

/**
 * One arrival of an hourly reading: a revision of the identity (station, pollutant, time)
 * (ARCHITECTURE.md invariant 2). Values are in the canonical unit; the unit they arrived in is kept.
 * A missing value is `null` with the reason; a source flag is kept verbatim with its meaning.
 */
export const zReading = zReadingFields.refine(nullHasReason, { message: NULL_NEEDS_REASON, path: ['missingReason'] });
export type Reading = z.infer<typeof zReading>;
