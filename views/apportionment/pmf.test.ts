import { describe, expect, it } from 'vitest';
import { pmf } from './pmf';

/** A known G·F with an anchor species per factor, a little noise from a fixed LCG. */
function synthetic(n: number, noise: number) {
  const F = [
    [10, 0, 2, 0, 1],
    [0, 8, 1, 3, 0],
    [1, 0, 0, 6, 4],
  ];
  const p = F.length;
  const m = F[0]!.length;
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const G = Array.from({ length: n }, () => Array.from({ length: p }, () => (rnd() < 0.1 ? 0.02 : 0.2 + 2 * rnd())));
  const x = new Float64Array(n * m);
  const u = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = G[i]!.reduce((a, g, k) => a + g * F[k]![j]!, 0);
      x[i * m + j] = v * (1 + noise * (rnd() - 0.5) * 2);
      u[i * m + j] = 0.05 * v + 0.05;
    }
  }
  return { F, G, n, m, p, x, u };
}

const cosine = (a: number[], b: number[]) =>
  a.reduce((s, v, i) => s + v * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);

describe('pmf', () => {
  it('recovers the profiles of a known non-negative product (each truth row matched by cosine ≥ 0.999)', () => {
    const d = synthetic(600, 0.01);
    const { best } = pmf(
      { n: d.n, m: d.m, x: d.x, u: d.u },
      { factors: 3, seed: 7, restarts: 3, maxIterations: 2000, tolerance: 1e-9, robust: false },
    );
    const rows = Array.from({ length: 3 }, (_, k) => Array.from({ length: d.m }, (_, j) => best.f[k * d.m + j]!));
    for (const truth of d.F) expect(Math.max(...rows.map((r) => cosine(r, truth)))).toBeGreaterThan(0.999);
    // Normalised to mean-1 contributions, as EPA PMF reports them.
    for (let k = 0; k < 3; k++) {
      let mean = 0;
      for (let i = 0; i < d.n; i++) mean += best.g[i * 3 + k]! / d.n;
      expect(mean).toBeCloseTo(1, 9);
    }
    // Q is Σ((x − GF)/u)², computed here from the fit.
    let q = 0;
    for (let i = 0; i < d.n; i++)
      for (let j = 0; j < d.m; j++)
        q +=
          ((d.x[i * d.m + j]! - rows.reduce((a, r, k) => a + best.g[i * 3 + k]! * r[j]!, 0)) / d.u[i * d.m + j]!) ** 2;
    expect(best.qTrue).toBeCloseTo(q, 6);
  });

  it('is reproducible for a seed, and keeps the lowest Q of its starts', () => {
    const d = synthetic(300, 0.05);
    const opts = { factors: 3, seed: 3, restarts: 3, maxIterations: 300, tolerance: 1e-7, robust: true };
    const a = pmf({ n: d.n, m: d.m, x: d.x, u: d.u }, opts);
    const b = pmf({ n: d.n, m: d.m, x: d.x, u: d.u }, opts);
    expect(Array.from(a.best.f)).toEqual(Array.from(b.best.f));
    expect(a.best.qRobust).toBe(Math.min(...a.runs.map((r) => r.qRobust)));
    expect(a.runs.map((r) => r.seed)).toEqual([3, 4, 5]);
  });

  it('reports Q robust as EPA PMF defines it: (r/u)² within α = 4, α·|r/u| beyond', () => {
    const d = synthetic(300, 0.01);
    for (let i = 0; i < 6; i++) d.x[i * 41 * d.m + 1] = 400; // species 1 wildly wrong in 6 hours
    const fit = pmf(
      { n: d.n, m: d.m, x: d.x, u: d.u },
      { factors: 3, seed: 7, restarts: 1, maxIterations: 500, tolerance: 1e-9, robust: true },
    ).best;
    let qTrue = 0;
    let qRobust = 0;
    let beyond = 0;
    for (let i = 0; i < d.n; i++) {
      for (let j = 0; j < d.m; j++) {
        let v = 0;
        for (let k = 0; k < 3; k++) v += fit.g[i * 3 + k]! * fit.f[k * d.m + j]!;
        const s = Math.abs((d.x[i * d.m + j]! - v) / d.u[i * d.m + j]!);
        qTrue += s * s;
        qRobust += s <= 4 ? s * s : 4 * s;
        if (s > 4) beyond++;
      }
    }
    expect(beyond).toBeGreaterThanOrEqual(6);
    expect(fit.qTrue).toBeCloseTo(qTrue, 4);
    expect(fit.qRobust).toBeCloseTo(qRobust, 4);
    expect(fit.qRobust).toBeLessThan(fit.qTrue);
  });
});
