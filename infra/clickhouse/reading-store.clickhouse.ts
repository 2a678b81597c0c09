import type { ReadingStore, RejectRow, Revision, RevisionContent, RevisionScope } from '../../processing';
import type { Pollutant } from '../../schemas/pollutant';
import type { ReadingStatus } from '../../schemas/reading';
import type { StoreConnection } from './client';
import { latestRevisionsSql } from './queries/readings.sql';
import { translateStoreError } from './store-errors';
import { chDateTime, chDateTime64, tablesOf } from './tables';

type LatestRow = {
  station: string;
  pollutant: Pollutant;
  t: number;
  status: ReadingStatus;
  c: [number | null, string, boolean, string];
};

const toRevisionRow = (r: Revision): Record<string, unknown> => ({
  station: r.station,
  pollutant: r.pollutant,
  time: chDateTime(Date.parse(r.time)),
  value: r.value,
  unit: r.unit,
  original_unit: r.originalUnit ?? '',
  missing_reason: r.missingReason ?? '',
  source_flag: r.sourceFlag ?? '',
  source_valid: r.sourceValid,
  qc_flags: r.qcFlags,
  valid: r.valid,
  status: r.status,
  source_kind: r.source.kind,
  source_id: r.source.id,
  published_at: r.source.publishedAt === undefined ? null : chDateTime64(Date.parse(r.source.publishedAt)),
  arrived_at: chDateTime64(Date.parse(r.arrivedAt)),
});

const toRejectRow = (r: RejectRow): Record<string, unknown> => ({
  received_at: chDateTime64(Date.parse(r.receivedAt)),
  centre: r.centre,
  source_kind: r.sourceKind,
  source_id: r.sourceId,
  record_index: r.recordIndex,
  station: r.station,
  pollutant: r.pollutant,
  time: chDateTime(r.time === null ? 0 : Date.parse(r.time)),
  code: r.code,
  field: r.field,
  reason: r.reason,
  record: r.record.slice(0, 2000),
});

/** The processor's store port on ClickHouse (embedded or server, same SQL). */
export function createClickHouseReadingStore(store: StoreConnection): ReadingStore {
  const t = tablesOf(store.database);
  const { client } = store;
  return {
    async latestRevisions(scope: RevisionScope): Promise<RevisionContent[]> {
      if (scope.stations.length === 0) return [];
      try {
        const rs = await client.query({
          query: latestRevisionsSql(t),
          query_params: {
            stations: scope.stations,
            pollutants: scope.pollutants,
            from: chDateTime(scope.fromMs),
            to: chDateTime(scope.toMs),
          },
          format: 'JSONEachRow',
        });
        const rows = await rs.json<LatestRow>();
        return rows.map((row) => ({
          station: row.station,
          pollutant: row.pollutant,
          timeMs: Number(row.t) * 1000,
          status: row.status,
          value: row.c[0],
          sourceFlag: row.c[1],
          sourceValid: row.c[2],
          missingReason: row.c[3],
        }));
      } catch (err) {
        throw translateStoreError(err, 'looking up latest revisions');
      }
    },

    async insertRevisions(rows: readonly Revision[]): Promise<void> {
      try {
        await client.insert({ table: t.revisions, values: rows.map(toRevisionRow), format: 'JSONEachRow' });
      } catch (err) {
        throw translateStoreError(err, 'inserting readings');
      }
    },

    async insertRejects(rows: readonly RejectRow[]): Promise<void> {
      if (rows.length === 0) return;
      try {
        await client.insert({ table: t.rejects, values: rows.map(toRejectRow), format: 'JSONEachRow' });
      } catch (err) {
        throw translateStoreError(err, 'inserting rejects');
      }
    },
  };
}
