import { existsSync } from 'node:fs';
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
