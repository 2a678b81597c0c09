import { describe, expect, it } from 'vitest';
import { ols } from './ols';

describe('ols', () => {
  it('recovers exact coefficients and matches the textbook standard error', () => {
    // y = 1 + 2x on x = 0..4 plus residuals (0, 1, −1, 0, 0): β = (X'X)⁻¹X'y by hand.
    const x = [0, 1, 2, 3, 4];
    const e = [0, 1, -1, 0, 0];
    const y = x.map((v, i) => 1 + 2 * v + (e[i] as number));
    const r = ols(
      x.map((v) => [1, v]),
      y,
    )!;
    // Slope: Σ(x−x̄)(y−ȳ)/Σ(x−x̄)² = (2·10 + Σ(x−2)e)/10 = (20 + (−1·1 + 0·−1))/10 = 1.9; intercept ȳ − 1.9·2 = 5 − 3.8 = 1.2.
    expect(r.beta[0]).toBeCloseTo(1.2, 10);
    expect(r.beta[1]).toBeCloseTo(1.9, 10);
    // Residuals: y − (1.2 + 1.9x) = [−0.2, 0.9, −1.0, 0.1, 0.2]; SSE = 1.9; s² = 1.9/3; se(slope) = √(s²/10).
    expect(r.se[1]).toBeCloseTo(Math.sqrt(1.9 / 3 / 10), 10);
  });

  it('refuses a singular design', () => {
    expect(
      ols(
        [
          [1, 2],
          [2, 4],
          [3, 6],
        ],
        [1, 2, 3],
      ),
    ).toBeNull();
  });
});
