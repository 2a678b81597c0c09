import { describe, expect, it } from 'vitest';
import { aReading } from '../test/helpers/readings';
import { zReading } from './reading';

const issuesOf = (r: unknown): string[] => {
  const p = zReading.safeParse(r);
  return p.success ? [] : p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('zReading', () => {
  it('accepts a well-formed reading', () => expect(issuesOf(aReading())).toEqual([]));

  it('requires an explicit offset (ARCHITECTURE.md invariant 4)', () => {
    expect(issuesOf(aReading({ time: '2025-03-01T01:00:00' }))[0]).toMatch(
      /^time: expected an ISO 8601 instant with offset/,
    );
  });

  it('requires the hour-ending instant to fall on the hour', () => {
    expect(issuesOf(aReading({ time: '2025-03-01T01:30:00+08:00' }))).toEqual([
      'time: must fall exactly on the hour (the end of the averaging hour)',
    ]);
  });

  it('accepts an hour-ending instant in UTC for a CST hour', () => {
    expect(issuesOf(aReading({ time: '2025-02-28T17:00:00Z' }))).toEqual([]);
  });

  it('needs a reason for a missing value', () => {
    expect(issuesOf(aReading({ value: null }))).toEqual(['missingReason: a null value needs a missingReason']);
  });

  it('refuses an unknown pollutant and a non-finite value', () => {
    expect(issuesOf({ ...aReading(), pollutant: 'pm1' })[0]).toMatch(/^pollutant: /);
    expect(issuesOf({ ...aReading(), value: Number.POSITIVE_INFINITY })[0]).toMatch(/^value: /);
  });
});
