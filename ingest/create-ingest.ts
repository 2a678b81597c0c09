import { join } from 'node:path';
import type { Logger } from '../kernel';
import type { PushResult, FeedStatus, FeedDefinition, SourceFormat } from '../schemas';
import type { FeedAdapter } from './feed-adapter';
import type { IngestMetrics } from './metrics';
import { createPushIngest, type JudgeValues, type PushRequest } from './push';
import type { ReadingSink } from './reading-sink';
import { createPullScheduler, type PullScheduler } from './scheduler';
import { createStationRegistry, type StationRegistry } from './stations/registry';
import { createRegistryLoader } from './stations/registry-files';
import { createFileWatermarkStore } from './watermarks';

export interface IngestDeps {
  sink: ReadingSink;
  feeds: readonly FeedDefinition[];
  adapters: Record<SourceFormat, FeedAdapter>;
  /** Holds the station registry and the watermarks: reachable without the store. */
  dataDir: string;
  logger: Logger;
  /** Quality control's rules for the push answer's flagged values (processing's, wired in app/). */
  judge: JudgeValues;
  now?: () => Date;
  metrics?: IngestMetrics;
}

export interface Ingest {
  start(): void;
  stop(): Promise<void>;
  registry: () => StationRegistry;
  scheduler: PullScheduler;
  push(req: PushRequest): Promise<PushResult>;
  feeds(): FeedStatus[];
}

/** Ingest as one role (ARCHITECTURE.md rule 2): the pull scheduler and the push path, over one sink. */
export function createIngest(deps: IngestDeps): Ingest {
  const registry = createRegistryLoader(deps.dataDir, createStationRegistry);
  const scheduler = createPullScheduler({
    feeds: deps.feeds,
    adapters: deps.adapters,
    sink: deps.sink,
    registry,
    watermarks: createFileWatermarkStore(join(deps.dataDir, 'ingest', 'watermarks.json')),
    logger: deps.logger,
    now: deps.now,
    metrics: deps.metrics,
  });
  const push = createPushIngest({
    sink: deps.sink,
    registry,
    archive: deps.adapters['cnemc-archive'],
    judge: deps.judge,
    now: deps.now,
    metrics: deps.metrics,
  });
  return {
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
    registry,
    scheduler,
    push,
    feeds: () => scheduler.status(),
  };
}
