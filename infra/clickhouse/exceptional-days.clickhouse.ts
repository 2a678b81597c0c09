import type { ExceptionalDayStore } from '../../api';
import type { ExceptionalDaysResponse } from '../../schemas';
import type { StoreConnection } from './client';
import { translateStoreError } from './store-errors';
import { chDateTime64, tablesOf } from './tables';

export function createClickHouseExceptionalDays(store: StoreConnection): ExceptionalDayStore {
  const t = tablesOf(store.database);
  return {
    async record(days, atMs) {
      try {
        await store.client.insert({
          table: t.exceptionalDays,
          values: days.map((d) => ({
            city: d.city,
            day: d.day,
            kind: d.kind,
            source: d.source,
            removed: d.removed,
            recorded_at: chDateTime64(atMs),
          })),
          format: 'JSONEachRow',
        });
      } catch (err) {
        throw translateStoreError(err, 'recording exceptional days');
      }
    },
    async list(year) {
      try {
        const rs = await store.client.query({
          query: `SELECT city, toString(day) AS day, kind, source, formatDateTime(recorded_at, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS recordedAt
                  FROM ${t.exceptionalDays} AS e FINAL
                  -- qualified: the alias day above is text
                  WHERE toYear(e.day) = {year:UInt16} AND NOT e.removed
                  ORDER BY day, city`,
          query_params: { year },
          format: 'JSONEachRow',
        });
        return await rs.json<ExceptionalDaysResponse['days'][number]>();
      } catch (err) {
        throw translateStoreError(err, 'listing exceptional days');
      }
    },
  };
}
