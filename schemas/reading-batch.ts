import { z } from 'zod';
import { zReading } from './reading';
import { zReject } from './reject';

/**
 * Reading fields a message may write once for all its readings (format 2): a feed delivers a
 * station-hour's pollutants together, and these are the same for all of them.
 */
export const SHAREABLE_READING_FIELDS = ['station', 'time', 'status', 'source', 'arrivedAt', 'sourceValid', 'sourceFlag', 'unit'] as const;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Format 2 puts the fields its readings share in `shared`: each reading is `shared` overlaid with
 * its own fields, then validated like any other (so an error still names readings.N.field).
 */
function expandShared(input: unknown): unknown {
  if (!isRecord(input) || input.v !== 2 || input.shared === undefined) return input;
  const { shared, readings, ...rest } = input;
  if (!isRecord(shared) || !Array.isArray(readings)) return input; // refused below, with its path
  return { ...rest, readings: readings.map((r: unknown) => (isRecord(r) ? { ...shared, ...r } : r)) };
}

/**
 * The envelope on the bus (Kafka message value or in-process message). Readings of one message
 * share the message key, their station code, so a station's readings stay ordered on one
 * partition; a message of rejects is keyed by its source. `v` lets the format evolve: 1 writes
 * every reading whole, 2 may write the fields they share once in `shared` (a third the bytes for
 * a station-hour). Both are read.
 */
export const zReadingBatch = z.preprocess(
  expandShared,
  z
    .object({
      v: z.union([z.literal(1), z.literal(2)]),
      shared: z.record(z.string(), z.unknown()).optional(),
      readings: z.array(zReading).default([]),
      rejects: z.array(zReject).default([]),
    })
    .refine((b) => b.readings.length + b.rejects.length > 0, 'an empty message'),
);
export type ReadingBatch = z.output<typeof zReadingBatch>;
