import type { DeadLetter, Reading, Reject } from '../schemas';
import { HOUR_MS, type Logger, timeMs } from '../kernel';
import { decodeMessage, refusedReason } from '../bus';
import { checkReading } from './qc/qc.rules';
import { judgePmPairs, rejudged } from './qc/pm-pairing';
import { CONSTANT_RUN, checkTemporal } from './qc/temporal';
import type { DeadLetterSink, ReadingSource, SourceBatch } from './reading-source';
import type { ReadingStore, Revision } from './reading-store';
import type { ProcessingMetrics } from './metrics';
import { RevisionIndex, scopeOf, valueAt } from './revisions';

const MAX_DEAD_LETTER_VALUE_CHARS = 10_000;
const TEMPORAL_LOOKBACK_MS = CONSTANT_RUN.hours * HOUR_MS;

/**
 * Adds the advisory temporal flags (constant run, spike) to the fresh revisions, from the series
 * as it stands: stored values (audited over provisional) overlaid with this batch's arrivals.
 */
function addTemporalFlags(fresh: readonly Revision[], index: RevisionIndex): void {
  for (const r of fresh) {
    if (r.value === null) continue;
    const series = index.series(r.station, r.pollutant);
    const t = timeMs(r.time);
    const flags = checkTemporal(r.pollutant, r.value, (h) => valueAt(series, t - h * HOUR_MS));
    if (flags.length > 0) r.qcFlags = [...r.qcFlags, ...flags];
  }
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
  /** Stored PM revisions given a new verdict because their partner changed (qc/pm-pairing.ts). */
  rejudged: number;
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
 * so the batch is retried and never committed half-done (ARCHITECTURE.md invariant 1).
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
      m?.readings.inc({ outcome: 'rejudged' }, result.rejudged);
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
        const { refused } = outcome.value;
        // The message's other readings are kept; the refused ones are dead-lettered as written.
        if (refused.length > 0) {
          letters.push({
            code: 'READING_INVALID',
            reason: refusedReason(outcome.value),
            key: message.key,
            value: JSON.stringify({ refused }).slice(0, MAX_DEAD_LETTER_VALUE_CHARS),
            origin: { topic: batch.topic, partition: batch.partition, offset: message.offset },
            failedAt,
          });
        }
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
    let rejudgedCount = 0;
    if (readings.length > 0) {
      // The decoded readings are this batch's own objects: they become revisions in place.
      const revisions = readings as Revision[];
      for (const r of revisions) {
        const c = checkReading(r);
        r.qcFlags = c.qcFlags;
        r.valid = c.valid;
      }
      // The hours before the batch too: the temporal checks look back (qc/temporal.ts).
      const scope = scopeOf(revisions);
      const index = new RevisionIndex(
        await deps.store.latestRevisions({ ...scope, fromMs: scope.fromMs - TEMPORAL_LOOKBACK_MS }),
      );
      const fresh = index.admit(revisions);
      // Flags are not part of a revision's content (a re-arrival is not new because of them):
      // only the revisions stored get them, against the series with every arrival in place.
      const partners = judgePmPairs(fresh, index);
      addTemporalFlags(fresh, index);
      index.settlePrevious(fresh);
      // Stored partners whose verdict this batch changed get a re-judged revision. Their full rows
      // are read only then, so a batch that changes no stored verdict (an ordinary feed pull,
      // which re-reads its window unchanged) costs no query beyond latestRevisions.
      const rows = partners.length > 0 ? await deps.store.latestRevisionRows(partners.map((p) => p.key)) : [];
      const rejudgedRows = partners.flatMap((p) => {
        const row = rows.find(
          (r) =>
            r.station === p.key.station &&
            r.pollutant === p.key.pollutant &&
            r.status === p.key.status &&
            timeMs(r.time) === p.key.timeMs,
        );
        return row ? [rejudged(row, p)] : [];
      });
      const toStore = rejudgedRows.length > 0 ? [...fresh, ...rejudgedRows] : fresh;
      if (toStore.length > 0) await deps.store.insertRevisions(toStore);
      stored = fresh.length;
      rejudgedCount = rejudgedRows.length;
    }
    if (rejects.length > 0) await deps.store.insertRejects(rejects);
    if (letters.length > 0) {
      await deps.deadLetters.publish(letters);
      log.warn(
        { partition: batch.partition, count: letters.length, first: letters[0]?.reason },
        'messages dead-lettered',
      );
    }
    const result = {
      messages: batch.messages.length,
      readings: readings.length,
      stored,
      rejudged: rejudgedCount,
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
