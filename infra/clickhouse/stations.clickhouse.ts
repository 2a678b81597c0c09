import type { StationListVersion } from '../../schemas';
import type { StoreConnection } from './client';
import { translateStoreError } from './store-errors';
import { chDateTime64, tablesOf } from './tables';

/**
 * Mirrors the registry's list versions into the `stations` table, where queries join them.
 * Re-inserting a version replaces it (ReplacingMergeTree by version and code).
 */
export async function syncStations(store: StoreConnection, versions: readonly StationListVersion[]): Promise<number> {
  const importedAt = chDateTime64(Date.now());
  const rows = versions.flatMap((v) =>
    v.stations.map((s) => ({
      list_version: v.version,
      valid_from: v.validFrom,
      code: s.code,
      name: s.name,
      city: s.city,
      county_city: s.countyCity,
      province: s.province,
      lon: s.lon,
      lat: s.lat,
      control: s.control,
      stopped: s.stopped,
      imported_at: importedAt,
    })),
  );
  try {
    if (rows.length > 0)
      await store.client.insert({ table: tablesOf(store.database).stations, values: rows, format: 'JSONEachRow' });
    return rows.length;
  } catch (err) {
    throw translateStoreError(err, 'saving the station registry');
  }
}
