import { describe, expect, it } from 'vitest';
import { aReading } from '../test/helpers/readings';
import type { Reading } from '../schemas/reading';
import type { RevisionContent } from './reading-store';
import { RevisionIndex, scopeOf } from './revisions';
import { timeMs } from '../kernel/time';

/** A reading as the store reports its latest revision. */
const contentOf = (r: Reading): RevisionContent => ({
  station: r.station,
  pollutant: r.pollutant,
  timeMs: timeMs(r.time),
  status: r.status,
  value: r.value,
  sourceFlag: r.sourceFlag ?? '',
  sourceValid: r.sourceValid,
  missingReason: r.missingReason ?? '',
});
const changedArrivals = (arrivals: Reading[], stored: RevisionContent[]): Reading[] =>
  new RevisionIndex(stored).admit(arrivals);

const stored = (overrides: Partial<RevisionContent> = {}): RevisionContent => ({
  ...contentOf(aReading()),
  ...overrides,
});

describe('RevisionIndex.admit (ARCHITECTURE.md invariant 2)', () => {
  it('drops an arrival identical to the stored latest revision of its status', () => {
    expect(changedArrivals([aReading({ arrivedAt: '2025-03-02T00:00:00Z' })], [stored()])).toEqual([]);
  });

  it('keeps a corrected value', () => {
    const corrected = aReading({ value: 36 });
    expect(changedArrivals([corrected], [stored()])).toEqual([corrected]);
  });

  it('keeps a reverted correction (A, B, A): it differs from the latest, B', () => {
    const a = aReading({ value: 35 });
    const b = aReading({ value: 40 });
    const a2 = aReading({ value: 35, arrivedAt: '2025-03-01T03:00:00+08:00' });
    expect(changedArrivals([a, b, a2], [])).toEqual([a, b, a2]);
  });

  it('compares audited and provisional separately', () => {
    const audited = aReading({ status: 'audited' });
    expect(changedArrivals([audited], [stored()])).toEqual([audited]);
    expect(changedArrivals([aReading()], [stored({ status: 'audited' })])).toHaveLength(1);
  });

  it('drops repeats inside one batch', () => {
    expect(changedArrivals([aReading(), aReading(), aReading()], [])).toHaveLength(1);
  });

  it('treats a change of source flag as a change', () => {
    expect(changedArrivals([aReading({ sourceFlag: 'B', sourceValid: false })], [stored()])).toHaveLength(1);
  });

  it('tells a missing value from a zero', () => {
    const missing = aReading({ value: null, missingReason: 'empty cell' });
    expect(changedArrivals([missing], [stored({ value: 0 })])).toHaveLength(1);
  });
});

describe('scopeOf', () => {
  it('covers every station, pollutant and hour of the batch', () => {
    const scope = scopeOf([
      aReading({ station: 'A', pollutant: 'o3', time: '2025-03-01T05:00:00Z' }),
      aReading({ station: 'B', pollutant: 'co', unit: 'mg/m³', time: '2025-03-01T02:00:00Z' }),
    ]);
    expect(scope.stations.sort()).toEqual(['A', 'B']);
    expect(scope.pollutants.sort()).toEqual(['co', 'o3']);
    expect(scope.fromMs).toBe(Date.UTC(2025, 2, 1, 2));
    expect(scope.toMs).toBe(Date.UTC(2025, 2, 1, 5));
  });
});
