import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFile, writeJsonFile } from './json-file';

describe('JSON files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'json-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a value and reads it back, leaving no temporary file; creates the folder', () => {
    const file = join(dir, 'deep', 'state.json');
    writeJsonFile(file, { a: [1, 'two'], b: null }, { indent: 2 });
    expect(readJsonFile(file)).toEqual({ a: [1, 'two'], b: null });
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ a: [1, 'two'], b: null }, null, 2));
    writeJsonFile(file, { a: [] });
    expect(readJsonFile(file)).toEqual({ a: [] });
    expect(readdirSync(join(dir, 'deep'))).toEqual(['state.json']);
  });

  it('writes with the mode asked for', () => {
    const file = join(dir, 'keys.json');
    writeJsonFile(file, { keys: [] }, { mode: 0o600 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves the old file, and no temporary file, when a write fails', () => {
    const file = join(dir, 'state.json');
    writeJsonFile(file, { v: 1 });
    expect(() => writeJsonFile(file, { v: 2n })).toThrow();
    // The rename fails: the target has become a folder that is not empty.
    const blocked = join(dir, 'blocked.json');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'inside'), 'x');
    expect(() => writeJsonFile(blocked, { v: 3 })).toThrow();
    expect(readJsonFile(file)).toEqual({ v: 1 });
    expect(readdirSync(dir).sort()).toEqual(['blocked.json', 'state.json']);
  });

  it('reads a missing file as the value given for it, and throws otherwise', () => {
    const missing = join(dir, 'none.json');
    expect(readJsonFile(missing, {})).toEqual({});
    expect(() => readJsonFile(missing)).toThrow(/ENOENT/);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(() => readJsonFile(join(dir, 'bad.json'), {})).toThrow(SyntaxError);
  });
});
