import {
  zPushedReading,
  type PushResult,
  type Reading,
  type ReadingStatus,
  type Reject,
  type Centre,
} from '../schemas';
import { makeReading } from './adapters/common';
import type { BoundaryContext } from './boundary';
import type { FeedAdapter, RecordProblem } from './feed-adapter';
import { handOver } from './hand-over';
import type { ReadingSink } from './reading-sink';
import type { IngestMetrics } from './metrics';
import { collapseUnknownStations } from './reject-summary';
import type { StationRegistry } from './stations/registry';

export interface PushDeps {
  sink: ReadingSink;
  registry: () => StationRegistry;
  /** Decodes archive CSV bodies (the cnemc-archive adapter). */
  archive: FeedAdapter;
  now?: () => Date;
  metrics?: IngestMetrics;
}

export interface PushRequest {
  centre: Centre;
  body: unknown;
  format: 'json' | 'archive-csv';
  /** Status of archive CSV readings (JSON records carry their own). */
  status?: ReadingStatus;
}

const VALID_FLAGS = new Set(['N']);

/** A refused record as text for the reject row: cut at 2000 characters, and never a crash on a hostile shape (e.g. arrays nested thousands deep). */
function recordText(record: unknown): string {
  try {
    return (JSON.stringify(record) ?? '').slice(0, 2000);
  } catch {
    return '(not printable: nested too deeply)';
  }
}

/** A pushed record in the contract's shape becomes a reading, or the problem with it. */
function fromPushed(record: unknown, index: number, centre: Centre, arrivedAt: string): Reading | RecordProblem {
  const parsed = zPushedReading.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const r = (record ?? {}) as Record<string, unknown>;
    return {
      index,
      station: typeof r.station === 'string' ? r.station : undefined,
      field: issue?.path.join('.') || '(record)',
      reason: issue?.message ?? 'invalid record',
      record: recordText(record),
    };
  }
  const p = parsed.data;
  return makeReading(
    {
      station: p.station,
      pollutant: p.pollutant,
      time: p.time,
      value: p.value,
      ...(p.value === null ? { missingReason: 'null in push' } : {}),
      ...(p.flag !== undefined ? { sourceFlag: p.flag } : {}),
      sourceValid: p.flag === undefined || VALID_FLAGS.has(p.flag),
    },
    { sourceKind: 'push', sourceId: centre, arrivedAt, status: p.status ?? 'provisional' },
  );
}

function toRejection(r: Reject): PushResult['rejected'][number] {
  return { index: r.recordIndex, station: r.station, code: r.code, field: r.field, reason: r.reason };
}

/**
 * The ingest side of `POST /v1/readings`: decode, check every record at the
 * boundary (a centre may push only its own province's stations; the coordinator any), publish
 * what passes and wait until it is durable (ARCHITECTURE.md invariant 1), publish the rejects, and
 * answer with the accepted count and each rejected record's index and reason.
 */
export function createPushIngest(deps: PushDeps): (req: PushRequest) => Promise<PushResult> {
  const now = deps.now ?? (() => new Date());
  return async (req) => {
    const arrivedAt = now().toISOString();
    const ctx: BoundaryContext = {
      registry: deps.registry(),
      owner: req.centre,
      centre: req.centre,
      sourceKind: 'push',
      sourceId: req.centre,
      receivedAt: arrivedAt,
    };
    let candidates: Reading[] = [];
    let indexes: number[] | undefined;
    let problems: RecordProblem[] = [];
    if (req.format === 'archive-csv') {
      const bytes = typeof req.body === 'string' ? Buffer.from(req.body) : (req.body as Uint8Array);
      const mapped = deps.archive.toReadings(
        { label: 'push', body: bytes },
        { sourceId: req.centre, sourceKind: 'push', arrivedAt, status: req.status },
      );
      candidates = mapped.readings;
      problems = mapped.problems;
    } else if (Array.isArray(req.body)) {
      indexes = [];
      req.body.forEach((record, i) => {
        const out = fromPushed(record, i, req.centre, arrivedAt);
        if ('reason' in out) {
          problems.push(out);
        } else {
          candidates.push(out);
          indexes?.push(i);
        }
      });
    } else {
      problems = [{ index: -1, field: '(body)', reason: 'expected a JSON array of readings', record: '' }];
    }
    const { accepted, rejects } = await handOver(
      deps,
      ctx,
      { candidates, problems, indexes, wholePageCode: 'READING_INVALID' },
      {
        // An archive file carries every national station: one reject per foreign station, not per cell.
        rejects: (all) =>
          (req.format === 'archive-csv' ? collapseUnknownStations(all) : all).sort(
            (a, b) => a.recordIndex - b.recordIndex,
          ),
      },
    );
    return { accepted: accepted.length, rejected: rejects.map(toRejection) };
  };
}
