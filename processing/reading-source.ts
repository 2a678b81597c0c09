import type { BusMessage } from '../bus';
import type { DeadLetter } from '../schemas';

export interface SourceBatch {
  topic: string;
  partition: number;
  messages: BusMessage[];
}

/**
 * The processor's view of the bus (ARCHITECTURE.md rule 1). `run` calls `onBatch` for each batch and
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
