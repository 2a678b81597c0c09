import { HOUR_MS, toCstIso } from '../kernel';
import {
  CANONICAL_UNIT,
  realInstantMs,
  storableInstantMs,
  zReading,
  type Reading,
  type Reject,
  type Province,
} from '../schemas';
import type { RecordProblem } from './feed-adapter';
import { ownsStation, type StationRegistry } from './stations/registry';

const MAX_RECORD_CHARS = 2_000;
/** A time as written is kept up to this many characters (a real one has at most 35). */
const MAX_TIME_WRITTEN_CHARS = 100;
/**
 * How far after its receipt a reading's hour may end. The hour in progress ends within the hour;
 * the second hour leaves room for a centre's clock running a little ahead. Anything later is not a
 * measurement yet (a wrong date, or UTC written as +08:00 lands eight hours ahead).
 */
export const FUTURE_TOLERANCE_MS = 2 * HOUR_MS;

export interface BoundaryContext {
  registry: StationRegistry;
  /** Whose stations this source may carry: a province, or every province for the coordinator. */
  owner: Province | 'coordinator';
  /** Centre accountable for the records, for the rejects table. */
  centre: string;
  sourceKind: Reject['sourceKind'];
  sourceId: string;
  receivedAt: string;
}

export interface Admitted {
  accepted: Reading[];
  /** Each accepted reading's position in the input (as `index` in a reject). */
  acceptedIndexes: number[];
  /** Each refused record with its index, field and reason; `index` = position in the input. */
  rejects: Reject[];
}

function reject(
  ctx: BoundaryContext,
  index: number,
  r: Partial<Reading>,
  code: Reject['code'],
  field: string,
  reason: string,
  record: unknown,
): Reject {
  return {
    receivedAt: ctx.receivedAt,
    centre: ctx.centre,
    sourceKind: ctx.sourceKind,
    sourceId: ctx.sourceId,
    recordIndex: index,
    station: typeof r.station === 'string' ? r.station : '',
    pollutant: typeof r.pollutant === 'string' ? r.pollutant : '',
    // Only a real instant the store can hold: Date.parse rolls 30 February over into March, and
    // the store's DateTime would clamp 2200 to 2106 — either would show an instant never written.
    time: timeOf(r.time),
    timeWritten: typeof r.time === 'string' ? r.time.slice(0, MAX_TIME_WRITTEN_CHARS) : '',
    code,
    field,
    reason,
    record: (typeof record === 'string' ? record : (JSON.stringify(record) ?? '')).slice(0, MAX_RECORD_CHARS),
  };
}

function timeOf(written: unknown): string | null {
  const ms = typeof written === 'string' ? storableInstantMs(written) : undefined;
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** A reading of a station the registry does not know on its date (checked before and after the schema). */
const unknownStation = (ctx: BoundaryContext, index: number, r: Partial<Reading>, record: unknown): Reject =>
  reject(
    ctx,
    index,
    r,
    'READING_UNKNOWN_STATION',
    'station',
    `station ${r.station} is not in the station registry`,
    record,
  );

/** Problems an adapter met while decoding become rejects; a whole-page problem names the page. */
export function problemsToRejects(
  problems: readonly RecordProblem[],
  ctx: BoundaryContext,
  wholePageCode: Reject['code'] = 'FEED_PARSE_FAILED',
): Reject[] {
  return problems.map((p) =>
    reject(
      ctx,
      p.index,
      { station: p.station, pollutant: p.pollutant as Reading['pollutant'], time: p.time },
      p.index < 0 ? wholePageCode : 'READING_INVALID',
      p.field,
      p.reason,
      p.record,
    ),
  );
}

/**
 * The one gate every reading passes, from every adapter and every push (ARCHITECTURE.md rule 8): the
 * reading schema, the canonical unit, a station known to the registry on that date, and a station
 * the source's owner may report. Each refusal names the record, the field and why; `indexes`
 * gives each candidate's position in the original input when some were filtered out before.
 */
export function admit(candidates: readonly unknown[], ctx: BoundaryContext, indexes?: readonly number[]): Admitted {
  const out: Admitted = { accepted: [], acceptedIndexes: [], rejects: [] };
  const latestMs = Date.parse(ctx.receivedAt) + FUTURE_TOLERANCE_MS;
  candidates.forEach((candidate, i) => {
    const index = indexes?.[i] ?? i;
    const raw = (candidate ?? {}) as Partial<Reading>;
    // The registry check first: an archive file is mostly other provinces' stations, and refusing
    // them before the schema parse saves most of the work (the outcome is the same refusal).
    const rawTime = typeof raw.time === 'string' ? Date.parse(raw.time) : NaN;
    if (typeof raw.station === 'string' && !Number.isNaN(rawTime) && !ctx.registry.lookup(raw.station, rawTime)) {
      out.rejects.push(unknownStation(ctx, index, raw, candidate));
      return;
    }
    // Before the schema: an hour past 2106 is refused there as outside the store's hours, but a
    // centre needs to hear first that it is in the future.
    const writtenMs = typeof raw.time === 'string' ? realInstantMs(raw.time) : undefined;
    if (writtenMs !== undefined && writtenMs > latestMs) {
      out.rejects.push(
        reject(
          ctx,
          index,
          raw,
          'READING_TIME_IN_FUTURE',
          'time',
          `time ${raw.time} is in the future: later than ${toCstIso(latestMs)}, two hours after the record was received`,
          candidate,
        ),
      );
      return;
    }
    const parsed = zReading.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(record)';
      out.rejects.push(
        reject(ctx, index, raw, 'READING_INVALID', field, issue?.message ?? 'invalid reading', candidate),
      );
      return;
    }
    const r = parsed.data;
    if (r.unit !== CANONICAL_UNIT[r.pollutant]) {
      out.rejects.push(
        reject(
          ctx,
          index,
          r,
          'READING_INVALID',
          'unit',
          `${r.pollutant} must be in ${CANONICAL_UNIT[r.pollutant]}, got ${r.unit}`,
          candidate,
        ),
      );
      return;
    }
    const station = ctx.registry.lookup(r.station, Date.parse(r.time));
    if (!station) {
      out.rejects.push(unknownStation(ctx, index, r, candidate));
      return;
    }
    if (!ownsStation(ctx.owner, station)) {
      out.rejects.push(
        reject(
          ctx,
          index,
          r,
          'READING_STATION_NOT_OWNED',
          'station',
          `station ${r.station} belongs to ${station.province}, not ${ctx.owner}`,
          candidate,
        ),
      );
      return;
    }
    out.accepted.push(r);
    out.acceptedIndexes.push(index);
  });
  return out;
}
