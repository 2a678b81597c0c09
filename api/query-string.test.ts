import { describe, expect, it } from 'vitest';
import { parseQueryString, restoreOffsetPlus } from './query-string';

describe('the query string parser', () => {
  it('reads an unencoded + offset (decoded as a space) as the + it was', () => {
    // `+` in a query string is a space (form encoding): this is what `from=…T00:00:00+08:00` sent raw decodes to.
    expect(parseQueryString('from=2025-01-01T00:00:00+08:00&to=2025-01-02T00:00+08:00')).toEqual({
      from: '2025-01-01T00:00:00+08:00',
      to: '2025-01-02T00:00+08:00',
    });
    expect(restoreOffsetPlus('2025-01-01T00:00:00.123 08:00')).toBe('2025-01-01T00:00:00.123+08:00');
  });

  it('leaves every other value as decoded, and repeated keys as arrays', () => {
    expect(parseQueryString('id=%E4%B8%8A%E6%B5%B7&id=1141A&since=2025-01-01T00:00:00%2B08:00&q=a+b')).toEqual({
      id: ['上海', '1141A'],
      since: '2025-01-01T00:00:00+08:00',
      q: 'a b',
    });
    // Not an instant with a lost +: left alone (the schema then says what is wrong).
    expect(restoreOffsetPlus('2025-01-01 08:00')).toBe('2025-01-01 08:00');
    expect(restoreOffsetPlus('2025-01-01T00:00:00 8:00')).toBe('2025-01-01T00:00:00 8:00');
    expect(restoreOffsetPlus('2025-01-01T00:00:00-08:00')).toBe('2025-01-01T00:00:00-08:00');
  });

  it('keeps __proto__ a plain key', () => {
    const q = parseQueryString('__proto__=x&a=1');
    expect(Object.getPrototypeOf(q)).toBeNull();
    expect(q.__proto__).toBe('x');
  });
});
