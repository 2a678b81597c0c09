import { z } from 'zod';
import { deadLetter, ok, type Outcome } from '../kernel';
import {
  NULL_NEEDS_REASON,
  nullHasReason,
  READING_FIELDS,
  zReading,
  zReadingFields,
  type Reading,
  zReject,
} from '../schemas';
import { MAX_READINGS_PER_MESSAGE, type BusMessage } from './message';

type Field = (typeof READING_FIELDS)[number];

const zSomeFields = zReadingFields.partial();
type SomeFields = z.output<typeof zSomeFields>;
/** Fields a reading may leave out: in a format-3 column, `null` stands for "not given". */
const OPTIONAL = new Set<Field>(READING_FIELDS.filter((k) => zReadingFields.shape[k].safeParse(undefined).success));
const REQUIRED = READING_FIELDS.filter((k) => !OPTIONAL.has(k));
const IS_FIELD = new Set<string>(READING_FIELDS);
/** How many problems a dead letter's reason names. */
const MAX_REASON_ISSUES = 5;

type Issue = (path: PropertyKey[], message: string) => void;
type Checked = { ok: true; value: unknown } | { ok: false; issues: readonly z.core.$ZodIssue[] };

/**
 * One column of format 3 checked value by value against its field's schema, each distinct
 * primitive checked once (station codes, units and instants repeat down a column); an error
 * names the reading it belongs to (`readings.N.field`), which joins `refused`.
 */
function readColumn(k: Field, column: readonly unknown[], issue: Issue, refused: Set<number>): unknown[] {
  const schema = zReadingFields.shape[k];
  const optional = OPTIONAL.has(k);
  const seen = new Map<unknown, Checked>();
  const out: unknown[] = new Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === null && optional) continue;
    const primitive = v === null || typeof v !== 'object';
    let checked = primitive ? seen.get(v) : undefined;
    if (checked === undefined) {
      const p = schema.safeParse(v);
      checked = p.success ? { ok: true, value: p.data } : { ok: false, issues: p.error.issues };
      if (primitive) seen.set(v, checked);
    }
    if (checked.ok) out[i] = checked.value;
    else {
      refused.add(i);
      for (const e of checked.issues) issue(['readings', i, k, ...e.path], e.message);
    }
  }
  return out;
}

/** Checks what a reading made of shared and own fields needs across its fields. */
function completeReading(r: SomeFields, i: number, issue: Issue): r is Reading {
  let complete = true;
  for (const k of REQUIRED) {
    if (r[k] !== undefined) continue;
    issue(['readings', i, k], 'required (in the reading or in shared)');
    complete = false;
  }
  if (!nullHasReason(r)) {
    issue(['readings', i, 'missingReason'], NULL_NEEDS_REASON);
    complete = false;
  }
  return complete;
}

