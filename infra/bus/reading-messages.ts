import type { Reading } from '../../schemas/reading';
import type { ReadingBatch } from '../../schemas/reading-batch';

export interface OutgoingMessage {
  key: string;
  value: string;
}

/** Readings become one message per station (key = station code), so a station stays ordered. */
export function encodeReadings(readings: readonly Reading[]): OutgoingMessage[] {
  const byStation = new Map<string, Reading[]>();
  for (const r of readings) {
    const list = byStation.get(r.station);
    if (list) list.push(r);
    else byStation.set(r.station, [r]);
  }
  return [...byStation].map(([key, list]) => {
    const batch: ReadingBatch = { v: 1, readings: list };
    return { key, value: JSON.stringify(batch) };
  });
}
