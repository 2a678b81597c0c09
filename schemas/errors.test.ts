import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_REGISTRY } from '../kernel';
import { zErrorCode } from './errors';

describe('error code registry', () => {
  const table = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...table.matchAll(/^\| `([A-Z_]+)` \| ([^|]*) \|/gm)].map((m) => [m[1], m[2]?.trim()]);

  it('has unique codes in UPPER_SNAKE', () => {
    expect(new Set(zErrorCode.options).size).toBe(zErrorCode.options.length);
    for (const code of zErrorCode.options) expect(code).toMatch(/^[A-Z]+(_[A-Z]+)+$|^INTERNAL$/);
  });

  it('documents exactly the registered codes, in the same order, each with its HTTP status', () => {
    expect(rows).toEqual(zErrorCode.options.map((code) => [code, String(ERROR_REGISTRY[code].status)]));
  });

  it('gives caller codes a 4xx status and every other code a 5xx', () => {
    for (const [code, spec] of Object.entries(ERROR_REGISTRY))
      expect([code, spec.status >= 400 && spec.status < 500], code).toEqual([code, spec.fault === 'caller']);
  });
});
