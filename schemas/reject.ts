import { z } from 'zod';
import { zErrorCode } from './errors';
import { zInstant } from './time';

/**
 * A record refused at the ingest boundary or in processing: what, where from, which field, why
 * (ARCHITECTURE.md invariant 5). Rejects travel on the bus like readings, so an ingest process that
 * cannot reach the store still gets them into the rejects table.
 */
export const zReject = z.object({
  receivedAt: zInstant,
  centre: z.string().describe('Centre accountable for the record: the feed province or the pushing centre'),
  sourceKind: z.enum(['feed', 'push', 'backfill', 'bus']),
  sourceId: z.string(),
  recordIndex: z.number().int().describe('Position in the page, push body or file; -1 for the whole page'),
  station: z.string(),
  pollutant: z.string(),
  time: zInstant
    .nullable()
    .describe("The record's hour-ending instant, when its time is a real instant the store can hold; else null"),
  timeWritten: z
    .string()
    .default('')
    .describe(
      'The time exactly as the record wrote it (e.g. 2200-01-01T00:00:00Z, 2025-02-30T01:00:00+08:00); empty when it gave none, and for rejects stored before this field',
    ),
  code: zErrorCode,
  field: z.string(),
  reason: z.string(),
  record: z.string().describe('The raw record, truncated'),
});
export type Reject = z.infer<typeof zReject>;
