import type { StoreConnection } from './client';
import { translateStoreError } from './store-errors';
import { chDateTime64, tablesOf } from './tables';

/**
 * Retention of superseded revisions (REVISION_RETENTION_DAYS): deletes revisions that arrived before `cutoffMs`
 * and are no longer the latest of their reading and status. The latest provisional and the latest
 * audited revision of every reading stay, whatever their age, so current values and every
 * statistic from now on are untouched; only `asOf` answers before the cutoff lose the detail.
 * Returns how many revisions went.
 */
export async function pruneSupersededRevisions(store: StoreConnection, cutoffMs: number): Promise<number> {
  const t = tablesOf(store.database);
  const count = async (): Promise<number> =>
    Number(
      (
        await (
          await store.client.query({ query: `SELECT count() AS n FROM ${t.revisions} FINAL`, format: 'JSONEachRow' })
        ).json<{ n: string }>()
      )[0]?.n ?? 0,
    );
  try {
    const before = await count();
    await store.client.command({
      query: `DELETE FROM ${t.revisions}
              WHERE arrived_at < {cutoff:DateTime64(3, 'UTC')}
                AND (station, pollutant, time, status, arrived_at) NOT IN (
                  SELECT station, pollutant, time, status, max(arrived_at) FROM ${t.revisions} GROUP BY station, pollutant, time, status)`,
      query_params: { cutoff: chDateTime64(cutoffMs) },
      clickhouse_settings: { mutations_sync: '2' },
    });
    return before - (await count());
  } catch (err) {
    throw translateStoreError(err, 'pruning superseded revisions');
  }
}
