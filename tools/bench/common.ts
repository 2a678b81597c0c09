/** What every bench section shares: the flags, the table's rows, timing and store helpers. */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tablesOf, type StoreConnection } from '../../infra';
import { createLogger } from '../../kernel';

export const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
export const wanted = (section: string): boolean => only === undefined || only.includes(section);
/** `--rows=a,b`: of the views section, only the rows whose measure names one of them (e.g. `/v1/aqi`). */
const rowFilter = process.argv
  .find((a) => a.startsWith('--rows='))
  ?.slice('--rows='.length)
  .split(',');
export const wantedRow = (measure: string): boolean =>
  rowFilter === undefined || rowFilter.some((r) => measure.includes(r));
export const logger = createLogger({ level: 'silent' });
/** The table's rows measured in this process: measure, ours, reference, ratio, second reference, notes. */
export const rows: string[][] = [];
export const note = (what: string, ours: string, reference: string, ratio: string, extra = '', second = ''): void => {
  const row = [what, ours, reference, ratio, second, extra];
  rows.push(row);
  console.error(`| ${row.join(' | ')} |`);
};
/** The table's header, one cell per element of a row. */
export const HEADER = ['measure', 'yrd-air', 'reference', 'ratio (of medians)', 'second reference', 'notes'];
export const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** Peak RSS while `fn` runs, sampled every 50 ms. */
export async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0, peakRssMb: Math.max(peak, process.memoryUsage().rss) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

export async function timesOf(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return percentiles(ms);
}

export function percentiles(times: readonly number[]): { p50: number; p95: number } {
  const ms = [...times].sort((a, b) => a - b);
  const at = (p: number): number => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] as number;
  return { p50: at(50), p95: at(95) };
}

/** The same store under another database. */
export const db = (store: StoreConnection, database: string): StoreConnection => ({ ...store, database });

/** Resolves once the store holds `expected` revisions (polled every 50 ms). */
export async function untilStored(s: StoreConnection, expected: number): Promise<void> {
  const t = tablesOf(s.database);
  for (;;) {
    const rs = await s.client.query({ query: `SELECT count() AS n FROM ${t.revisions}`, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string }>();
    if (Number(row?.n) >= expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs of each figure of a throughput row: ours and the reference each the median of three. */
export const RUNS = 3;

/** A figure measured `runs.length` times: the median and the range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) throw new Error('spreadOf: no runs');
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] as number, max: v.at(-1) as number, runs: v.length };
}

/** `12,345 /s (3 runs: 11,000–13,000)`, or `(1 run)`: the median and its range, as the table writes them. */
export const spreadText = (s: Spread, unit = '/s'): string =>
  `${fmt(s.median)} ${unit} (${s.runs === 1 ? '1 run' : `${s.runs} runs: ${fmt(s.min)}–${fmt(s.max)}`})`;

/** The ratio of the medians, as a percentage of the reference. */
export const ratioText = (ours: Spread, reference: Spread): string =>
  `${((100 * ours.median) / reference.median).toFixed(1)} %`;

/** What the reference column of a throughput row says it is. */
export const REFERENCE_NAME = 'engine loading the same revisions (file() JSONEachRow)';

/**
 * A throughput row: ours (median, range), the reference (median, range), the ratio of the medians;
 * `second`, where given, is a further reference named for what it is, with our share of it.
 */
export function throughput(
  what: string,
  ours: Spread,
  reference: Spread,
  notes: string,
  second?: { name: string; rate: Spread },
): void {
  note(
    what,
    spreadText(ours),
    `${spreadText(reference)}, ${REFERENCE_NAME}`,
    ratioText(ours, reference),
    notes,
    second ? `${spreadText(second.rate)}, ${second.name}: ours ${ratioText(ours, second.rate)}` : '',
  );
}

/** The index of the run whose rate is the median one (the lower middle of an even count). */
export function medianIndex(rates: readonly number[]): number {
  const order = rates.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
  return (order[Math.floor((order.length - 1) / 2)] as readonly [number, number])[1];
}

/** Loads of the reference after each run of a path: three in all, however many runs the path had. */
export const loadsAfterEachRun = (pathRuns: number): number => (pathRuns >= RUNS ? 1 : Math.ceil(RUNS / pathRuns));

/**
 * The reference of every throughput row: the engine loading the very revisions a path stored.
 * They are read back from `from`'s reading_revisions and written as JSONEachRow to `file`; each of
 * `loads` times the engine loads that file with file() — the columns' types given, so nothing is
 * inferred — into a fresh table made by `CREATE TABLE … AS reading_revisions` (its columns, engine,
 * partitioning and ORDER BY; no materialised view feeds from it, so the current-value view is not
 * maintained), with the settings the store's own inserts use, timed from the INSERT's start to its
 * end. Returns the rows loaded and one rate per load (rows/s); the tables are dropped after.
 */
export async function referenceLoads(
  from: StoreConnection,
  file: string,
  loads: number,
): Promise<{ rows: number; rates: number[] }> {
  const t = tablesOf(from.database);
  const dump = await from.client.exec({ query: `SELECT * FROM ${t.revisions} FORMAT JSONEachRow` });
  await pipeline(dump.stream as Readable, createWriteStream(file));
  // SELECT * leaves out the MATERIALIZED revision key, which the load computes as the store's does.
  const cols = await (
    await from.client.query({
      query: `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = 'reading_revisions' AND default_kind NOT IN ('MATERIALIZED', 'ALIAS') ORDER BY position`,
      query_params: { db: from.database },
      format: 'JSONEachRow',
    })
  ).json<{ name: string; type: string }>();
  const structure = cols.map((c) => `${c.name} ${c.type}`).join(', ');
  const [counted] = await (
    await from.client.query({ query: `SELECT count() AS n FROM ${t.revisions}`, format: 'JSONEachRow' })
  ).json<{ n: string }>();
  const rowsStored = Number(counted?.n);
  const rates: number[] = [];
  for (let i = 0; i < loads; i++) {
    const ref = `${from.database}.reference_load_${i}`;
    await from.client.command({ query: `DROP TABLE IF EXISTS ${ref}` });
    await from.client.command({ query: `CREATE TABLE ${ref} AS ${t.revisions}` });
    const t0 = performance.now();
    await from.client.command({
      query: `INSERT INTO ${ref} (${cols.map((c) => c.name).join(', ')}) SELECT * FROM file({file:String}, 'JSONEachRow', {structure:String})`,
      query_params: { file, structure },
      // The store's own insert settings (infra/clickhouse/reading-store.clickhouse.ts).
      clickhouse_settings: { optimize_on_insert: 0, max_partitions_per_insert_block: '0' },
    });
    rates.push(rowsStored / ((performance.now() - t0) / 1000));
    // A load that read fewer rows than were stored would flatter the reference's speed.
    const [loaded] = await (
      await from.client.query({ query: `SELECT count() AS n FROM ${ref}`, format: 'JSONEachRow' })
    ).json<{ n: string }>();
    if (Number(loaded?.n) !== rowsStored) {
      throw new Error(`the reference load into ${ref} read ${loaded?.n} rows of the ${rowsStored} stored`);
    }
    await from.client.command({ query: `DROP TABLE ${ref}` });
  }
  return { rows: rowsStored, rates };
}
