import { cstDaysRange } from '../../kernel';
import { type StationDay, type StatsQueries, GRADE_II, VALIDITY } from '../../views';
import type { StoreConnection } from './client';
import { queryColumns } from './columns';
import { stationDailySql } from './queries/stats-daily.sql';
import { translateStoreError } from './store-errors';
import { chDateTime, chDateTime64, tablesOf } from './tables';

/**
 * stationDailySql's columns, column by column (JSONCompactColumns: a year of a city is ~33 k
 * rows, and one parse of the whole answer is cheaper than one per row).
 */
type Columns = [
  station: string[],
  day: string[],
  statistic: StationDay['statistic'][],
  value: (number | null)[],
  nValid: (string | number)[],
  valid: (boolean | number)[],
  converted: (boolean | number)[],
  exceedanceException: (boolean | number)[],
  nAudited: (string | number)[],
];

export function createClickHouseStatsQueries(store: StoreConnection): StatsQueries {
  const t = tablesOf(store.database);
  return {
    async stationDaily(f) {
      // Hour-ending instants in (fromDay 00:00, toDay+1 00:00] CST: labels 01–24 of each day.
      const days = cstDaysRange(f.fromDay, f.toDay);
      try {
        const columns = await queryColumns<Columns>(
          store.client,
          stationDailySql(t, { asOf: f.asOfMs !== undefined, auditedOnly: f.auditedOnly === true }),
          {
            stations: f.stations,
            from: chDateTime(days.fromMs),
            to: chDateTime(days.toMs),
            referenceState: f.referenceState === false ? 0 : 1,
            minHours: VALIDITY.hoursPerDay,
            min8h: VALIDITY.hoursPer8h,
            minWindows: VALIDITY.windowsPerMda8,
            mda8Limit: GRADE_II['2012'].o3.mda8,
            ...(f.asOfMs !== undefined ? { asOf: chDateTime64(f.asOfMs) } : {}),
          },
        );
        if (columns.length === 0) return [];
        const [station, day, statistic, value, nValid, valid, converted, exceedanceException, nAudited] = columns;
        return station.map((code, i) => ({
          station: code,
          day: day[i] as string,
          statistic: statistic[i] as StationDay['statistic'],
          value: value[i] === null ? null : Number(value[i]),
          nValid: Number(nValid[i]),
          valid: Boolean(valid[i]),
          converted: Boolean(converted[i]),
          exceedanceException: Boolean(exceedanceException[i]),
          nAudited: Number(nAudited[i]),
        }));
      } catch (err) {
        throw translateStoreError(err, 'computing station daily statistics');
      }
    },
  };
}
