import type { ChangeQueries, RejectQueries, ScorecardQueries, StationDelivery, StationQueries } from '../../api';
import { cstMidnightMs } from '../../kernel';
import type { Change, Reject, Station, StationListVersion } from '../../schemas';
import type { StoreConnection } from './client';
import { allStationsSql, changesSql, listRejectsSql, stationsFingerprintSql } from './queries/api.sql';
import { scorecardPerStationSql, scorecardRejectsSql } from './queries/scorecard.sql';
import { translateStoreError } from './store-errors';
import { chDateTime, chDateTime64, tablesOf } from './tables';

export function createClickHouseRejectQueries(store: StoreConnection): RejectQueries {
  const t = tablesOf(store.database);
  return {
    async list(f) {
      try {
        const rs = await store.client.query({
          query: listRejectsSql(t),
          query_params: {
            centre: f.centre ?? '',
            code: f.code ?? '',
            from: chDateTime64(f.fromMs),
            to: chDateTime64(f.toMs),
            limit: f.limit,
          },
          format: 'JSONEachRow',
        });
        const rows = await rs.json<Reject & { recordIndex: string | number }>();
        return rows.map((r) => ({ ...r, recordIndex: Number(r.recordIndex) }));
      } catch (err) {
        throw translateStoreError(err, 'listing rejects');
      }
    },
  };
}

export function createClickHouseStationQueries(store: StoreConnection): StationQueries {
  const t = tablesOf(store.database);
  let cached: { key: string; versions: readonly StationListVersion[] } | undefined;
  /** All versions in one statement, frozen: callers share them. */
  const readVersions = async (): Promise<readonly StationListVersion[]> => {
    const rows = await (
      await store.client.query({ query: allStationsSql(t), format: 'JSONEachRow' })
    ).json<Station & { version: string; validFrom: string }>();
    const byVersion = new Map<string, { version: string; validFrom: string; stations: Station[] }>();
    for (const { version, validFrom, ...station } of rows) {
      let v = byVersion.get(version);
      if (!v) byVersion.set(version, (v = { version, validFrom, stations: [] }));
      v.stations.push(Object.freeze(station));
    }
    return Object.freeze(
      [...byVersion.values()].map((v) => Object.freeze({ ...v, stations: Object.freeze(v.stations) as Station[] })),
    );
  };
  /**
   * Every view asks for the lists, and they change only when a list is imported: keep them, and
   * read them again when the table's row count or latest import says they changed.
   */
  const versions = async (): Promise<readonly StationListVersion[]> => {
    const [fingerprint] = await (
      await store.client.query({ query: stationsFingerprintSql(t), format: 'JSONCompactEachRow' })
    ).json<[string, string]>();
    const key = JSON.stringify(fingerprint);
    if (cached?.key !== key) cached = { key, versions: await readVersions() };
    return cached.versions;
  };
  return {
    async current(f): Promise<StationListVersion | undefined> {
      try {
        const vs = await versions();
        const inForce = vs.filter((v) => cstMidnightMs(v.validFrom) <= f.atMs).at(-1) ?? vs[0];
        if (!inForce) return undefined;
        return {
          ...inForce,
          stations: inForce.stations.filter(
            (s) => (!f.province || s.province === f.province) && (!f.city || s.city === f.city),
          ),
        };
      } catch (err) {
        throw translateStoreError(err, 'listing stations');
      }
    },
    async versions(): Promise<StationListVersion[]> {
      try {
        return (await versions()) as StationListVersion[];
      } catch (err) {
        throw translateStoreError(err, 'listing station list versions');
      }
    },
  };
}

export function createClickHouseScorecardQueries(store: StoreConnection): ScorecardQueries {
  const t = tablesOf(store.database);
  return {
    async perStation(f): Promise<StationDelivery[]> {
      try {
        const rs = await store.client.query({
          query: scorecardPerStationSql(t),
          query_params: { stations: f.stations, from: chDateTime(f.fromMs), to: chDateTime(f.toMs) },
          format: 'JSONEachRow',
        });
        const rows = await rs.json<{
          station: string;
          received: string;
          valid: string;
          corrected: string;
          audited: string;
          delays_min: number[];
        }>();
        return rows.map((r) => ({
          station: r.station,
          received: Number(r.received),
          valid: Number(r.valid),
          corrected: Number(r.corrected),
          audited: Number(r.audited),
          delaysMin: r.delays_min.map(Number),
        }));
      } catch (err) {
        throw translateStoreError(err, 'computing a scorecard');
      }
    },
    async rejectsByCode(f) {
      try {
        const rs = await store.client.query({
          query: scorecardRejectsSql(t),
          query_params: { centre: f.centre, from: chDateTime(f.fromMs), to: chDateTime(f.toMs) },
          format: 'JSONEachRow',
        });
        return Object.fromEntries((await rs.json<{ code: string; n: string }>()).map((r) => [r.code, Number(r.n)]));
      } catch (err) {
        throw translateStoreError(err, 'counting rejects');
      }
    },
  };
}

export function createClickHouseChangeQueries(store: StoreConnection): ChangeQueries {
  const t = tablesOf(store.database);
  return {
    async list(f) {
      const a = f.after ?? { arrivedMs: -1, station: '', pollutant: '', timeSec: -1, status: '' };
      try {
        const rs = await store.client.query({
          query: changesSql(t, f.stations !== undefined),
          query_params: {
            since: chDateTime64(f.sinceMs),
            afterMs: a.arrivedMs,
            afterStation: a.station,
            afterPollutant: a.pollutant,
            afterTime: a.timeSec,
            afterStatus: a.status,
            pollutant: f.pollutant ?? '',
            ...(f.stations ? { stations: f.stations } : {}),
            limit: f.limit,
          },
          format: 'JSONEachRow',
        });
        type Row = Omit<Change, 'previous'> & {
          arrived_ms: string;
          st: string;
          previous_value: number | null;
          previous_valid: boolean | null;
        };
        const rows = await rs.json<Row>();
        const lastRow = rows.at(-1);
        return {
          changes: rows.map(({ arrived_ms: _a, st: _s, previous_value, previous_valid, ...c }) => ({
            ...c,
            valid: Boolean(c.valid),
            // No previous: a first, or a revision stored before kinds were kept (migration 0005).
            previous: previous_valid === null ? null : { value: previous_value, valid: Boolean(previous_valid) },
          })),
          last: lastRow && {
            arrivedMs: Number(lastRow.arrived_ms),
            station: lastRow.station,
            pollutant: lastRow.pollutant,
            timeSec: Date.parse(lastRow.time) / 1000,
            status: lastRow.st,
          },
        };
      } catch (err) {
        throw translateStoreError(err, 'listing changes');
      }
    },
  };
}
