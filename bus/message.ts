/** One message as the bus delivered it; `value` is undecoded so malformed input can be dead-lettered. */
export interface BusMessage {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
}

/**
 * A message for the bus. Readings travel without a key, on the partition their station's code
 * hashes to (`partition`, where the bus has several): several stations share a message, and
 * each station still stays on one partition, in order. Rejects are keyed by their source.
 */
export interface OutgoingMessage {
  key: string | null;
  value: string;
  partition?: number;
}

/** Which of the topic's partitions a station's readings go to. */
export type PartitionOf = (station: string) => number;

/** Format 3 writes at most this many readings to a message (~30–100 bytes each as written). */
export const MAX_READINGS_PER_MESSAGE = 2_000;

/** Rejects travel at most this many to a message. */
export const MAX_REJECTS_PER_MESSAGE = 1_000;
