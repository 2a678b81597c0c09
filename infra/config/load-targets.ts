import { zTargetsFile, type TargetRule } from '../../schemas';
import { readConfigFile } from './config-file';

/** Reads and validates TARGETS_FILE; every problem as `TARGETS_FILE <path>: <field path>: <problem>`. */
export function loadTargetsFile(path: string): { targets?: TargetRule[]; problems: string[] } {
  const where = `TARGETS_FILE ${path}`;
  const file = readConfigFile(where, path, zTargetsFile);
  return file.problems ? { problems: file.problems } : { targets: file.data.targets, problems: [] };
}
