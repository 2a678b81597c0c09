import type { ForecastStore } from '../../api';
import type { Forecast } from '../../schemas';
import type { StoreConnection } from './client';
import { forecastsInForceSql } from './queries/forecasts.sql';
import { translateStoreError } from './store-errors';
import { chDateTime64, tablesOf } from './tables';

/** The widest dates the store's Date column holds, for an open end of a filter. */
const FIRST_DAY = '1970-01-01';
const LAST_DAY = '2149-06-06';
/** UInt32's largest: no cap on the rows. */
const NO_LIMIT = 4_294_967_295;

/** The forecasts table: every issue inserted as it came; the issue in force chosen at read time. */
export function createClickHouseForecastStore(store: StoreConnection): ForecastStore {
  const t = tablesOf(store.database);
  return {
    async record(forecasts) {
      if (forecasts.length === 0) return;
      try {
        // Few rows (41 cities × a few sources × 8 leads a day): JSONEachRow is ample here.
        await store.client.insert({
          table: t.forecasts,
          values: forecasts.map((f) => ({
            source: f.source,
            city: f.city,
            province: f.province,
            valid_date: f.validDate,
            issue_day: f.issueDay,
            lead: f.lead,
            issued_at: chDateTime64(Date.parse(f.issuedAt)),
            aqi_low: f.aqiLow,
            aqi_high: f.aqiHigh,
            category: f.category,
            primary: f.primary,
            pm25: f.pm25,
            o3_mda8: f.o3_mda8,
            centre: f.centre,
            received_at: chDateTime64(Date.parse(f.receivedAt)),
          })),
          format: 'JSONEachRow',
        });
      } catch (err) {
        throw translateStoreError(err, 'recording forecasts');
      }
    },
    async inForce(f) {
      try {
        const rs = await store.client.query({
          query: forecastsInForceSql(t),
          query_params: {
            asOf: chDateTime64(f.asOfMs ?? Date.now()),
            from: f.fromDay ?? FIRST_DAY,
            to: f.toDay ?? LAST_DAY,
            cities: [...(f.cities ?? [])],
            source: f.source ?? '',
            lead: f.lead ?? -1,
            limit: f.limit ?? NO_LIMIT,
          },
          format: 'JSONEachRow',
        });
        type Row = Omit<Forecast, 'issuedAt' | 'receivedAt'> & {
          issuedMs: string | number;
          receivedMs: string | number;
        };
        return (await rs.json<Row>()).map(({ issuedMs, receivedMs, ...r }) => ({
          ...r,
          lead: Number(r.lead),
          aqiLow: Number(r.aqiLow),
          aqiHigh: Number(r.aqiHigh),
          issuedAt: new Date(Number(issuedMs)).toISOString(),
          receivedAt: new Date(Number(receivedMs)).toISOString(),
        }));
      } catch (err) {
        throw translateStoreError(err, 'reading forecasts');
      }
    },
  };
}
