import { createTask, validate, type ScheduledTask } from 'node-cron';
import { AppError, type ErrorCode, type Logger } from '../kernel';
import type { FeedStatus, PullSummary, FeedDefinition, SourceFormat } from '../schemas';
import type { BoundaryContext } from './boundary';
import type { FeedAdapter, Watermark } from './feed-adapter';
import type { IngestMetrics } from './metrics';
import { createFeedFetch } from './feed-http';
import { handOver } from './hand-over';
import type { ReadingSink } from './reading-sink';
import type { StationRegistry } from './stations/registry';
import type { WatermarkStore } from './watermarks';

export interface SchedulerDeps {
  feeds: readonly FeedDefinition[];
  adapters: Partial<Record<SourceFormat, FeedAdapter>>;
  sink: ReadingSink;
  registry: () => StationRegistry;
  watermarks: WatermarkStore;
  logger: Logger;
  now?: () => Date;
  retryBaseMs?: number;
  metrics?: IngestMetrics;
}

export interface PullScheduler {
  /** Schedules every enabled feed on its cron; each feed runs independently of the others. */
  start(): void;
  /** Stops the schedules and aborts pulls in progress (their pages not yet durable are re-read next time). */
  stop(): Promise<void>;
  /** Pulls one feed now; resolves with its summary, rejects with its error. */
  pullNow(name: string): Promise<PullSummary>;
  status(): FeedStatus[];
}

interface FeedState {
  running?: Promise<PullSummary>;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  errorCount: number;
  consecutiveErrors: number;
  lastError: { at: string; code: ErrorCode; message: string } | null;
  lastPull: PullSummary | null;
}

/**
 * Pulls each feed on its schedule from its watermark (docs/feeds.md): every page is decoded
 * by its adapter, passed through the ingest boundary, published durably, and only then does the
 * watermark move — so a restart resumes with no gap, and re-reading (the look-back window, or a
 * page interrupted by a crash) is harmless by identity. One failing feed never blocks another.
 */
export function createPullScheduler(deps: SchedulerDeps): PullScheduler {
  const log = deps.logger.child({ module: 'ingest.scheduler' });
  const now = deps.now ?? (() => new Date());
  const byName = new Map(deps.feeds.map((f) => [f.name, f]));
  const states = new Map<string, FeedState>(
    deps.feeds.map((f) => [
      f.name,
      {
        lastAttemptAt: null,
        lastSuccessAt: null,
        errorCount: 0,
        consecutiveErrors: 0,
        lastError: null,
        lastPull: null,
      },
    ]),
  );
  const tasks: ScheduledTask[] = [];
  const abort = new AbortController();

  async function pull(feed: FeedDefinition, state: FeedState): Promise<PullSummary> {
    const adapter = deps.adapters[feed.format];
    if (!adapter?.pull) throw new AppError('CONFIG_INVALID', `no adapter can pull format ${feed.format}`);
    const flog = log.child({ feed: feed.name });
    const summary: PullSummary = {
      startedAt: now().toISOString(),
      finishedAt: '',
      pages: 0,
      readings: 0,
      accepted: 0,
      rejected: 0,
    };
    state.lastAttemptAt = summary.startedAt;
    const fetch = createFeedFetch(feed, { retryBaseMs: deps.retryBaseMs, signal: abort.signal });
    const registry = deps.registry();
    for await (const page of adapter.pull(feed, deps.watermarks.get(feed.name), { now, fetch, signal: abort.signal })) {
      if (abort.signal.aborted) break;
      const arrivedAt = now().toISOString();
      const mapped = adapter.toReadings(page, { sourceId: feed.name, sourceKind: 'feed', arrivedAt });
      const ctx: BoundaryContext = {
        registry,
        owner: feed.province,
        centre: feed.province,
        sourceKind: 'feed',
        sourceId: feed.name,
        receivedAt: arrivedAt,
      };
      const { accepted, rejects: allRejects } = await handOver(deps, ctx, {
        candidates: mapped.readings,
        problems: mapped.problems,
      });
      if (page.watermark) await deps.watermarks.set(feed.name, page.watermark);
      summary.pages++;
      summary.readings += mapped.readings.length;
      summary.accepted += accepted.length;
      summary.rejected += allRejects.length;
      flog.debug(
        { page: page.label, readings: mapped.readings.length, accepted: accepted.length, rejected: allRejects.length },
        'feed page ingested',
      );
    }
    summary.finishedAt = now().toISOString();
    return summary;
  }

  function pullNow(name: string): Promise<PullSummary> {
    const feed = byName.get(name);
    const state = states.get(name);
    if (!feed || !state) return Promise.reject(new Error(`no feed named ${name}`));
    if (state.running) return state.running;
    const run = pull(feed, state)
      .then((summary) => {
        state.lastSuccessAt = summary.finishedAt;
        state.lastPull = summary;
        state.consecutiveErrors = 0;
        deps.metrics?.pulls.inc({ feed: name, outcome: 'ok' });
        log.info({ feed: name, ...summary }, 'feed pulled');
        return summary;
      })
      .catch((err: Error) => {
        state.errorCount++;
        deps.metrics?.pulls.inc({ feed: name, outcome: 'failed' });
        state.consecutiveErrors++;
        // A failure without a code of its own (a bug, or a library's error) is INTERNAL.
        const code: ErrorCode = err instanceof AppError ? err.code : 'INTERNAL';
        state.lastError = { at: now().toISOString(), code, message: err.message };
        log.warn({ feed: name, code, err }, 'feed pull failed');
        throw err;
      })
      .finally(() => (state.running = undefined));
    state.running = run;
    return run;
  }

  function lagMinutes(wm: Watermark | undefined): number | null {
    if (!wm?.time) return null;
    return Math.round((now().getTime() - Date.parse(wm.time)) / 60_000);
  }

  return {
    start() {
      for (const feed of deps.feeds) {
        if (!feed.enabled) continue;
        if (!validate(feed.schedule))
          throw new AppError('CONFIG_INVALID', `feed ${feed.name}: invalid schedule ${feed.schedule}`);
        const task = createTask(feed.schedule, () => pullNow(feed.name).catch(() => undefined), {
          name: feed.name,
          noOverlap: true,
        });
        void task.start();
        tasks.push(task);
        // A first pull at start-up, so a restarted process catches up at once.
        void pullNow(feed.name).catch(() => undefined);
      }
    },
    async stop() {
      for (const t of tasks.splice(0)) await t.destroy();
      abort.abort();
      await Promise.allSettled([...states.values()].map((s) => s.running));
    },
    pullNow,
    status() {
      return deps.feeds.map((feed) => {
        const s = states.get(feed.name) as FeedState;
        const wm = deps.watermarks.get(feed.name);
        return {
          name: feed.name,
          format: feed.format,
          province: feed.province,
          enabled: feed.enabled,
          schedule: feed.schedule,
          running: s.running !== undefined,
          lastAttemptAt: s.lastAttemptAt,
          lastSuccessAt: s.lastSuccessAt,
          watermark: wm ?? null,
          lagMinutes: lagMinutes(wm),
          errorCount: s.errorCount,
          consecutiveErrors: s.consecutiveErrors,
          lastError: s.lastError,
          lastPull: s.lastPull,
        };
      });
    },
  };
}
