import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadingStore, RejectRow, Revision, RevisionContent, RevisionScope } from '../../processing';
import type { Pollutant, ReadingStatus } from '../../schemas';
import type { StoreConnection } from './client';
import { latestRevisionRowsSql, latestRevisionsSql } from './queries/readings.sql';
import { timeMs } from '../../kernel';
import {
  BOOL,
  column,
  DATE_TIME,
  DATE_TIME64,
  FLOAT64,
  nullable,
  rowFormat,
  RowBinaryWriter,
  STRING,
  STRINGS,
} from './row-binary';
import { translateStoreError } from './store-errors';
import { chDateTime, chDateTime64, tablesOf } from './tables';

type LatestRow = {
  station: string;
  pollutant: Pollutant;
  t: number;
  status: ReadingStatus;
  c: [number | null, string, boolean, string, boolean, boolean];
};

type FullRow = {
  station: string;
  pollutant: Pollutant;
  t: number;
  value: number | null;
  unit: Revision['unit'];
  original_unit: string;
  missing_reason: string;
  source_flag: string;
  source_valid: boolean;
  qc_flags: string[];
  valid: boolean;
  status: ReadingStatus;
  source_kind: Revision['source']['kind'];
  source_id: string;
  published_ms: string | null;
  arrived_ms: string;
};

/** A stored row as the revision it was written from ('' marks an absent optional field). */
const fromFullRow = (row: FullRow): Revision => ({
  station: row.station,
  pollutant: row.pollutant,
  time: new Date(Number(row.t) * 1000).toISOString(),
  value: row.value,
  unit: row.unit,
  ...(row.original_unit ? { originalUnit: row.original_unit } : {}),
  ...(row.missing_reason ? { missingReason: row.missing_reason } : {}),
  ...(row.source_flag ? { sourceFlag: row.source_flag } : {}),
  sourceValid: Boolean(row.source_valid),
  status: row.status,
  source: {
    kind: row.source_kind,
    id: row.source_id,
    ...(row.published_ms === null ? {} : { publishedAt: new Date(Number(row.published_ms)).toISOString() }),
  },
  arrivedAt: new Date(Number(row.arrived_ms)).toISOString(),
  qcFlags: row.qc_flags,
  valid: Boolean(row.valid),
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
  // The time as the record wrote it: a refused time (2200, 30 February) has no instant to keep.
  time_written: r.timeWritten,
  code: r.code,
  field: r.field,
  reason: r.reason,
  record: r.record.slice(0, 2000),
});

/**
 * The revision row, column by column: the row insert (JSONEachRow), the staged insert (RowBinary
 * and the structure its file is read with) and that insert's SELECT all follow it.
 */
const REVISION_ROW = rowFormat<Revision>([
  column('station', STRING, (r) => r.station),
  column('pollutant', STRING, (r) => r.pollutant),
  column('time', DATE_TIME, (r) => timeMs(r.time)),
  column('value', nullable(FLOAT64), (r) => r.value),
  column('unit', STRING, (r) => r.unit),
  column('original_unit', STRING, (r) => r.originalUnit ?? ''),
  column('missing_reason', STRING, (r) => r.missingReason ?? ''),
  column('source_flag', STRING, (r) => r.sourceFlag ?? ''),
  column('source_valid', BOOL, (r) => r.sourceValid),
  column('qc_flags', STRINGS, (r) => r.qcFlags),
  column('valid', BOOL, (r) => r.valid),
  column('status', STRING, (r) => r.status),
  column('source_kind', STRING, (r) => r.source.kind),
  column('source_id', STRING, (r) => r.source.id),
  column('published_at', nullable(DATE_TIME64), (r) =>
    r.source.publishedAt === undefined ? null : timeMs(r.source.publishedAt),
  ),
  column('arrived_at', DATE_TIME64, (r) => timeMs(r.arrivedAt)),
  // What the revision is to the one it replaces (migration 0005); the processor sets both.
  column('kind', STRING, (r) => r.kind ?? 'unknown'),
  column('previous_value', nullable(FLOAT64), (r) => r.previous?.value ?? null),
  column('previous_valid', nullable(BOOL), (r) => (r.previous ? r.previous.valid : null)),
]);

/** Below this many rows a staged file costs more than it saves. */
const STAGE_FROM_ROWS = 2_000;

