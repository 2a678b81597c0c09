import type { Reading } from '../../schemas/reading';
import type { ReadingBatch } from '../../schemas/reading-batch';
import type { Reject } from '../../schemas/reject';

export interface OutgoingMessage {
  key: string;
  value: string;
}

const REJECTS_PER_MESSAGE = 1_000;

/** Readings become one message per station (key = station code), so a station stays ordered. */
export function encodeReadings(readings: readonly Reading[]): OutgoingMessage[] {
  const byStation = new Map<string, Reading[]>();
  for (const r of readings) {
    const list = byStation.get(r.station);
    if (list) list.push(r);
    else byStation.set(r.station, [r]);
  }
  return [...byStation].map(([key, list]) => {
    const batch: ReadingBatch = { v: 1, readings: list, rejects: [] };
    return { key, value: JSON.stringify(batch) };
  });
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
