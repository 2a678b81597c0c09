import { describe, expect, it } from 'vitest';
import { theilSen, theilSenTrend, type MonthlyValue } from './theil-sen';

const months = (startYear: number, n: number, value: (i: number) => number): MonthlyValue[] =>
  Array.from({ length: n }, (_, i) => ({
    month: `${startYear + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
    value: value(i),
  }));

/** A seeded normal generator for the synthetic series (Box–Muller on a LCG), independent of the code's. */
function normals(seed: number): () => number {
  let s = seed;
  const u = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('Theil–Sen trend', () => {
  it('is the median of pairwise slopes (by hand, with an outlier)', () => {
    // Points (0,1) (1,3) (2,5) (3,20) (4,9): slopes 2, 2, 19/3, 2, 2, 17/2, 2, 15, 2, −11 → median of
    // [−11, 2, 2, 2, 2, 2, 2, 6.33, 8.5, 15] = 2; intercepts y − 2t = 1, 1, 1, 14, 1 → 1.
    expect(theilSen([0, 1, 2, 3, 4], [1, 3, 5, 20, 9])).toEqual({ slope: 2, intercept: 1 });
  });

  it('recovers an exact line, with a degenerate interval, and projects the target year by hand', () => {
    // 60 − 2.5 per year from January 2015, five years.
    const r = theilSenTrend(
      months(2015, 60, (i) => 60 - 2.5 * (i / 12)),
      { target: 35 },
    );
    expect(r.slope).toBeCloseTo(-2.5, 10);
    expect(r.lower).toBeCloseTo(-2.5, 10);
    expect(r.upper).toBeCloseTo(-2.5, 10);
    expect(r.slopePercent).toBeCloseTo((-2.5 / 60) * 100, 10);
    // 60 − 2.5·x = 35 at x = 10 years after January 2015.
    expect(r.projectedYear).toBeCloseTo(2025, 10);
  });

  it('refuses fewer than 24 months', () => {
    expect(() => theilSenTrend(months(2020, 23, () => 30))).toThrow(/at least 24 months.*got 23/);
  });

  it('recovers a known slope under a seasonal cycle and AR(1) noise, its 95 % interval covering the truth at about that rate', () => {
    const truth = -3;
    let covered = 0;
    let sum = 0;
    const N = 200;
    for (let k = 0; k < N; k++) {
      const z = normals(1000 + k);
      let e = 0;
      // Ten years: level 50, −3/yr, a 15-amplitude cycle peaking in January, AR(1) noise (φ 0.5, sd 4).
      const series = months(2012, 120, (i) => {
        e = 0.5 * e + Math.sqrt(1 - 0.25) * 4 * z();
        return 50 + truth * (i / 12) + 15 * Math.cos((2 * Math.PI * (i % 12)) / 12) + e;
      });
      const r = theilSenTrend(series);
      sum += r.slope;
      if (r.lower <= truth && truth <= r.upper) covered++;
    }
    console.info(`coverage of the 95 % interval over ${N} series: ${covered / N}; mean slope ${(sum / N).toFixed(3)}`);
    expect(Math.abs(sum / N - truth)).toBeLessThan(0.3);
    // The bound allows the sampling error of 200 series around 0.95 (sd ≈ 0.015).
    expect(covered / N).toBeGreaterThanOrEqual(0.9);
    expect(covered / N).toBeLessThanOrEqual(0.995);
  }, 60_000);

  it('deseasonalising narrows the interval of a strongly seasonal series', () => {
    const z = normals(7);
    const series = months(
      2014,
      96,
      (i) => 40 - 1 * (i / 12) + 20 * Math.cos((2 * Math.PI * ((i + 6) % 12)) / 12) + 2 * z(),
    ).slice(5);
    const raw = theilSenTrend(series, { deseasonalise: false });
    const des = theilSenTrend(series);
    expect(des.upper - des.lower).toBeLessThan(raw.upper - raw.lower);
    expect(des.pValue).toBeLessThan(0.05);
  });
});
