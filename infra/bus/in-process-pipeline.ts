import type { ReadingSink } from '../../ingest';
import type { Logger } from '../../kernel';
import { createProcessor } from '../../processing';
import type { StoreConnection } from '../clickhouse/client';
import { createStoreDeadLetterSink } from '../clickhouse/dead-letters.clickhouse';
import { createClickHouseReadingStore } from '../clickhouse/reading-store.clickhouse';
import { createInProcessBus } from './in-process-bus';

/**
 * The whole pipeline in one process for a one-shot load (the backfill command, the bench): an
 * in-process bus whose messages a processor stores, refused readings dead-lettered into the same
 * store. `stop` lets the processor finish what it took and waits for it.
 */
export function startInProcessPipeline(
  store: StoreConnection,
  logger: Logger,
  opts: { maxBatchMessages?: number } = {},
): { sink: ReadingSink; stop(): Promise<void> } {
  const readingStore = createClickHouseReadingStore(store);
  const bus = createInProcessBus({ logger, maxBatchMessages: opts.maxBatchMessages });
  const processor = createProcessor({
    source: bus.source,
    store: readingStore,
    deadLetters: createStoreDeadLetterSink(readingStore),
    logger,
  });
  const running = processor.run();
  return {
    sink: bus.sink,
    async stop() {
      await processor.stop();
      await running;
    },
  };
}
