import { describe, expect, it } from 'vitest';
import { zHourEnding, zInstant } from './time';

describe('instants are real calendar times', () => {
  it('refuses dates Date.parse would roll over, and keeps ISO 8601’s 24:00', () => {
    const ok = (s: string) => zInstant.safeParse(s).success;
    expect(ok('2025-02-30T10:00:00+08:00')).toBe(false); // would become 2 March
    expect(ok('2025-04-31T10:00:00+08:00')).toBe(false);
    expect(ok('2025-04-01T10:61:00+08:00')).toBe(false);
    expect(ok('2025-04-01T24:30:00+08:00')).toBe(false);
    expect(ok('2023-02-29T00:00:00Z')).toBe(false);
    expect(ok('2024-02-29T00:00:00Z')).toBe(true); // a leap day
    expect(ok('2025-04-01T24:00:00+08:00')).toBe(true); // the end of 1 April: label 24
    expect(ok('2025-04-01T10:00+08:00')).toBe(true);
  });
});

describe('hour-ending instants', () => {
  it('fall on the hour and within the hours the store can hold (1970 to 2106, UTC)', () => {
    const why = (s: string) => zHourEnding.safeParse(s).error?.issues.map((i) => i.message);
    expect(why('2025-03-01T01:00:00+08:00')).toBeUndefined();
    expect(why('2025-03-01T01:30:00+08:00')).toEqual(['must fall exactly on the hour (the end of the averaging hour)']);
    // 1970-01-01T00:00Z is second 0; an hour before it, and the first hour past 2^32 seconds, are not
    expect(why('1970-01-01T08:00:00+08:00')).toBeUndefined();
    expect(why('1969-12-31T23:00:00Z')).toEqual(['outside the hours the store keeps (1970-01-01 to 2106-02-07 UTC)']);
    expect(why('2106-02-07T06:00:00Z')).toBeUndefined(); // 4,294,965,600 s
    expect(why('2106-02-07T07:00:00Z')).toEqual(['outside the hours the store keeps (1970-01-01 to 2106-02-07 UTC)']);
  });
});
