import { describe, expect, it } from 'vitest';
import { aReading } from '../test/helpers/readings';
import type { Reading } from '../schemas/reading';
import type { Revision, RevisionContent } from './reading-store';
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
  valid: true,
  pm25AbovePm10: false,
});
/** The arrivals themselves (admit sets their kind): their verdict is not what admission compares. */
const changedArrivals = (arrivals: Reading[], stored: RevisionContent[]): Reading[] =>
  new RevisionIndex(stored).admit(arrivals as Revision[]);

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

describe("RevisionIndex.admit: each revision's kind and the one it replaces", () => {
  /** Admits in order and settles: [kind, previous] of each kept arrival. */
  const kinds = (arrivals: Revision[], stored: RevisionContent[] = []) => {
    const index = new RevisionIndex(stored);
    const fresh = index.admit(arrivals);
    index.settlePrevious(fresh);
    return fresh.map((r) => [r.kind, r.previous]);
  };
  const rev = (o: Partial<Revision>): Revision => ({ ...aReading(o), qcFlags: [], valid: true, ...o });

  it('first, correction, audit, an audited correction, and a late provisional correcting the provisional', () => {
    // By hand: 35 is the identity's first; 40 replaces 35 (same status); audited 38 is the first
    // audited value and replaces the provisional 40; audited 39 replaces audited 38; a late
    // provisional 41 has a provisional before it (40), so it corrects that one.
    const seq = [
      rev({ value: 35 }),
      rev({ value: 40, valid: false }),
      rev({ value: 38, status: 'audited' }),
      rev({ value: 39, status: 'audited' }),
      rev({ value: 41 }),
    ];
    expect(kinds(seq)).toEqual([
      ['first', null],
      ['correction', { value: 35, valid: true }],
      ['audit', { value: 40, valid: false }],
      ['correction', { value: 38, valid: true }],
      ['correction', { value: 40, valid: false }],
    ]);
  });

  it('an audited value with no provisional before it is a first; a provisional after it too', () => {
    expect(kinds([rev({ value: 30, status: 'audited' }), rev({ value: 31 })])).toEqual([
      ['first', null],
      ['first', null],
    ]);
  });

  it('reads the replaced revision from the store: its value and stored verdict', () => {
    const s = stored({ value: 120, valid: false });
    expect(kinds([rev({ value: 50 })], [s])).toEqual([['correction', { value: 120, valid: false }]]);
    expect(kinds([rev({ value: 50, status: 'audited' })], [s])).toEqual([['audit', { value: 120, valid: false }]]);
  });

  it('gives an earlier arrival of the batch as previous with its final verdict (set after admission)', () => {
    const index = new RevisionIndex([]);
    const a = rev({ value: 35 });
    const b = rev({ value: 36 });
    const fresh = index.admit([a, b]);
    a.valid = false; // e.g. flagged by the PM pairing after admission
    index.settlePrevious(fresh);
    expect(b.previous).toEqual({ value: 35, valid: false });
  });
});

describe('scopeOf', () => {
  it('looks up PM10 with PM2.5 and PM2.5 with PM10 (each is judged against the other)', () => {
    expect(scopeOf([aReading({ pollutant: 'pm10' })]).pollutants.sort()).toEqual(['pm10', 'pm25']);
    expect(scopeOf([aReading({ pollutant: 'o3' })]).pollutants).toEqual(['o3']);
  });

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
