import { z } from 'zod';
import { zReject } from '../reject';
import { zCentre } from '../station';
import { zLimit, zTimeParam } from './common';

export const zRejectsQuery = z
  .object({
    centre: zCentre.optional().describe('Only this centre’s rejects; a centre key sees only its own'),
    from: zTimeParam.optional().describe('Received from (included); default 7 days ago'),
    to: zTimeParam.optional().describe('Received until (a date is included, an instant excluded); default now'),
    code: z
      .string()
      .regex(/^[A-Z_]+$/)
      .optional()
      .describe('Only rejects with this error code'),
    limit: zLimit(10_000, 1_000),
  })
  .strict();
export type RejectsQuery = z.infer<typeof zRejectsQuery>;

export const zRejectsResponse = z.object({
  rejects: z.array(zReject),
  truncated: z.boolean().describe('More rejects matched than `limit`'),
});
