import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The project's shared real data (station lists, archive days, the Shanghai series) lives beside
 * the repository in ../shared/data, as on every developer machine and in CI.
 */
export const SHARED_DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export function sharedData(path: string): string {
  const full = `${SHARED_DATA_DIR}${path}`;
  if (!existsSync(full))
    throw new Error(`real data file ${full} is missing: the tests expect ../shared/data beside the repository`);
  return full;
}

/**
 * One file of the national archive (`china_sites_D.csv` or `china_cities_D.csv`) as
 * `hour|type|column` → the cell's text, read with plain splits (the files hold no quoted cells).
 */
export function archiveCells(kind: 'sites' | 'cities', file: string): Map<string, string> {
  const cells = new Map<string, string>();
  const lines = readFileSync(sharedData(`china_${kind}/china_${kind}_${file}.csv`), 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split(',');
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    for (let i = 3; i < c.length; i++) if (c[i] !== '' && header[i]) cells.set(`${c[1]}|${c[2]}|${header[i]}`, c[i]!);
  }
  return cells;
}
