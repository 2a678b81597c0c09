import { READING_FIELDS, type Reading } from '../../schemas/reading';
import { SHAREABLE_READING_FIELDS, type ReadingBatch } from '../../schemas/reading-batch';
import type { Reject } from '../../schemas/reject';

export interface OutgoingMessage {
  key: string;
  value: string;
}

const REJECTS_PER_MESSAGE = 1_000;
/** ~400 bytes a reading: 500 keep a message near 200 kB, well under Kafka's 1 MB default limit. */
const READINGS_PER_MESSAGE = 500;

type Shareable = (typeof SHAREABLE_READING_FIELDS)[number];

const sameField = (k: Shareable, a: Reading, b: Reading): boolean =>
  k === 'source'
    ? a.source.kind === b.source.kind && a.source.id === b.source.id && a.source.publishedAt === b.source.publishedAt
    : a[k] === b[k];

/** The fields every reading of the chunk has, with one value: written once in the message. */
function sharedFields(chunk: readonly Reading[]): Set<Shareable> {
  const first = chunk[0] as Reading;
  const shared = new Set<Shareable>();
  if (chunk.length < 2) return shared;
  for (const k of SHAREABLE_READING_FIELDS) {
    if (first[k] !== undefined && chunk.every((r) => sameField(k, first, r))) shared.add(k);
  }
  return shared;
}

function encodeChunk(chunk: readonly Reading[]): string {
  const keys = sharedFields(chunk);
  if (keys.size === 0) return JSON.stringify({ v: 1, readings: chunk as Reading[], rejects: [] } satisfies ReadingBatch);
  const first = chunk[0] as Reading;
  const shared: Record<string, unknown> = {};
  for (const k of keys) shared[k] = first[k];
  const ownKeys = READING_FIELDS.filter((k) => !keys.has(k as Shareable));
  const own = chunk.map((r) => {
    const o: Record<string, unknown> = {};
    for (const k of ownKeys) if (r[k] !== undefined) o[k] = r[k];
    return o;
  });
  return JSON.stringify({ v: 2, shared, readings: own });
}

/**
 * Readings become messages keyed by station code (so a station stays ordered on one partition),
 * at most 500 readings to a message, the fields they all share written once (format 2).
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
    for (let i = 0; i < list.length; i += READINGS_PER_MESSAGE) out.push({ key, value: encodeChunk(list.slice(i, i + READINGS_PER_MESSAGE)) });
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
