import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromRoot, readJsonFile, writeJsonFile } from '../../kernel';
import { zStationListVersion, type StationListVersion } from '../../schemas';
import type { StationRegistry } from './registry';
import { parseStationList } from './station-list-csv';

/** The list bundled with yrd-air: the 2022 national list's 330 stations of the four provinces. */
export const BUNDLED_LIST_FILE = pathToFileURL(fromRoot('ingest', 'stations', 'yrd_stations_2022.csv'));
export const BUNDLED_VERSION = { version: 'yrd-2022', validFrom: '2013-01-01' } as const;

/**
 * The registry lives in files under DATA_DIR/stations (one JSON per list version), so an ingest
 * process can read it without the store (the embedded engine admits one process per data folder).
 */
export function registryDir(dataDir: string): string {
  return join(dataDir, 'stations');
}

export function bundledVersion(): StationListVersion {
  const parsed = parseStationList(readFileSync(BUNDLED_LIST_FILE));
  return { ...BUNDLED_VERSION, stations: parsed.stations };
}

/** Every saved version; the bundled list when none has been imported yet. */
export function loadVersions(dataDir: string): StationListVersion[] {
  let files: string[] = [];
  try {
    files = readdirSync(registryDir(dataDir)).filter((f) => f.endsWith('.json'));
  } catch {
    // no registry folder yet
  }
  const versions = files.map((f) => {
    const parsed = zStationListVersion.safeParse(readJsonFile(join(registryDir(dataDir), f)));
    if (!parsed.success) throw new Error(`station list ${f} is invalid: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  });
  return versions.length > 0 ? versions : [bundledVersion()];
}

/**
 * Saves a version atomically (write, then rename), replacing one of the same name. The first
 * import also saves the bundled list, so it keeps judging the dates before the new list.
 */
export function saveVersion(dataDir: string, version: StationListVersion): string {
  const dir = registryDir(dataDir);
  let saved: string[] = [];
  try {
    saved = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    // first import
  }
  if (saved.length === 0 && version.version !== BUNDLED_VERSION.version) saveVersion(dataDir, bundledVersion());
  const file = join(dir, `${version.version.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  writeJsonFile(file, version);
  return file;
}

/**
 * The registry as of now: re-read when the folder changes (a `stations import` while the process
 * runs takes effect at the next pull or push), else served from memory.
 */
export function createRegistryLoader(
  dataDir: string,
  build: (v: StationListVersion[]) => StationRegistry,
): () => StationRegistry {
  let cached: StationRegistry | undefined;
  let stamp = '';
  return () => {
    let current = 'none';
    try {
      const dir = registryDir(dataDir);
      current = readdirSync(dir)
        .map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`)
        .join('|');
    } catch {
      // no folder: the bundled list
    }
    if (!cached || current !== stamp) {
      cached = build(loadVersions(dataDir));
      stamp = current;
    }
    return cached;
  };
}
