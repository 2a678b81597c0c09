import { boundedMemo } from '../../kernel';

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
  forecasts: string;
}

export function tablesOf(database: string): Tables {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`not a database identifier: ${database}`);
  const q = (t: string): string => `\`${database}\`.\`${t}\``;
  return {
    stations: q('stations'),
    revisions: q('reading_revisions'),
    readings: q('readings'),
    rejects: q('rejects'),
    exceptionalDays: q('exceptional_days'),
    species: q('species_readings'),
    forecasts: q('forecasts'),
  };
}

/** ClickHouse DateTime text in UTC for epoch milliseconds (columns are declared 'UTC'). */
/** Remembered: an insert batch repeats a few dozen hours thousands of times. */
export const chDateTime = boundedMemo((ms: number): string =>
  new Date(ms).toISOString().slice(0, 19).replace('T', ' '),
);
export const chDateTime64 = boundedMemo((ms: number): string =>
  new Date(ms).toISOString().slice(0, 23).replace('T', ' '),
);
