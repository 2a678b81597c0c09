import type { Reading, Reject } from '../schemas';
import { admit, problemsToRejects, type BoundaryContext } from './boundary';
import type { RecordProblem } from './feed-adapter';
import type { IngestMetrics } from './metrics';
import type { ReadingSink } from './reading-sink';

/** Where ingest hands records over: the bus, and the ingest metrics when the process keeps them. */
export interface HandOverTo {
  sink: ReadingSink;
  metrics?: IngestMetrics;
}

/** The records of a page, a push or a part of a file, as decoded. */
export interface DecodedRecords {
  /** Candidate readings for the boundary. */
  candidates: readonly unknown[];
  /** What decoding refused. */
  problems: readonly RecordProblem[];
  /** Each candidate's position in the input, when some were taken out before (see admit). */
  indexes?: readonly number[];
  /** The code of a problem with the whole page or body (FEED_PARSE_FAILED by default). */
  wholePageCode?: Reject['code'];
}

export interface HandOverOptions {
  /**
   * The rejects to publish now, out of all of the records' own (all of them by default): a
   * pushed archive body reports a foreign station once; a backfill holds them to the end of the
   * file and publishes them with {@link publishRejects}.
   */
  rejects?: (rejects: Reject[]) => Reject[];
  /** Publish the readings at most this many at a time (none then for an empty batch). */
  chunk?: number;
}

/**
 * The one hand-over of every source (pull, push, backfill): the records through the boundary
 * (admit), the accepted readings published durably and then the rejects (ARCHITECTURE.md
 * invariant 1), and both counted in the ingest metrics (`source_kind` and `province` from the
 * context: the source kind and the accountable centre). Returns what was accepted (with each
 * reading's position in the input) and the rejects published.
 */
export async function handOver(
  to: HandOverTo,
  ctx: BoundaryContext,
  records: DecodedRecords,
  opts: HandOverOptions = {},
): Promise<{ accepted: Reading[]; acceptedIndexes: number[]; rejects: Reject[] }> {
  const admitted = admit(records.candidates, ctx, records.indexes);
  const all = [...problemsToRejects(records.problems, ctx, records.wholePageCode), ...admitted.rejects];
  const rejects = opts.rejects ? opts.rejects(all) : all;
  const { accepted } = admitted;
  if (opts.chunk === undefined) await to.sink.publish(accepted);
  else
    for (let at = 0; at < accepted.length; at += opts.chunk) await to.sink.publish(accepted.slice(at, at + opts.chunk));
  await publishRejects(to, ctx, rejects);
  to.metrics?.readings.inc({ source_kind: ctx.sourceKind, province: ctx.centre }, accepted.length);
  return { accepted, acceptedIndexes: admitted.acceptedIndexes, rejects };
}

/** Rejects published durably and counted (by {@link handOver}, and by a backfill at the end of a file). */
export async function publishRejects(to: HandOverTo, ctx: BoundaryContext, rejects: readonly Reject[]): Promise<void> {
  if (rejects.length === 0) return;
  await to.sink.publishRejects(rejects);
  for (const r of rejects) to.metrics?.rejects.inc({ source_kind: ctx.sourceKind, code: r.code });
}
