import type { StoreConnection } from '../../infra/clickhouse/client';
import { currentReadingsSql } from '../../infra/clickhouse/queries/readings.sql';
import { chDateTime, tablesOf } from '../../infra/clickhouse/tables';

export interface CurrentRow {
  station: string;
  pollutant: string;
  t: number;
  value: number | null;
  status: string;
  source_id: string;
  valid: boolean;
  qc_flags: string[];
}

/** Reads current values back through the engine (not through the code under test's memory). */
export async function currentReadings(
  store: StoreConnection,
  filter: { stations?: string[]; pollutants?: string[]; fromMs?: number; toMs?: number } = {},
): Promise<CurrentRow[]> {
  const rs = await store.client.query({
    query: currentReadingsSql(tablesOf(store.database)),
    query_params: {
      stations: filter.stations ?? [],
      pollutants: filter.pollutants ?? [],
      from: chDateTime(filter.fromMs ?? 0),
      to: chDateTime(filter.toMs ?? Date.UTC(2100, 0, 1)),
    },
    format: 'JSONEachRow',
  });
  return rs.json<CurrentRow>();
}

export async function countRows(
  store: StoreConnection,
  table: 'reading_revisions' | 'readings' | 'rejects',
  final = false,
): Promise<number> {
  const rs = await store.client.query({
    query: `SELECT count() AS n FROM \`${store.database}\`.\`${table}\` ${final ? 'FINAL' : ''}`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}
