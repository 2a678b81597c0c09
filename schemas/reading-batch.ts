import { z } from 'zod';
import { zReading } from './reading';
import { zReject } from './reject';

/**
 * The envelope on the bus (Kafka message value or in-process message). Readings of one message
 * share the message key, their station code, so a station's readings stay ordered on one
 * partition; a message of rejects is keyed by its source. `v` lets the format evolve.
 */
export const zReadingBatch = z
  .object({
    v: z.literal(1),
    readings: z.array(zReading).default([]),
    rejects: z.array(zReject).default([]),
  })
  .refine((b) => b.readings.length + b.rejects.length > 0, 'an empty message');
export type ReadingBatch = z.output<typeof zReadingBatch>;
