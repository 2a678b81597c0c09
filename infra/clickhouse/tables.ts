/**
 * Fully qualified table names. chDB ignores the client's `database` option, so every statement
 * names the database; the name is a validated identifier (schemas/config.ts), quoted here.
 */
export interface Tables {
  stations: string;
  revisions: string;
  readings: string;
  rejects: string;
  exceptionalDays: string;
  species: string;
}

export function tablesOf(database: string): Tables {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`not a database identifier: ${database}`);
  const q = (t: string): string => `\`${database}\`.\`${t}\``;
  return { stations: q('stations'), revisions: q('reading_revisions'), readings: q('readings'), rejects: q('rejects'), exceptionalDays: q('exceptional_days'), species: q('species_readings') };
}

/** ClickHouse DateTime text in UTC for epoch milliseconds (columns are declared 'UTC'). */
const formatted = new Map<number, string>();
const formatted64 = new Map<number, string>();
const remembered = (cache: Map<number, string>, ms: number, make: () => string): string => {
  let s = cache.get(ms);
  if (s === undefined) {
    if (cache.size >= 50_000) cache.clear();
    s = make();
    cache.set(ms, s);
  }
  return s;
};
/** Remembered: an insert batch repeats a few dozen hours thousands of times. */
export const chDateTime = (ms: number): string => remembered(formatted, ms, () => new Date(ms).toISOString().slice(0, 19).replace('T', ' '));
export const chDateTime64 = (ms: number): string => remembered(formatted64, ms, () => new Date(ms).toISOString().slice(0, 23).replace('T', ' '));
