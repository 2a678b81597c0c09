import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { zStationListVersion, type StationListVersion } from '../../schemas';
import { cstDayOf } from '../../kernel';
import { saveVersion } from './registry-files';
import { parseStationList } from './station-list-csv';

export interface ImportResult {
  version: StationListVersion;
  file: string;
  outsideRegion: number;
  problems: { line: number; reason: string }[];
}

/**
 * `yrd-air stations import <csv>`: reads a station list (either layout, UTF-8 or GB18030) and
 * saves it as a version of the registry valid from `validFrom`. Refuses a list with problems
 * rather than saving part of it.
 */
export function importStationList(
  dataDir: string,
  csvPath: string,
  opts: { version?: string; validFrom?: string },
): ImportResult {
  const parsed = parseStationList(readFileSync(csvPath));
  const version: StationListVersion = {
    version: opts.version ?? basename(csvPath).replace(/\.[^.]+$/, ''),
    // Station lists take effect by the local (CST) date: at 07:00 CST the UTC date is still yesterday.
    validFrom: opts.validFrom ?? cstDayOf(Date.now()),
    stations: parsed.stations,
  };
  const valid = zStationListVersion.safeParse(version);
  if (!valid.success) {
    return {
      version,
      file: '',
      outsideRegion: parsed.outsideRegion,
      problems: valid.error.issues.map((i) => ({ line: 0, reason: `${i.path.join('.')}: ${i.message}` })),
    };
  }
  if (parsed.problems.length > 0 || parsed.stations.length === 0) {
    return {
      version,
      file: '',
      outsideRegion: parsed.outsideRegion,
      problems: parsed.problems.length
        ? parsed.problems
        : [{ line: 0, reason: 'no station of the four provinces in the file' }],
    };
  }
  return { version, file: saveVersion(dataDir, version), outsideRegion: parsed.outsideRegion, problems: [] };
}
