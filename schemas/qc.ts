import { z } from 'zod';

/**
 * Quality-control flags added by processing. They never change a value (ARCHITECTURE.md invariant 3);
 * an invalidating flag keeps the value out of statistics.
 */
export const zQcFlag = z.enum([
  'missing',
  'source_invalid',
  'negative',
  'out_of_range',
  'pm25_above_pm10',
  'constant_run',
  'spike',
]);
export type QcFlag = z.infer<typeof zQcFlag>;

/** Flags that exclude a value from statistics; `constant_run` and `spike` only ask for review. */
export const INVALIDATING_QC_FLAGS: ReadonlySet<QcFlag> = new Set<QcFlag>([
  'missing',
  'source_invalid',
  'negative',
  'out_of_range',
  'pm25_above_pm10',
]);
