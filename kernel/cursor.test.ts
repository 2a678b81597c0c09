import { describe, expect, it } from 'vitest';
import { decodePageCursor, encodePageCursor } from './cursor';

const isPair = (v: unknown): v is [string, number] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';

describe('page cursor', () => {
  it('gives back the value it was made of, as URL-safe text', () => {
    const c = encodePageCursor(['站点/1+?', 42]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageCursor(c, isPair)).toEqual(['站点/1+?', 42]);
  });

  it('gives undefined for text that is not base64url JSON, or JSON of another shape', () => {
    expect(decodePageCursor('not a cursor!', isPair)).toBeUndefined();
    expect(decodePageCursor(encodePageCursor({ a: 1 }), isPair)).toBeUndefined();
    expect(decodePageCursor(encodePageCursor(null), isPair)).toBeUndefined();
  });
});
