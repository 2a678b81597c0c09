import type { Reading } from '../../schemas/reading';
import type { ReadingBatch } from '../../schemas/reading-batch';
import type { Reject } from '../../schemas/reject';

export interface OutgoingMessage {
  key: string;
  value: string;
}

const REJECTS_PER_MESSAGE = 1_000;
/** ~400 bytes a reading: 500 keep a message near 200 kB, well under Kafka's 1 MB default limit. */
const READINGS_PER_MESSAGE = 500;

/**
 * Readings become messages keyed by station code (so a station stays ordered on one partition),
 * at most 500 readings to a message.
 */
export function encodeReadings(readings: readonly Reading[]): OutgoingMessage[] {
  const byStation = new Map<string, Reading[]>();
  for (const r of readings) {
    const list = byStation.get(r.station);
    if (list) list.push(r);
    else byStation.set(r.station, [r]);
  }
  const out: OutgoingMessage[] = [];
  for (const [key, list] of byStation) {
    for (let i = 0; i < list.length; i += READINGS_PER_MESSAGE) {
      const batch: ReadingBatch = { v: 1, readings: list.slice(i, i + READINGS_PER_MESSAGE), rejects: [] };
      out.push({ key, value: JSON.stringify(batch) });
    }
  }
  return out;
}

/** Rejects travel in messages keyed by their source, at most 1,000 to a message. */
export function encodeRejects(rejects: readonly Reject[]): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let i = 0; i < rejects.length; i += REJECTS_PER_MESSAGE) {
    const chunk = rejects.slice(i, i + REJECTS_PER_MESSAGE);
    const batch: ReadingBatch = { v: 1, readings: [], rejects: chunk };
    out.push({ key: `rejects:${chunk[0]?.sourceId ?? ''}`, value: JSON.stringify(batch) });
  }
  return out;
}
