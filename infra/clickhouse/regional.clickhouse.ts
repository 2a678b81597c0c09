import type { RegionalQueries } from '../../views';
import type { StoreConnection } from './client';
import { regionalPeriodsSql } from './queries/regional.sql';
import { translateStoreError } from './store-errors';
import { chDateTime, tablesOf } from './tables';

export function createClickHouseRegionalQueries(store: StoreConnection): RegionalQueries {
  const t = tablesOf(store.database);
  return {
    async periods(spec) {
      try {
        const rs = await store.client.query({
          query: regionalPeriodsSql(t, spec.background, spec.resolution),
          query_params: {
            pollutant: spec.pollutant,
            stations: [...new Set([...spec.city, ...spec.backgroundStations])],
            city: spec.city,
            background: spec.backgroundStations,
            from: chDateTime(spec.fromMs),
            to: chDateTime(spec.toMs),
          },
          format: 'JSONEachRow',
        });
        const rows = await rs.json<{ period: string; hours: number | string; city: number; background: number }>();
        return rows.map((r) => ({ period: r.period, hours: Number(r.hours), city: r.city, background: r.background }));
      } catch (err) {
        throw translateStoreError(err, 'splitting the regional background');
      }
    },
  };
}
