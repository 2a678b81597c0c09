import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectStore } from '../../infra/clickhouse/client';
import { loadConfig } from '../../infra/config/load-config';
import { runCli } from '../helpers/cli';
import { countRows } from '../helpers/current';
import { SHARED_DATA_DIR, sharedData } from '../helpers/shared-data';

const DB = 'yrd_air_test';
const dataDir = mkdtempSync(join(tmpdir(), 'yrd-air-backfill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const FILES = ['20170101', '20180101', '20230120', '20230121', '20230122', '20230123'].map((d) =>
  sharedData(`china_sites/china_sites_${d}.csv`),
);
const HOURLY = new Set(['PM2.5', 'PM10', 'SO2', 'NO2', 'O3', 'CO']);

/** Station codes of the four provinces, read straight from the shared list with a plain split. */
const KNOWN = new Set(
  readFileSync(`${SHARED_DATA_DIR}yrd_stations.csv`, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[0])
    .filter((c): c is string => !!c),
);

/** Non-empty hourly cells of known stations, counted with string splits (independent of the adapter). */
function knownCells(file: string): { cells: number; unknownStations: number; cellsOf1001A: number; empty: number } {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split(',');
  let cells = 0;
  const unknown = new Set<string>();
  let cellsOf1001A = 0;
  let empty = 0;
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    if (!HOURLY.has(c[2] ?? '')) continue;
    for (let i = 3; i < header.length; i++) if ((header[i] ?? '').trim() !== '' && (c[i] ?? '').trim() === '') empty++;
    for (let i = 3; i < c.length; i++) {
      const code = header[i] ?? '';
      if (c[i] === '' || code === '') continue;
      if (KNOWN.has(code)) cells++;
      else unknown.add(code);
      if (code === '1001A' && Number.isFinite(Number(c[i]))) cellsOf1001A++;
    }
  }
  return { cells, unknownStations: unknown.size, cellsOf1001A, empty };
}

describe('yrd-air backfill on the real archive days', () => {
  it('stores exactly one reading per non-empty hourly cell of a known station; twice changes nothing', async () => {
    const expected = FILES.map(knownCells).reduce((n, f) => n + f.cells, 0);
    const env = { DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB, LOG_LEVEL: 'warn' };

    const first = runCli(['backfill', ...FILES], env);
    expect((await first.exited).code, first.stderr()).toBe(0);
    expect(first.stdout()).toContain(`backfill: 6 file(s) read, 0 already done`);
    expect(first.stdout()).toContain(`readings: ${expected} handed over`);
    // Empty cells of every named column, counted while the files stream past (not read twice).
    expect(first.stdout()).toContain(`empty cells: ${FILES.map(knownCells).reduce((n, f) => n + f.empty, 0)}`);
    // Every file is read in chunks of 50,000 cells: a foreign station's cells are counted across them.
    expect(first.stdout()).toContain(
      `stations outside the registry, skipped once each (cells): 1001A (${FILES.map(knownCells).reduce((n, f) => n + f.cellsOf1001A, 0)})`,
    );

    const again = runCli(['backfill', ...FILES], env);
    expect((await again.exited).code).toBe(0);
    expect(again.stdout()).toContain('backfill: 0 file(s) read, 6 already done and skipped');

    const forced = runCli(['backfill', '--force', FILES[3] as string], env);
    expect((await forced.exited).code).toBe(0);

    const store = await connectStore(loadConfig({ DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB }));
    try {
      expect(await countRows(store, 'readings', true)).toBe(expected);
      expect(await countRows(store, 'reading_revisions', true)).toBe(expected);
      // Foreign stations are reported once per station and file, not once per cell.
      const rs = await store.client.query({
        query: `SELECT count() AS n, uniqExact(station, source_id) AS u FROM \`${DB}\`.rejects FINAL WHERE code = 'READING_UNKNOWN_STATION'`,
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ n: string; u: string }>();
      expect(Number(row?.n)).toBe(Number(row?.u));
      expect(Number(row?.n)).toBe(FILES.map(knownCells).reduce((n, f) => n + f.unknownStations, 0));
    } finally {
      await store.close();
    }
  }, 240_000);
});