/** Format 3: `n` readings, each field either written once in `shared` or as a column of `n` values. */
function readColumns(b: { n?: unknown; shared: SomeFields; columns: unknown }, issue: Issue): Reading[] {
  const n = b.n;
  if (n === undefined) {
    issue(['n'], 'format 3 needs n, the number of readings');
    return [];
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_READINGS_PER_MESSAGE) {
    issue(['n'], `expected a whole number of readings from 1 to ${MAX_READINGS_PER_MESSAGE}`);
    return [];
  }
  const columns = b.columns ?? {};
  if (typeof columns !== 'object' || Array.isArray(columns)) {
    issue(['columns'], 'expected an object of columns');
    return [];
  }
  const read = new Map<Field, unknown[]>();
  const refused = new Set<number>();
  for (const [k, column] of Object.entries(columns)) {
    if (!IS_FIELD.has(k)) issue(['columns', k], 'not a reading field');
    else if (!Array.isArray(column)) issue(['columns', k], 'expected an array');
    else if (column.length !== n) issue(['columns', k], `${column.length} values for ${n} readings`);
    else if (b.shared[k as Field] !== undefined) issue(['columns', k], 'given in shared too');
    else read.set(k as Field, readColumn(k as Field, column, issue, refused));
  }
  const sh = b.shared;
  const [st, po, ti, va, un, ou, mr, sf, sv, ss, so, aa] = (
    [
      'station',
      'pollutant',
      'time',
      'value',
      'unit',
      'originalUnit',
      'missingReason',
      'sourceFlag',
      'sourceValid',
      'status',
      'source',
      'arrivedAt',
    ] as const
  ).map((k) => read.get(k));
  // A required field neither shared nor a column is missing from every reading (a column's
  // cells were checked above: null is refused where the field cannot be absent).
  const missing = REQUIRED.filter((k) => !read.has(k) && sh[k] === undefined);
  const readings: Reading[] = [];
  for (let i = 0; i < n; i++) {
    if (refused.has(i)) continue;
    if (missing.length > 0) {
      for (const k of missing) issue(['readings', i, k], 'required (in the reading or in shared)');
      continue;
    }
    // One object literal of one shape for every reading (an absent optional field is undefined).
    const r: { [K in Field]-?: SomeFields[K] } = {
      station: (st ? st[i] : sh.station) as Reading['station'],
      pollutant: (po ? po[i] : sh.pollutant) as Reading['pollutant'],
      time: (ti ? ti[i] : sh.time) as Reading['time'],
      value: (va ? va[i] : sh.value) as Reading['value'],
      unit: (un ? un[i] : sh.unit) as Reading['unit'],
      originalUnit: (ou ? ou[i] : sh.originalUnit) as Reading['originalUnit'],
      missingReason: (mr ? mr[i] : sh.missingReason) as Reading['missingReason'],
      sourceFlag: (sf ? sf[i] : sh.sourceFlag) as Reading['sourceFlag'],
      sourceValid: (sv ? sv[i] : sh.sourceValid) as Reading['sourceValid'],
      status: (ss ? ss[i] : sh.status) as Reading['status'],
      source: (so ? so[i] : sh.source) as Reading['source'],
      arrivedAt: (aa ? aa[i] : sh.arrivedAt) as Reading['arrivedAt'],
    };
    if (nullHasReason(r)) readings.push(r as Reading);
    else issue(['readings', i, 'missingReason'], NULL_NEEDS_REASON);
  }
  return readings;
}

/** A reading of format 2: its own fields over the shared ones, the optional ones only where given. */
function overlay(shared: SomeFields, own: SomeFields): SomeFields {
  const r: Record<string, unknown> = {};
  for (const k of READING_FIELDS) {
    const v = own[k] !== undefined ? own[k] : shared[k];
    if (v !== undefined) r[k] = v;
  }
  return r as SomeFields;
}

/** A reading the message carried but that failed its checks: the rest of the message is kept. */
export interface RefusedReading {
  index: number;
  /** `readings.N.field: why`, each problem of the reading. */
  reasons: string[];
  /** The reading as written (format 3: its shared fields and its cells). */
  written: unknown;
}

/** The reading `i` of a message as written, for a dead letter. */
function writtenReading(
  b: { v: number; shared?: unknown; readings: unknown[]; columns?: unknown },
  i: number,
): unknown {
  if (b.v !== 3) return b.readings[i];
  const out: Record<string, unknown> = typeof b.shared === 'object' && b.shared !== null ? { ...b.shared } : {};
  if (typeof b.columns === 'object' && b.columns !== null) {
    for (const [k, column] of Object.entries(b.columns)) if (Array.isArray(column)) out[k] = column[i];
  }
  return out;
}

/**
 * The envelope on the bus (Kafka message value or in-process message); `v` lets the format
 * evolve, and every format is read:
 * - 1: every reading whole, in `readings`;
 * - 2: `shared` fields written once, each reading in `readings` with its own fields over them;
 * - 3 (written now): `n` readings of any stations, each field either in `shared` (one value for
 *   all) or in `columns` (an array of `n` values, `null` where an optional field is not given).
 *   A third of format 2's bytes for an hour of a province, and one message instead of one per
 *   station-hour.
 * What is wrong with the message as a whole (not JSON, an unknown version, a bad `shared` field,
 * a column of the wrong length) fails it, named `shared.field` or `columns.field`. A reading that
 * fails its own checks is `refused` with `readings.N.field: why`, and the message's other
 * readings are kept. A message of rejects is format 1.
 */
