import { z } from 'zod';
import { NULL_NEEDS_REASON, nullHasReason, READING_FIELDS, zReading, zReadingFields, type Reading } from './reading';
import { zReject } from './reject';

/**
 * Reading fields a message may write once for all its readings (format 2): a feed delivers a
 * station-hour's pollutants together, and these are the same for all of them.
 */
export const SHAREABLE_READING_FIELDS = ['station', 'time', 'status', 'source', 'arrivedAt', 'sourceValid', 'sourceFlag', 'unit'] as const;

/** Format 2: the shared fields are checked once, and each reading's own fields alone. */
const zSomeFields = zReadingFields.partial();
const REQUIRED = (Object.keys(zReadingFields.shape) as (keyof Reading)[]).filter((k) => !zReadingFields.shape[k].safeParse(undefined).success);

type SomeFields = z.output<typeof zSomeFields>;

/** A reading of format 2: its own fields over the shared ones, the optional ones only where given. */
function overlay(shared: SomeFields, own: SomeFields): SomeFields {
  const r: Record<string, unknown> = {};
  for (const k of READING_FIELDS) {
    const v = own[k] !== undefined ? own[k] : shared[k];
    if (v !== undefined) r[k] = v;
  }
  return r as SomeFields;
}

/**
 * The envelope on the bus (Kafka message value or in-process message). Readings of one message
 * share the message key, their station code, so a station's readings stay ordered on one
 * partition; a message of rejects is keyed by its source. `v` lets the format evolve: 1 writes
 * every reading whole, 2 may write the fields they share once in `shared` (a third the bytes for
 * a station-hour). Both are read. In format 2 each reading is `shared` overlaid with its own
 * fields; `shared` is checked once (an error names `shared.field`), each reading's own fields
 * and what the two make together per reading (an error names `readings.N.field`).
 */
export const zReadingBatch = z
  .object({
    v: z.union([z.literal(1), z.literal(2)]),
    shared: z.unknown().optional(),
    readings: z.array(z.unknown()).default([]),
    rejects: z.array(zReject).default([]),
  })
  .transform((b, ctx) => {
    const readings: Reading[] = [];
    const issue = (path: PropertyKey[], message: string): void => void ctx.addIssue({ code: 'custom', path, message });
    const at = (i: number, path: readonly PropertyKey[]): PropertyKey[] => ['readings', i, ...path];
    if (b.v === 1 || b.shared === undefined) {
      b.readings.forEach((r, i) => {
        const p = zReading.safeParse(r);
        if (p.success) readings.push(p.data);
        else for (const e of p.error.issues) issue(at(i, e.path), e.message);
      });
    } else {
      const shared = zSomeFields.safeParse(b.shared);
      if (!shared.success) {
        for (const e of shared.error.issues) issue(['shared', ...e.path], e.message);
        return z.NEVER;
      }
      const sh = shared.data;
      b.readings.forEach((r, i) => {
        const own = zSomeFields.safeParse(r);
        if (!own.success) {
          for (const e of own.error.issues) issue(at(i, e.path), e.message);
          return;
        }
        const reading = overlay(sh, own.data);
        const missing = REQUIRED.filter((k) => reading[k] === undefined);
        for (const k of missing) issue(at(i, [k]), 'required (in the reading or in shared)');
        if (!nullHasReason(reading)) issue(at(i, ['missingReason']), NULL_NEEDS_REASON);
        if (missing.length === 0) readings.push(reading as Reading);
      });
    }
    if (b.readings.length + b.rejects.length === 0) issue([], 'an empty message');
    return { v: b.v, readings, rejects: b.rejects };
  });
export type ReadingBatch = z.output<typeof zReadingBatch>;
