import type { ReadingSink } from '../../ingest';
import type { BusMessage } from '../../bus';
import type { ReadingSource, SourceBatch } from '../../processing';
import type { Reading, Reject } from '../../schemas';
import { DependencyError, isRetriable, type Logger } from '../../kernel';
import { encodeReadings, encodeRejects, type OutgoingMessage } from '../../bus';

const TOPIC = 'in-process.readings';
const DEFAULT_MAX_BATCH_MESSAGES = 500;
const MAX_BACKOFF_MS = 5_000;

interface Pending {
  message: BusMessage;
  settle: (err?: Error) => void;
}

export interface InProcessBusOptions {
  logger: Logger;
  maxBatchMessages?: number;
  /** First retry delay after a retriable failure; doubles up to 5 s. */
  retryBaseMs?: number;
}

export interface InProcessBus {
  sink: ReadingSink;
  source: ReadingSource;
}

/**
 * The bus of the embedded mode: one process, one partition, no broker. `publish` resolves when
 * the processor has stored the batch holding the readings, so "durable" means "in the store"
 * (ARCHITECTURE.md invariant 1). A retriable failure retries the same batch; any other failure rejects
 * the publishers of that batch (their callers answer with an error and may resend) and `run`
 * goes on with the next batch.
 */
export function createInProcessBus(opts: InProcessBusOptions): InProcessBus {
  const log = opts.logger.child({ module: 'bus.in-process' });
  const maxBatch = opts.maxBatchMessages ?? DEFAULT_MAX_BATCH_MESSAGES;
  const retryBaseMs = opts.retryBaseMs ?? 100;
  const queue: Pending[] = [];
  let nextOffset = 0n;
  let running = false;
  let closed = false;
  let wake: (() => void) | undefined;
  let stopped: Promise<void> | undefined;

  const wakeUp = (): void => {
    wake?.();
    wake = undefined;
  };
  const idle = (ms?: number): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
      if (ms !== undefined) setTimeout(wakeUp, ms);
    });

  function enqueue(messages: OutgoingMessage[]): Promise<void> {
    if (closed)
      return Promise.reject(new DependencyError('BUS_UNAVAILABLE', 'bus', 'the in-process bus is closed', false));
    const waits = messages.map(
      ({ key, value }) =>
        new Promise<void>((resolve, reject) => {
          const message = { key, value, partition: 0, offset: String(nextOffset++) };
          queue.push({ message, settle: (err) => (err ? reject(err) : resolve()) });
        }),
    );
    wakeUp();
    return Promise.all(waits).then(() => undefined);
  }

  const sink: ReadingSink = {
    publish: (readings: readonly Reading[]) => enqueue(encodeReadings(readings)),
    publishRejects: (rejects: readonly Reject[]) => enqueue(encodeRejects(rejects)),
    async close(): Promise<void> {
      closed = true;
    },
  };

  async function loop(onBatch: (batch: SourceBatch) => Promise<void>): Promise<void> {
    let attempt = 0;
    while (running) {
      if (queue.length === 0) {
        await idle();
        continue;
      }
      const taken = queue.slice(0, maxBatch);
      try {
        await onBatch({ topic: TOPIC, partition: 0, messages: taken.map((p) => p.message) });
        queue.splice(0, taken.length);
        for (const p of taken) p.settle();
        attempt = 0;
      } catch (err) {
        if (isRetriable(err)) {
          const delay = Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** attempt++);
          log.warn({ err, attempt, delayMs: delay }, 'batch failed, retrying');
          await idle(delay);
          continue;
        }
        log.error({ err }, 'batch failed and cannot be retried; its publishers get the error');
        queue.splice(0, taken.length);
        for (const p of taken) p.settle(err as Error);
      }
    }
  }

  const source: ReadingSource = {
    run(onBatch) {
      if (running) throw new Error('the in-process bus already has a consumer');
      running = true;
      stopped = loop(onBatch);
      return stopped;
    },
    async stop() {
      running = false;
      wakeUp();
      await stopped;
      for (const p of queue.splice(0)) {
        p.settle(
          new DependencyError('BUS_UNAVAILABLE', 'bus', 'the processor stopped before storing this reading', true),
        );
      }
    },
  };

  return { sink, source };
}
