import type { SpeciesRow, SpeciesStore } from '../../api';
import type { StoreConnection } from './client';
import { translateStoreError } from './store-errors';
import { chDateTime, chDateTime64, tablesOf } from './tables';

/** Speciated supersite readings in `species_readings` (ReplacingMergeTree: a re-push replaces). */
export function createClickHouseSpeciesStore(store: StoreConnection): SpeciesStore {
  const t = tablesOf(store.database);
  return {
    async record(rows, centre, atMs) {
      if (rows.length === 0) return;
      try {
        await store.client.insert({
          table: t.species,
          values: rows.map((r) => ({
            station: r.station,
            species: r.species,
            time: chDateTime(r.timeMs),
            value: r.value,
            mdl: r.mdl,
            uncertainty: r.uncertainty,
            centre,
            received_at: chDateTime64(atMs),
          })),
          format: 'JSONEachRow',
        });
      } catch (err) {
        throw translateStoreError(err, 'recording species readings');
      }
    },
    async hourly(station, fromMs, toMs) {
      try {
        const rs = await store.client.query({
          query: `SELECT species, toUnixTimestamp(s.time) * 1000 AS timeMs, value, mdl, uncertainty
                  FROM ${t.species} AS s FINAL
                  WHERE s.station = {station:String} AND s.time >= {from:DateTime('UTC')} AND s.time < {to:DateTime('UTC')}
                  ORDER BY species, s.time`,
          query_params: { station, from: chDateTime(fromMs), to: chDateTime(toMs) },
          format: 'JSONCompactEachRow',
        });
        const rows = await rs.json<[string, number | string, number | null, number | null, number | null]>();
        return rows.map(([species, timeMs, value, mdl, uncertainty]): SpeciesRow => ({
          station,
          species,
          timeMs: Number(timeMs),
          value,
          mdl,
          uncertainty,
        }));
      } catch (err) {
        throw translateStoreError(err, 'reading species readings');
      }
    },
  };
}
