import { z } from 'zod';
import { zReading } from './reading';

/**
 * The envelope of readings on the bus (Kafka message value or in-process message). All readings
 * of one message share the message key, the station code, so a station's readings stay ordered
 * on one partition. `v` lets the format evolve without breaking consumers.
 */
export const zReadingBatch = z.object({
  v: z.literal(1),
  readings: z.array(zReading).min(1),
});
export type ReadingBatch = z.infer<typeof zReadingBatch>;
