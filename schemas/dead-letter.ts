import { z } from 'zod';
import { zErrorCode } from './errors';
import { zInstant } from './time';

/** A bus message the processor could not use, with why (ARCHITECTURE.md invariant 1). */
export const zDeadLetter = z.object({
  code: zErrorCode,
  reason: z.string(),
  key: z.string().nullable(),
  value: z.string().describe('The original message value, truncated to 10,000 characters'),
  origin: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
  failedAt: zInstant,
});
export type DeadLetter = z.infer<typeof zDeadLetter>;
