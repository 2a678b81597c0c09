import type { StoreConnection } from './client';
import {
  anyRevisionSql,
  countSourceRevisionsSql,
  deleteSourceCurrentSql,
  deleteSourceRejectsSql,
  deleteSourceRevisionsSql,
  rederiveCurrentSql,
} from './queries/history.sql';
import { translateStoreError } from './store-errors';
import { tablesOf } from './tables';

async function count(store: StoreConnection, query: string, params: Record<string, unknown> = {}): Promise<number> {
  const rows = await (
    await store.client.query({ query, query_params: params, format: 'JSONEachRow' })
  ).json<{
    n: string;
  }>();
  return Number(rows[0]?.n ?? 0);
}

/** Whether the store holds no reading at all (a first start). */
export async function storeIsEmpty(store: StoreConnection): Promise<boolean> {
  try {
    return (await count(store, anyRevisionSql(tablesOf(store.database)))) === 0;
  } catch (err) {
    throw translateStoreError(err, 'looking for stored readings');
  }
}

/**
 * Removes every revision, current value and refusal of one source, named by the prefix of its
 * source id; an identity another source also sent keeps that source's latest value. Returns the
 * revisions removed. Needs the store to itself, like the retention prune.
 */
export async function removeSourceReadings(store: StoreConnection, prefix: string): Promise<number> {
  const t = tablesOf(store.database);
  const params = { prefix };
  const sync = { mutations_sync: '2' } as const;
  try {
    const n = await count(store, countSourceRevisionsSql(t), params);
    await store.client.command({ query: deleteSourceRevisionsSql(t), query_params: params, clickhouse_settings: sync });
    await store.client.command({ query: rederiveCurrentSql(t), query_params: params });
    await store.client.command({ query: deleteSourceCurrentSql(t), query_params: params, clickhouse_settings: sync });
    await store.client.command({ query: deleteSourceRejectsSql(t), query_params: params, clickhouse_settings: sync });
    return n;
  } catch (err) {
    throw translateStoreError(err, 'removing the readings of a source');
  }
}
