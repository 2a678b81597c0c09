import { z } from 'zod';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant as ISO 8601 with an explicit offset (DESIGN.md invariant 4: time is explicit).
 * A bare local time is refused rather than guessed.
 */
export const zInstant = z
  .string()
  .regex(ISO_WITH_OFFSET, 'expected an ISO 8601 instant with offset, e.g. 2025-03-01T01:00:00+08:00')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date and time')
  .describe('ISO 8601 instant with offset');
export type Instant = z.infer<typeof zInstant>;

/** An hour-ending instant: the end of the averaging hour, on an exact hour boundary. */
export const zHourEnding = zInstant
  .refine((s) => Date.parse(s) % 3_600_000 === 0, 'must fall exactly on the hour (the end of the averaging hour)')
  .describe('Hour-ending instant (the 01:00 value covers 00:00–01:00), ISO 8601 with offset');
