import { READING_FIELDS, type Reading, type Reject } from '../schemas';
import { MAX_READINGS_PER_MESSAGE, MAX_REJECTS_PER_MESSAGE, type OutgoingMessage, type PartitionOf } from './message';

type Field = (typeof READING_FIELDS)[number];

const sameField = (k: Field, a: Reading, b: Reading): boolean =>
  k === 'source'
    ? a.source.kind === b.source.kind && a.source.id === b.source.id && a.source.publishedAt === b.source.publishedAt
    : a[k] === b[k];

/** Format 3: a field all readings have the same is written once, any other as a column. */
function encodeChunk(chunk: readonly Reading[]): string {
  const first = chunk[0] as Reading;
  const shared: Record<string, unknown> = {};
  const columns: Record<string, unknown[]> = {};
  for (const k of READING_FIELDS) {
    let same = first[k] !== undefined;
    for (let i = 1; same && i < chunk.length; i++) same = sameField(k, first, chunk[i] as Reading);
    if (same) shared[k] = first[k];
    else if (chunk.some((r) => r[k] !== undefined)) columns[k] = chunk.map((r) => r[k] ?? null);
  }
  return JSON.stringify({ v: 3, n: chunk.length, shared, columns });
}

/**
 * Readings become messages of format 3 (README.md), one per partition their
 * stations hash to, at most 2,000 readings each, in the order given: a feed's hour of a
 * province is one message, not one per station-hour.
 */
export function encodeReadings(readings: readonly Reading[], partitionOf?: PartitionOf): OutgoingMessage[] {
  const byPartition = new Map<number, Reading[]>();
  for (const r of readings) {
    const p = partitionOf ? partitionOf(r.station) : 0;
    const list = byPartition.get(p);
    if (list) list.push(r);
    else byPartition.set(p, [r]);
  }
  const out: OutgoingMessage[] = [];
  for (const [partition, list] of byPartition) {
    for (let i = 0; i < list.length; i += MAX_READINGS_PER_MESSAGE) {
      const value = encodeChunk(list.slice(i, i + MAX_READINGS_PER_MESSAGE));
      out.push(partitionOf ? { key: null, value, partition } : { key: null, value });
    }
  }
  return out;
}

/** Rejects travel in messages of format 1 keyed by their source, at most 1,000 to a message. */
export function encodeRejects(rejects: readonly Reject[]): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let i = 0; i < rejects.length; i += MAX_REJECTS_PER_MESSAGE) {
    const chunk = rejects.slice(i, i + MAX_REJECTS_PER_MESSAGE);
    out.push({
      key: `rejects:${chunk[0]?.sourceId ?? ''}`,
      value: JSON.stringify({ v: 1, readings: [], rejects: chunk }),
    });
  }
  return out;
}
