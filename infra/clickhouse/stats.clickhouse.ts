import type { StationDay, StatsQueries } from '../../processing/stats/stats-queries';
import { GRADE_II, VALIDITY } from '../../processing/stats/standards';
import type { StoreConnection } from './client';
import { stationDailySql } from './queries/stats-daily.sql';
import { translateStoreError } from './store-errors';
import { chDateTime, chDateTime64, tablesOf } from './tables';

const cstMidnight = (day: string): number => Date.parse(`${day}T00:00:00+08:00`);
const DAY_MS = 86_400_000;

/** A row in stationDailySql's column order (JSONCompactEachRow: a year of a city is ~30 k rows, and arrays parse faster than objects). */
type Row = [station: string, day: string, statistic: StationDay['statistic'], value: number | null, nValid: string | number, valid: boolean | number, converted: boolean | number, exceedanceException: boolean | number, nAudited: string | number];

export function createClickHouseStatsQueries(store: StoreConnection): StatsQueries {
  const t = tablesOf(store.database);
  return {
    async stationDaily(f) {
      try {
        const rs = await store.client.query({
          query: stationDailySql(t, { asOf: f.asOfMs !== undefined, auditedOnly: f.auditedOnly === true }),
          query_params: {
            stations: f.stations,
            // Hour-ending instants in (fromDay 00:00, toDay+1 00:00] CST: labels 01–24 of each day.
            from: chDateTime(cstMidnight(f.fromDay)),
            to: chDateTime(cstMidnight(f.toDay) + DAY_MS),
            referenceState: f.referenceState === false ? 0 : 1,
            minHours: VALIDITY.hoursPerDay,
            min8h: VALIDITY.hoursPer8h,
            minWindows: VALIDITY.windowsPerMda8,
            mda8Limit: GRADE_II['2012'].o3.mda8,
            ...(f.asOfMs !== undefined ? { asOf: chDateTime64(f.asOfMs) } : {}),
          },
          format: 'JSONCompactEachRow',
        });
        return (await rs.json<Row>()).map(([station, day, statistic, value, nValid, valid, converted, exceedanceException, nAudited]) => ({
          station,
          day,
          statistic,
          value: value === null ? null : Number(value),
          nValid: Number(nValid),
          valid: Boolean(valid),
          converted: Boolean(converted),
          exceedanceException: Boolean(exceedanceException),
          nAudited: Number(nAudited),
        }));
      } catch (err) {
        throw translateStoreError(err, 'computing station daily statistics');
      }
    },
  };
}
