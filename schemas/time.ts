import { z } from 'zod';
import { HOUR_MS } from '../kernel';

/**
 * The calendar fields are real: Date.parse would quietly roll 2025-02-30 over to 2 March, so the
 * written date and time must survive a round trip at their own offset.
 */
const checked = new Map<string, boolean>();

/** Remembered per text: a batch repeats a few dozen instants thousands of times. */
function isRealInstant(s: string): boolean {
  let ok = checked.get(s);
  if (ok === undefined) {
    if (checked.size >= 50_000) checked.clear();
    ok = checkInstant(s);
    checked.set(s, ok);
  }
  return ok;
}

function checkInstant(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(s);
  const ms = Date.parse(s);
  if (!m || Number.isNaN(ms)) return false;
  const [y, mo, d, h, mi] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const se = m[6] === undefined ? 0 : Number(m[6]);
  // ISO 8601's 24:00 (the end of a day, as an hour-ending label 24) is allowed on the hour.
  const endOfDay = h === 24 && mi === 0 && se === 0;
  const check = new Date(Date.UTC(y, mo - 1, d, endOfDay ? 0 : h, mi, se));
  return (
    check.getUTCFullYear() === y &&
    check.getUTCMonth() === mo - 1 &&
    check.getUTCDate() === d &&
    check.getUTCHours() === (endOfDay ? 0 : h) &&
    check.getUTCMinutes() === mi &&
    check.getUTCSeconds() === se
  );
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant as ISO 8601 with an explicit offset (ARCHITECTURE.md invariant 4: time is explicit).
 * A bare local time is refused rather than guessed.
 */
export const zInstant = z
  .string()
  .regex(ISO_WITH_OFFSET, 'expected an ISO 8601 instant with offset, e.g. 2025-03-01T01:00:00+08:00')
  .refine(isRealInstant, 'not a real date and time (e.g. 30 February, hour 25)')
  .describe('ISO 8601 instant with offset');
export type Instant = z.infer<typeof zInstant>;

/** The hours the store can hold: ClickHouse's DateTime is whole seconds from 1970 in 32 bits. */
const HOUR_RANGE = { fromMs: 0, toMs: 2 ** 32 * 1000 } as const;

/** The instant a text names (epoch ms), when it is a real instant with an offset ({@link zInstant}). */
export function realInstantMs(s: string): number | undefined {
  return zInstant.safeParse(s).success ? Date.parse(s) : undefined;
}

/**
 * The instant a text names, when it is a real instant the store's DateTime can hold; else
 * undefined (a reject then keeps the time only as written).
 */
export function storableInstantMs(s: string): number | undefined {
  const ms = realInstantMs(s);
  return ms === undefined || ms < HOUR_RANGE.fromMs || ms >= HOUR_RANGE.toMs ? undefined : ms;
}

/** An hour-ending instant: the end of the averaging hour, on an exact hour boundary. */
export const zHourEnding = zInstant
  .refine((s) => Date.parse(s) % HOUR_MS === 0, 'must fall exactly on the hour (the end of the averaging hour)')
  .refine((s) => {
    const ms = Date.parse(s);
    return !(ms < HOUR_RANGE.fromMs || ms >= HOUR_RANGE.toMs);
  }, 'outside the hours the store keeps (1970-01-01 to 2106-02-07 UTC)')
  .describe('Hour-ending instant (the 01:00 value covers 00:00–01:00), ISO 8601 with offset');
