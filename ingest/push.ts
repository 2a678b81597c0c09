import {
  zPushedReading,
  type PushResult,
  type QcFlag,
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
import type { StationRegistry } from './stations/registry';

/**
 * Quality control's verdict on each of a body's accepted readings, with one reason per flag, in
 * order (ARCHITECTURE.md rule 1): processing's rules, which ingest may not import, wired in by the
 * composition root, so the push answer and processing judge a value alike.
 */
export type JudgeValues = (
  readings: readonly Reading[],
) => readonly { qcFlags: readonly QcFlag[]; reasons: readonly string[] }[];

export interface PushDeps {
  sink: ReadingSink;
  registry: () => StationRegistry;
  judge: JudgeValues;
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

/**
 * The flags a push answer lists: what quality control sets aside on its own. A centre's own flag
 * (`source_invalid`) and a null (`missing`) are its own verdict, not news to it.
 */
const ANSWERED_FLAGS: ReadonlySet<QcFlag> = new Set<QcFlag>(['negative', 'out_of_range', 'pm25_above_pm10']);

/** Refusals of an archive's station column the centre does not report (docs/feeds.md "Stations"). */
const OTHER_STATION_CODES: ReadonlySet<Reject['code']> = new Set<Reject['code']>([
  'READING_UNKNOWN_STATION',
  'READING_STATION_NOT_OWNED',
]);

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
      ...(r.time === undefined ? {} : { time: typeof r.time === 'string' ? r.time : recordText(r.time) }),
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
  return {
    index: r.recordIndex,
    station: r.station,
    code: r.code,
    field: r.field,
    reason: r.reason,
    time: r.timeWritten,
  };
}

/** The accepted readings quality control sets aside on its own, each with its flags and why. */
function flaggedOf(
  judge: JudgeValues,
  accepted: readonly Reading[],
  indexes: readonly number[],
): PushResult['flagged'] {
  const verdicts = judge(accepted);
  const out: PushResult['flagged'] = [];
  accepted.forEach((r, i) => {
    const v = verdicts[i];
    if (!v || v.qcFlags.length === 0 || r.value === null) return;
    const flags = v.qcFlags.filter((f) => ANSWERED_FLAGS.has(f));
    if (flags.length === 0) return;
    out.push({
      index: indexes[i] ?? i,
      station: r.station,
      pollutant: r.pollutant,
      time: r.time,
      value: r.value,
      field: 'value',
      flags,
      reason: v.qcFlags
        .map((f, k) => (ANSWERED_FLAGS.has(f) ? v.reasons[k] : undefined))
        .filter((x) => x !== undefined)
        .join('; '),
    });
  });
  return out;
}

/**
 * An archive's refusals split as the backfill splits them: a station column the centre does not
 * report (another province's, or outside the registry: the file carries every national station)
 * is counted apart, not rejected, and not written to the rejects table either: the registry holds
 * the four provinces' stations, so a column outside it is in practice another province's, and
 * a thousand rows per file would bury the centre's real refusals (and its scorecard) in noise. The
 * answer's counts still show a station missing from the list as `outsideRegistry`.
 */
function splitArchiveRejects(all: readonly Reject[]): {
  answered: Reject[];
  skipped: PushResult['skipped'];
} {
  const answered: Reject[] = [];
  const stations = new Set<string>();
  const outside = new Set<string>();
  let cells = 0;
  for (const r of all) {
    if (r.recordIndex < 0 || !OTHER_STATION_CODES.has(r.code)) {
      answered.push(r);
      continue;
    }
    stations.add(r.station);
    cells++;
    if (r.code === 'READING_UNKNOWN_STATION') outside.add(r.station);
  }
  return {
    answered,
    skipped: { otherStations: stations.size, cells, outsideRegistry: outside.size },
  };
}

/**
 * The ingest side of `POST /v1/readings`: decode, check every record at the
 * boundary (a centre may push only its own province's stations; the coordinator any), publish
 * what passes and wait until it is durable (ARCHITECTURE.md invariant 1), publish the rejects, and
 * answer with the accepted count, each rejected record's index and reason, each accepted value
 * quality control sets aside (judged by processing's rules through `judge`), and an archive's
 * stations the centre does not report, counted apart.
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
    let answered: Reject[] = [];
    let skipped: PushResult['skipped'] = { otherStations: 0, cells: 0, outsideRegistry: 0 };
    const { accepted, acceptedIndexes } = await handOver(
      deps,
      ctx,
      { candidates, problems, indexes, wholePageCode: 'READING_INVALID' },
      {
        rejects: (all) => {
          const byIndex = (a: Reject, b: Reject): number => a.recordIndex - b.recordIndex;
          if (req.format !== 'archive-csv') return (answered = all.sort(byIndex));
          const split = splitArchiveRejects(all);
          answered = split.answered.sort(byIndex);
          skipped = split.skipped;
          return answered;
        },
      },
    );
    return {
      accepted: accepted.length,
      rejected: answered.map(toRejection),
      flagged: flaggedOf(deps.judge, accepted, acceptedIndexes),
      skipped,
    };
  };
}
