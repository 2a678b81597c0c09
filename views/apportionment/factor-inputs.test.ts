import { describe, expect, it } from 'vitest';
import { prepareMatrix, qExpected } from './factor-inputs';

describe('prepareMatrix (EPA PMF 5 uncertainties)', () => {
  it('treats values above, at and below the detection limit, and missing ones, as the user guide says', () => {
    const prepared = prepareMatrix([
      { species: 'a', values: [10, 0.5, null, 20, 4], mdl: 1, errorFraction: 0.1 },
      { species: 'b', values: [5, 5, 5, 5, 5], mdl: 0.2, errorFraction: 0.1 },
    ]);
    const { x, u, m } = prepared.matrix;
    // 10 > MDL: u = √((0.1·10)² + (1/2)²) = √1.25
    expect(x[0 * m]).toBe(10);
    expect(u[0 * m]).toBeCloseTo(Math.sqrt(1.25), 12);
    // 0.5 ≤ MDL: x = MDL/2 = 0.5, u = 5/6·MDL
    expect(x[1 * m]).toBe(0.5);
    expect(u[1 * m]).toBeCloseTo(5 / 6, 12);
    // missing: the median of the present values (10, 0.5, 20, 4 → 7), u = 4 × 7
    expect(x[2 * m]).toBe(7);
    expect(u[2 * m]).toBe(28);
    const a = prepared.summaries[0]!;
    expect(a).toMatchObject({ missing: 1, belowDetection: 1, category: 'strong' });
    // S/N by hand: mean over 5 rows of (x−u)/u where x > u.
    const rows = [
      [10, Math.sqrt(1.25)],
      [0.5, 5 / 6],
      [7, 28],
      [20, Math.sqrt(4.25)],
      [4, Math.sqrt(0.16 + 0.25)],
    ];
    expect(a.signalToNoise).toBeCloseTo(
      rows.reduce((s, [xv, uv]) => s + (xv! > uv! ? (xv! - uv!) / uv! : 0), 0) / 5,
      12,
    );
  });

  it('leaves out bad species (S/N < 0.5), triples weak ones (0.5–1), drops hours missing over half', () => {
    const n = 40;
    const prepared = prepareMatrix([
      { species: 'strong', values: Array.from({ length: n }, (_, i) => 10 + (i % 3)), mdl: 0.1, errorFraction: 0.1 },
      // Every value at the MDL: x = MDL/2 < u = 5/6·MDL, so S/N = 0: bad.
      { species: 'bad', values: Array.from({ length: n }, () => 0.1), mdl: 0.1, errorFraction: 0.1 },
      // x = 1, u = √(0.5² + 0.5²) = 0.707: (x−u)/u = 0.414 … weak only with the given uncertainty 0.6: (1−0.6)/0.6 = 0.667.
      {
        species: 'weak',
        values: Array.from({ length: n }, () => 1),
        uncertainties: Array.from({ length: n }, () => 0.6),
        mdl: 0.5,
        errorFraction: 0.5,
      },
      {
        species: 'gappy',
        values: Array.from({ length: n }, (_, i) => (i < 30 ? 3 : null)),
        mdl: 0.1,
        errorFraction: 0.1,
      },
    ]);
    expect(prepared.summaries.map((s) => s.category)).toEqual(['strong', 'bad', 'weak', 'strong']);
    expect(prepared.species).toEqual(['strong', 'weak', 'gappy']);
    expect(prepared.matrix.u[1]).toBeCloseTo(1.8, 12);
    // No hour misses more than half its species here (at most 1 of 4).
    expect(prepared.droppedRows).toBe(0);
    const sparse = prepareMatrix([
      { species: 'a', values: [1, null, 3], mdl: 0.1, errorFraction: 0.1 },
      { species: 'b', values: [1, null, null], mdl: 0.1, errorFraction: 0.1 },
      { species: 'c', values: [1, 2, 5], mdl: 0.1, errorFraction: 0.1 },
    ]);
    expect(sparse.rows).toEqual([0, 2]);
    // Q expected: strong values minus the elements of G and F: 2 rows × 3 strong − 1 × (2 + 3).
    expect(qExpected(sparse, 1)).toBe(1);
  });
});