export const zReadingBatch = z
  .object({
    v: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    shared: z.unknown().optional(),
    readings: z.array(z.unknown()).default([]),
    n: z.unknown().optional(),
    columns: z.unknown().optional(),
    rejects: z.array(zReject).default([]),
  })
  .transform((b, ctx) => {
    let readings: Reading[] = [];
    const problems = new Map<number, string[]>();
    const issue: Issue = (path, message) => {
      if (path[0] === 'readings' && typeof path[1] === 'number') {
        const list = problems.get(path[1]) ?? [];
        list.push(`${path.join('.')}: ${message}`);
        problems.set(path[1], list);
      } else ctx.addIssue({ code: 'custom', path, message });
    };
    if (b.v === 1 || (b.v === 2 && b.shared === undefined)) {
      b.readings.forEach((r, i) => {
        const p = zReading.safeParse(r);
        if (p.success) readings.push(p.data);
        else for (const e of p.error.issues) issue(['readings', i, ...e.path], e.message);
      });
    } else {
      const shared = zSomeFields.safeParse(b.v === 3 ? (b.shared ?? {}) : b.shared);
      if (!shared.success) {
        for (const e of shared.error.issues) issue(['shared', ...e.path], e.message);
        return z.NEVER;
      }
      const sh = shared.data;
      if (b.v === 3) {
        if (b.readings.length > 0) issue(['readings'], 'format 3 writes readings in columns');
        readings = readColumns({ n: b.n, shared: sh, columns: b.columns }, issue);
      } else {
        b.readings.forEach((r, i) => {
          const own = zSomeFields.safeParse(r);
          if (!own.success) {
            for (const e of own.error.issues) issue(['readings', i, ...e.path], e.message);
            return;
          }
          const reading = overlay(sh, own.data);
          if (completeReading(reading, i, issue)) readings.push(reading);
        });
      }
    }
    if (b.v !== 3 && b.readings.length + b.rejects.length === 0) issue([], 'an empty message');
    const refused: RefusedReading[] = [...problems]
      .sort(([a], [c]) => a - c)
      .map(([index, reasons]) => ({ index, reasons, written: writtenReading(b, index) }));
    return { v: b.v, readings, rejects: b.rejects, refused };
  });
export type ReadingBatch = z.output<typeof zReadingBatch>;

/**
 * A bus message becomes its readings, or a dead letter naming the field and why. Ingest validated
 * these readings already; a message failing here was corrupted or written by something else.
 */
export function decodeMessage(message: BusMessage): Outcome<ReadingBatch> {
  let json: unknown;
  try {
    json = JSON.parse(message.value);
  } catch (err) {
    return deadLetter('MESSAGE_MALFORMED', `not JSON: ${(err as Error).message}`);
  }
  const parsed = zReadingBatch.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, MAX_REASON_ISSUES)
      .map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`);
    return deadLetter('MESSAGE_MALFORMED', `not a reading batch: ${issues.join('; ')}`);
  }
  const foreign = parsed.data.readings.find((r) => message.key !== null && r.station !== message.key);
  if (foreign) {
    return deadLetter('MESSAGE_MALFORMED', `reading for station ${foreign.station} under message key ${message.key}`);
  }
  return ok(parsed.data);
}

/** Why a message's refused readings were dead-lettered: how many of how many, and the first problems. */
export function refusedReason(batch: ReadingBatch): string {
  const reasons = batch.refused.flatMap((r) => r.reasons).slice(0, MAX_REASON_ISSUES);
  return `${batch.refused.length} of ${batch.readings.length + batch.refused.length} readings refused: ${reasons.join('; ')}`;
}
