import type { DeadLetter } from '../schemas/dead-letter';
import type { Reading } from '../schemas/reading';
import type { Reject } from '../schemas/reject';
import type { Logger } from '../infra/logger';
import { decodeMessage } from './decode';
import { checkBatch, type Checked } from './qc/qc.rules';
import { CONSTANT_RUN, checkTemporal } from './qc/temporal';
import type { RevisionContent } from './reading-store';
import type { DeadLetterSink, ReadingSource, SourceBatch } from './reading-source';
import type { ReadingStore, Revision } from './reading-store';
import type { ProcessingMetrics } from './metrics';
import { changedArrivals, scopeOf } from './revisions';
import { timeMs } from './time-ms';

const MAX_DEAD_LETTER_VALUE_CHARS = 10_000;
const HOUR_MS = 3_600_000;
const TEMPORAL_LOOKBACK_MS = CONSTANT_RUN.hours * HOUR_MS;

/**
 * Adds the advisory temporal flags (constant run, spike) from the series as it stands: stored
 * values (audited over provisional) overlaid with this batch's arrivals. Values are kept per
 * series (station|pollutant) by hour, so each neighbour is a numeric lookup.
 */
function addTemporalFlags(revisions: Revision[], stored: readonly RevisionContent[]): void {
  const series = new Map<string, Map<number, { value: number | null; rank: number }>>();
  const seriesOf = (station: string, pollutant: string) => {
    const key = `${station}|${pollutant}`;
    let m = series.get(key);
    if (!m) series.set(key, (m = new Map()));
    return m;
  };
  const put = (m: Map<number, { value: number | null; rank: number }>, t: number, value: number | null, rank: number) => {
    const had = m.get(t);
    if (!had || had.rank <= rank) m.set(t, { value, rank });
  };
  for (const s of stored) put(seriesOf(s.station, s.pollutant), s.timeMs, s.value, s.status === 'audited' ? 2 : 1);
  const own = revisions.map((r) => seriesOf(r.station, r.pollutant));
  revisions.forEach((r, i) => put(own[i] as Map<number, { value: number | null; rank: number }>, timeMs(r.time), r.value, r.status === 'audited' ? 2 : 1));
  revisions.forEach((r, i) => {
    const m = own[i] as Map<number, { value: number | null; rank: number }>;
    const t = timeMs(r.time);
    const flags = checkTemporal(r.pollutant, r.value, (h) => m.get(t - h * HOUR_MS)?.value);
    if (flags.length > 0) r.qcFlags = [...r.qcFlags, ...flags];
  });
}

export interface ProcessorDeps {
  source: ReadingSource;
  store: ReadingStore;
  deadLetters: DeadLetterSink;
  logger: Logger;
  metrics?: ProcessingMetrics;
}

export interface BatchResult {
  messages: number;
  readings: number;
  stored: number;
  unchanged: number;
  rejects: number;
  deadLettered: number;
}

export interface Processor {
  /** Resolves when stopped; rejects when the source stops on a non-retriable error. */
  run(): Promise<void>;
  stop(): Promise<void>;
  /** Handles one batch; exposed for the source adapter and for tests. */
  handleBatch(batch: SourceBatch): Promise<BatchResult>;
}

/**
 * The stream processor: decode, quality-control, drop arrivals that change nothing, store, and
 * dead-letter what cannot be used — then let the source commit. Any store or bus failure throws,
 * so the batch is retried and never committed half-done (DESIGN.md invariant 1).
 */
export function createProcessor(deps: ProcessorDeps): Processor {
  const log = deps.logger.child({ module: 'processing' });

  async function handleBatch(batch: SourceBatch): Promise<BatchResult> {
    const m = deps.metrics;
    const endTimer = m?.batchDuration.startTimer();
    try {
      const result = await handle(batch);
      m?.batches.inc({ outcome: 'stored' });
      m?.batchMessages.observe(result.messages);
      m?.readings.inc({ outcome: 'stored' }, result.stored);
      m?.readings.inc({ outcome: 'unchanged' }, result.unchanged);
      m?.readings.inc({ outcome: 'dead_lettered' }, result.deadLettered);
      m?.readings.inc({ outcome: 'rejects_stored' }, result.rejects);
      return result;
    } catch (err) {
      m?.batches.inc({ outcome: 'failed' });
      throw err;
    } finally {
      endTimer?.();
    }
  }

  async function handle(batch: SourceBatch): Promise<BatchResult> {
    const readings: Reading[] = [];
    const rejects: Reject[] = [];
    const letters: DeadLetter[] = [];
    const failedAt = new Date().toISOString();
    for (const message of batch.messages) {
      const outcome = decodeMessage(message);
      if (outcome.kind === 'ok') {
        readings.push(...outcome.value.readings);
        rejects.push(...outcome.value.rejects);
        continue;
      }
      letters.push({
        code: outcome.code,
        reason: outcome.reason,
        key: message.key,
        value: message.value.slice(0, MAX_DEAD_LETTER_VALUE_CHARS),
        origin: { topic: batch.topic, partition: batch.partition, offset: message.offset },
        failedAt,
      });
    }
    let stored = 0;
    if (readings.length > 0) {
      const checks = checkBatch(readings);
      const revisions: Revision[] = readings.map((r, i) => ({ ...r, ...(checks[i] as Checked) }));
      // The hours before the batch too: the temporal checks look back (qc/temporal.ts).
      const scope = scopeOf(revisions);
      const latest = await deps.store.latestRevisions({ ...scope, fromMs: scope.fromMs - TEMPORAL_LOOKBACK_MS });
      addTemporalFlags(revisions, latest);
      const fresh = changedArrivals(revisions, latest);
      if (fresh.length > 0) await deps.store.insertRevisions(fresh);
      stored = fresh.length;
    }
    if (rejects.length > 0) await deps.store.insertRejects(rejects);
    if (letters.length > 0) {
      await deps.deadLetters.publish(letters);
      log.warn({ partition: batch.partition, count: letters.length, first: letters[0]?.reason }, 'messages dead-lettered');
    }
    const result = {
      messages: batch.messages.length,
      readings: readings.length,
      stored,
      unchanged: readings.length - stored,
      rejects: rejects.length,
      deadLettered: letters.length,
    };
    log.debug({ partition: batch.partition, ...result }, 'batch processed');
    return result;
  }

  return {
    handleBatch,
    run: () => deps.source.run(async (batch) => void (await handleBatch(batch))),
    stop: () => deps.source.stop(),
  };
}
