import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The JSON value of a file. With `ifMissing`, a file that does not exist reads as that value;
 * any other failure (unreadable, not JSON) is thrown.
 */
export function readJsonFile(file: string, ifMissing?: unknown): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (ifMissing !== undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return ifMissing;
    throw err;
  }
  return JSON.parse(text);
}

/**
 * Writes a value as JSON atomically: to a temporary file beside it, then renamed over it, so a
 * reader or a crash sees the old file or the new one, never a torn one. A failed write leaves
 * the old file and no temporary file. Creates the folder when needed.
 */
export function writeJsonFile(file: string, value: unknown, opts: { indent?: number; mode?: number } = {}): void {
  const text = JSON.stringify(value, null, opts.indent);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    writeFileSync(tmp, text, opts.mode === undefined ? undefined : { mode: opts.mode });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
