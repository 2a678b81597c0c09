import { readFileSync } from 'node:fs';
import { zTargetsFile, type TargetRule } from '../../schemas';

/** Reads and validates TARGETS_FILE; every problem as `TARGETS_FILE <path>: <field path>: <problem>`. */
export function loadTargetsFile(path: string): { targets?: TargetRule[]; problems: string[] } {
  const where = `TARGETS_FILE ${path}`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return {
      problems: [
        `${where}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON: ${(err as Error).message}`}`,
      ],
    };
  }
  const parsed = zTargetsFile.safeParse(json);
  if (!parsed.success)
    return { problems: parsed.error.issues.map((i) => `${where}: ${i.path.join('.') || '(file)'}: ${i.message}`) };
  return { targets: parsed.data.targets, problems: [] };
}
