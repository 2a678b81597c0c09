import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of yrd-air's package.json: files shipped beside the code (migrations, the bundled
 * station list, the dashboard, the worker bootstrap, the broker's pom) are found from here, so
 * the same code finds them run from source (tsx) and from the one-file build (dist/, `npm run
 * build`), where import.meta.url is the bundle's.
 */
function findRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'infra', 'clickhouse', 'migrations'))) return dir;
    if (dirname(dir) === dir) throw new Error(`yrd-air's files not found above ${fileURLToPath(import.meta.url)}`);
  }
}

export const PACKAGE_ROOT = findRoot();

/** A path inside the package, e.g. `fromRoot('infra', 'clickhouse', 'migrations')`. */
export const fromRoot = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
