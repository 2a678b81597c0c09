import { describe, expect, it } from 'vitest';
import { resolveRange } from './time-range';

const dflt = { fromMs: 0, toMs: 1 };

describe('resolveRange (the times of the public contract)', () => {
  it('takes dates as whole CST natural days, both included; hour-ending labels 01–24', () => {
    expect(resolveRange('2025-03-01', '2025-03-02', dflt, true)).toEqual({
      fromMs: Date.parse('2025-03-01T01:00:00+08:00'),
      toMs: Date.parse('2025-03-03T01:00:00+08:00'),
    });
  });

  it('takes dates as [D 00:00, E+1 00:00) CST for instants that are not hour labels', () => {
    expect(resolveRange('2025-03-01', '2025-03-01', dflt, false)).toEqual({
      fromMs: Date.parse('2025-02-28T16:00:00Z'),
      toMs: Date.parse('2025-03-01T16:00:00Z'),
    });
  });

  it('takes instants as given, from included and to excluded', () => {
    expect(resolveRange('2025-03-01T05:00:00+08:00', '2025-03-01T06:00:00Z', dflt, true)).toEqual({
      fromMs: Date.parse('2025-02-28T21:00:00Z'),
      toMs: Date.parse('2025-03-01T06:00:00Z'),
    });
  });

  it('refuses an empty or reversed range with QUERY_INVALID_RANGE', () => {
    expect(() => resolveRange('2025-03-02', '2025-03-01', dflt, true)).toThrow(
      expect.objectContaining({ code: 'QUERY_INVALID_RANGE', statusCode: 400 }),
    );
  });
});
