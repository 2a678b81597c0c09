import type { DeadLetter } from '../schemas/dead-letter';

/** One message as the bus delivered it; `value` is undecoded so malformed input can be dead-lettered. */
export interface BusMessage {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
}

export interface SourceBatch {
  topic: string;
  partition: number;
  messages: BusMessage[];
}

/**
 * The processor's view of the bus (STYLE.md rule 1). `run` calls `onBatch` for each batch and
 * commits the batch's offsets only after `onBatch` resolved. When `onBatch` throws a retriable
 * `DependencyError`, the adapter backs off and retries the same batch without committing; any
 * other error stops `run` with that error, uncommitted.
 */
export interface ReadingSource {
  run(onBatch: (batch: SourceBatch) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface DeadLetterSink {
  publish(letters: readonly DeadLetter[]): Promise<void>;
}
