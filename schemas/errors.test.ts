import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zErrorCode } from './errors';

describe('error code registry', () => {
  const table = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);

  it('has unique codes in UPPER_SNAKE', () => {
    expect(new Set(zErrorCode.options).size).toBe(zErrorCode.options.length);
    for (const code of zErrorCode.options) expect(code).toMatch(/^[A-Z]+(_[A-Z]+)+$|^INTERNAL$/);
  });

  it('documents exactly the registered codes, in the same order', () => {
    expect(documented).toEqual([...zErrorCode.options]);
  });
});
