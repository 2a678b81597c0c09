import { zReadingBatch, type ReadingBatch } from './reading-batch';
import { deadLetter, ok, type Outcome } from '../kernel';
import type { BusMessage } from './message';

const MAX_REASON_ISSUES = 5;

/**
 * A bus message becomes its readings, or a dead letter naming the field and why. Ingest validated
 * these readings already; a message failing here was corrupted or written by something else.
 */
export function decodeMessage(message: BusMessage): Outcome<ReadingBatch> {
  let json: unknown;
  try {
    json = JSON.parse(message.value);
  } catch (err) {
    return deadLetter('MESSAGE_MALFORMED', `not JSON: ${(err as Error).message}`);
  }
  const parsed = zReadingBatch.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, MAX_REASON_ISSUES)
      .map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`);
    return deadLetter('MESSAGE_MALFORMED', `not a reading batch: ${issues.join('; ')}`);
  }
  const foreign = parsed.data.readings.find((r) => message.key !== null && r.station !== message.key);
  if (foreign) {
    return deadLetter('MESSAGE_MALFORMED', `reading for station ${foreign.station} under message key ${message.key}`);
  }
  return ok(parsed.data);
}

/** Why a message's refused readings were dead-lettered: how many of how many, and the first problems. */
export function refusedReason(batch: ReadingBatch): string {
  const reasons = batch.refused.flatMap((r) => r.reasons).slice(0, MAX_REASON_ISSUES);
  return `${batch.refused.length} of ${batch.readings.length + batch.refused.length} readings refused: ${reasons.join('; ')}`;
}
