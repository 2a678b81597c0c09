import type { Consumer, Kafka } from 'kafkajs';
import type { ReadingSource, SourceBatch } from '../../processing';
import { isRetriable, type Logger } from '../../kernel';
import { isTransientKafkaError, translateKafkaError } from './kafka-errors';

const MAX_BACKOFF_MS = 10_000;
/**
 * ~75,000 readings a partition per fetch in format 3 (~26 bytes a reading; kafkajs' default is
 * 1 MB): enough to spread the per-batch work (one look-up of stored revisions, one insert), small
 * enough that a lagging consumer's batch does not take hundreds of MB of objects (4 MB fetches,
 * ~150,000 readings, took the catching-up process to 964 MB in the bench; 2 MB was also faster
 * there, 128–152 k/s against 114 k/s). Waiting for fuller fetches (minBytes 0.5–1 MB) made the
 * end-to-end rate lower, not higher: it only delays the last batch.
 */
export const MAX_BYTES_PER_PARTITION = 2 * 1024 * 1024;
const MAX_FETCH_BYTES = 16 * 1024 * 1024;

export interface KafkaSourceOptions {
  topic: string;
  groupId: string;
  logger: Logger;
  /** Partitions handled at once by this consumer. */
  concurrency?: number;
  retryBaseMs?: number;
  sessionTimeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Consumer-group source: each partition's batch goes to `onBatch`; its offsets are committed only
 * after `onBatch` resolved. A retriable failure (store down) is retried on the same batch with
 * back-off while heartbeats keep the partition assigned; a stale batch (rebalance) is abandoned
 * uncommitted, so its new owner re-reads it. Anything else stops the consumer and rejects `run`.
 */
export function createKafkaReadingSource(kafka: Kafka, opts: KafkaSourceOptions): ReadingSource {
  const log = opts.logger.child({ module: 'processing.source', topic: opts.topic, groupId: opts.groupId });
  const retryBaseMs = opts.retryBaseMs ?? 200;
  let consumer: Consumer | undefined;
  let finish: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  return {
    async run(onBatch: (batch: SourceBatch) => Promise<void>): Promise<void> {
      const done = new Promise<void>((resolve, reject) => (finish = { resolve, reject }));
      consumer = kafka.consumer({
        groupId: opts.groupId,
        sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: 3_000,
        // Big fetches make big batches: the processor's per-batch work (one look-up of the stored
        // revisions, one insert) is then spread over tens of thousands of readings, not ~15,000.
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
        maxBytes: MAX_FETCH_BYTES,
        allowAutoTopicCreation: false,
        // Restart after transient failures (a broker gone, its metadata stale), stop on anything else.
        retry: { restartOnFailure: async (err) => isRetriable(err) || isTransientKafkaError(err) },
      });
      const c = consumer;
      c.on(c.events.CRASH, ({ payload }) => {
        if (!payload.restart) finish?.reject(payload.error);
      });
      try {
        await c.connect();
        await c.subscribe({ topic: opts.topic, fromBeginning: true });
      } catch (err) {
        throw translateKafkaError(err, 'connecting the consumer');
      }
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.concurrency ?? 1,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
          const last = batch.messages.at(-1);
          if (!last) return;
          const sourceBatch: SourceBatch = {
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages.map((m) => ({
              key: m.key?.toString('utf8') ?? null,
              value: m.value?.toString('utf8') ?? '',
              partition: batch.partition,
              offset: m.offset,
            })),
          };
          for (let attempt = 0; ; attempt++) {
            if (!isRunning() || isStale()) return; // uncommitted: re-read after restart or rebalance
            try {
              await onBatch(sourceBatch);
              break;
            } catch (err) {
              if (!isRetriable(err)) throw err;
              const delay = Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** attempt);
              log.warn({ err, partition: batch.partition, attempt, delayMs: delay }, 'batch failed, retrying');
              await heartbeat();
              await sleep(delay);
            }
          }
          resolveOffset(last.offset);
          await c.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
          await heartbeat();
        },
      });
      return done;
    },

    async stop(): Promise<void> {
      await consumer?.disconnect();
      finish?.resolve();
    },
  };
}
