/** What every bench section shares: the flags, the table's rows, timing and store helpers. */
import { tablesOf, type StoreConnection } from '../../infra';
import { createLogger } from '../../kernel';

export const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
export const wanted = (section: string): boolean => only === undefined || only.includes(section);
export const logger = createLogger({ level: 'silent' });
/** The table's rows measured in this process. */
export const rows: string[][] = [];
export const note = (what: string, ours: string, reference: string, ratio: string, extra = ''): void => {
  rows.push([what, ours, reference, ratio, extra]);
  console.error(`| ${[what, ours, reference, ratio, extra].join(' | ')} |`);
};
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

/** The run of median rate among repeated runs, and their range as written in the table (` (3 runs: a–b)`). */
export function medianRun<R extends { rate: number }>(runs: readonly R[]): { mid: R; range: string } {
  const sorted = [...runs].sort((a, b) => a.rate - b.rate);
  const mid = sorted[Math.floor(sorted.length / 2)] as R;
  const range =
    runs.length > 1 ? ` (${runs.length} runs: ${fmt(sorted[0]?.rate ?? NaN)}–${fmt(sorted.at(-1)?.rate ?? NaN)})` : '';
  return { mid, range };
}
