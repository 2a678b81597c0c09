import { describe, expect, it } from 'vitest';
import { zInstant } from './time';

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
