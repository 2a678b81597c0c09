import type { FlaggedRow, FlagQueries } from '../../api';
import type { StoreConnection } from './client';
import { flagsSql } from './queries/api.sql';
import { translateStoreError } from './store-errors';
import { chDateTime64, tablesOf } from './tables';

/** `GET /v1/flags`'s reads: the revisions quality control flagged (ARCHITECTURE.md rule 9). */
export function createClickHouseFlagQueries(store: StoreConnection): FlagQueries {
  const t = tablesOf(store.database);
  return {
    async list(f): Promise<FlaggedRow[]> {
      try {
        const rs = await store.client.query({
          query: flagsSql(t, f.stations !== undefined),
          query_params: {
            from: chDateTime64(f.fromMs),
            to: chDateTime64(f.toMs),
            flag: f.flag ?? '',
            pollutant: f.pollutant ?? '',
            station: f.station ?? '',
            ...(f.stations ? { stations: f.stations } : {}),
            limit: f.limit,
          },
          format: 'JSONEachRow',
        });
        const rows = await rs.json<Omit<FlaggedRow, 'arrivedAt'> & { arrived_ms: string | number }>();
        // Arrival in milliseconds, as it was written (the engine's %f would print microseconds).
        return rows.map(({ arrived_ms, ...r }) => ({
          ...r,
          valid: Boolean(r.valid),
          arrivedAt: new Date(Number(arrived_ms)).toISOString(),
        }));
      } catch (err) {
        throw translateStoreError(err, 'listing flagged revisions');
      }
    },
  };
}