/**
 * A batch may span years (a station's archive, a consumer catching up on a backfill): each month
 * is a partition, and the engine refuses an insert over 100 by default — the batch would then be
 * retried for ever. Many parts from one insert only cost merges.
 */
const MANY_MONTHS = { max_partitions_per_insert_block: '0' } as const;

/**
 * ReplacingMergeTree collapses duplicates within an inserted block by default, which doubles the
 * cost of an insert into both tables. Nothing is lost without it: a batch never holds two equal
 * revisions (processing/revisions.ts), and `readings` is read with FINAL, which picks the highest
 * version whether the merge happened at insert or later.
 */
const INSERT_SETTINGS = { optimize_on_insert: 0, ...MANY_MONTHS } as const;

/** The processor's store port on ClickHouse (embedded or server, same SQL). */
export function createClickHouseReadingStore(store: StoreConnection): ReadingStore {
  const t = tablesOf(store.database);
  const { client } = store;
  const columns = REVISION_ROW.names;
  const structure = REVISION_ROW.structure.replaceAll("'", "\\'");
  /**
   * The embedded engine loads a file itself with file() several times faster than it parses the
   * same rows inlined in an INSERT statement (the chDB client's only insert path): large batches
   * are written as RowBinary (cheaper to write than TabSeparated, ~1.5× less for the engine to
   * read; TabSeparated was ~3× cheaper than JSON) to a file under the store's folder and loaded
   * from it. The INSERT has returned — the rows are in the table —
   * before the file is removed.
   */
  async function stagedInsert(dataPath: string, rows: readonly Revision[]): Promise<void> {
    const dir = join(dataPath, 'staging');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${randomUUID()}.bin`);
    try {
      const w = new RowBinaryWriter(rows.length * 96);
      for (const r of rows) REVISION_ROW.write(w, r);
      await writeFile(file, w.bytes());
      await client.command({
        query: `INSERT INTO ${t.revisions} (${columns}) SELECT ${columns} FROM file('${file.replaceAll("'", "\\'")}', 'RowBinary', '${structure}')`,
        clickhouse_settings: INSERT_SETTINGS,
      });
    } finally {
      await rm(file, { force: true });
    }
  }

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
          valid: Boolean(row.c[4]),
          pm25AbovePm10: Boolean(row.c[5]),
        }));
      } catch (err) {
        throw translateStoreError(err, 'looking up latest revisions');
      }
    },

    async latestRevisionRows(keys: Parameters<ReadingStore['latestRevisionRows']>[0]): Promise<Revision[]> {
      if (keys.length === 0) return [];
      const wanted = new Set(keys.map((k) => `${k.station}|${k.pollutant}|${k.timeMs}|${k.status}`));
      try {
        const rs = await client.query({
          query: latestRevisionRowsSql(t),
          query_params: {
            stations: [...new Set(keys.map((k) => k.station))],
            pollutants: [...new Set(keys.map((k) => k.pollutant))],
            times: [...new Set(keys.map((k) => k.timeMs))].map(chDateTime),
          },
          format: 'JSONEachRow',
        });
        const rows = await rs.json<FullRow>();
        return rows
          .filter((r) => wanted.has(`${r.station}|${r.pollutant}|${Number(r.t) * 1000}|${r.status}`))
          .map(fromFullRow);
      } catch (err) {
        throw translateStoreError(err, 'reading stored revisions');
      }
    },

    async insertRevisions(rows: readonly Revision[]): Promise<void> {
      try {
        if (store.mode === 'embedded' && store.dataPath && rows.length >= STAGE_FROM_ROWS)
          await stagedInsert(store.dataPath, rows);
        else
          await client.insert({
            table: t.revisions,
            values: rows.map((r) => REVISION_ROW.json(r)),
            format: 'JSONEachRow',
            clickhouse_settings: INSERT_SETTINGS,
          });
      } catch (err) {
        throw translateStoreError(err, 'inserting readings');
      }
    },

    async insertRejects(rows: readonly RejectRow[]): Promise<void> {
      if (rows.length === 0) return;
      try {
        await client.insert({
          table: t.rejects,
          values: rows.map(toRejectRow),
          format: 'JSONEachRow',
          clickhouse_settings: MANY_MONTHS,
        });
      } catch (err) {
        throw translateStoreError(err, 'inserting rejects');
      }
    },
  };
}
