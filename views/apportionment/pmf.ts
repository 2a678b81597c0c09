import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Positive matrix factorisation in the manner of EPA PMF 5 (Paatero & Tapper 1994; Norris et al.
 * 2014, the EPA PMF 5.0 user guide): X (n samples × m species) ≈ G (n × p) · F (p × m), G and F
 * non-negative, minimising Q = Σ ((x − (GF)) / u)² with a per-value uncertainty u.
 *
 * Solved by alternating weighted non-negative least squares: each row of G, then each column of
 * F, is the exact solution of a p-variable NNLS problem (Bro & de Jong's fast NNLS on the normal
 * equations) — the same objective as PMF2's, with a cheaper, monotone step. In robust mode (EPA's
 * default) a value whose scaled residual exceeds α = 4 has its uncertainty inflated to
 * u·√(|r/u|/α), so outliers pull no harder than α allows. Plain typed arrays: at p ≤ 10 the work
 * is many tiny p×p problems, which tensors do not speed up.
 */

export interface PmfMatrix {
  n: number;
  m: number;
  /** Row-major n×m values (after the EPA handling of missing and below-detection values). */
  x: Float64Array;
  /** Row-major n×m uncertainties, all > 0. */
  u: Float64Array;
}

export interface PmfOptions {
  factors: number;
  seed: number;
  /** Random starts; the one with the lowest Q is kept. */
  restarts: number;
  maxIterations: number;
  /** Converged when Q changes by less than this fraction over 5 iterations. */
  tolerance: number;
  robust: boolean;
}

export interface PmfFit {
  p: number;
  /** n×p contributions, each factor normalised to mean 1 (EPA's convention). */
  g: Float64Array;
  /** p×m profiles in the data's units: the mean concentration each factor adds to each species. */
  f: Float64Array;
  /** Q with the given uncertainties ("Q true"), and with the robust ones ("Q robust"). */
  qTrue: number;
  qRobust: number;
  iterations: number;
  converged: boolean;
  /** Seed of the start this fit came from. */
  seed: number;
}

export const ROBUST_ALPHA = 4;

/** Fits from `restarts` seeded random starts and keeps the lowest robust Q. */
export function pmf(
  data: PmfMatrix,
  opts: PmfOptions,
): { best: PmfFit; runs: { seed: number; qRobust: number; converged: boolean }[] } {
  let best: PmfFit | undefined;
  const runs: { seed: number; qRobust: number; converged: boolean }[] = [];
  for (let r = 0; r < opts.restarts; r++) {
    const seed = opts.seed + r;
    const fit = pmfRun(data, opts, seed, randomStart(data, opts.factors, seed));
    runs.push({ seed, qRobust: fit.qRobust, converged: fit.converged });
    if (!best || fit.qRobust < best.qRobust) best = fit;
  }
  if (!best) throw new RangeError('pmf: restarts must be at least 1');
  return { best, runs };
}

/** A random start: profiles around the species' means, as EPA PMF seeds its runs. */
function randomStart(data: PmfMatrix, p: number, seed: number): Float64Array {
  const rng = xoroshiro128plus(seed);
  const { n, m, x } = data;
  const mean = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mean[j]! += x[i * m + j]! / n;
  const f = new Float64Array(p * m);
  for (let k = 0; k < p; k++)
    for (let j = 0; j < m; j++) f[k * m + j] = (mean[j]! / p) * (0.05 + 1.9 * uniformFloat64(rng));
  return f;
}

/**
 * One run from a given starting F (exported for the bootstrap, which starts from the base F).
 * Weighted hierarchical alternating least squares (Cichocki & Phan 2009; Gillis 2014): each
 * factor's contributions, then its profile, is the exact weighted least-squares update given the
 * rest, clipped at zero, on a residual matrix kept up to date — a few plain passes over the data
 * per factor, no linear systems. After each sweep the pair is extrapolated along the last step
 * (Ang & Gillis 2019), kept only when Q falls, the step growing on success and shrinking on
 * failure. In robust mode the weights are re-derived from the residuals after every sweep.
 */
export function pmfRun(
  data: PmfMatrix,
  opts: Omit<PmfOptions, 'restarts' | 'seed'>,
  seed: number,
  f0: Float64Array,
): PmfFit {
  const { n, m, x, u } = data;
  const p = opts.factors;
  let f = Float64Array.from(f0);
  let g = new Float64Array(n * p);
  const w = new Float64Array(n * m);
  for (let c = 0; c < n * m; c++) w[c] = 1 / (u[c]! * u[c]!);
  const r = new Float64Array(n * m);
  const num = new Float64Array(Math.max(m, 1));
  const den = new Float64Array(Math.max(m, 1));

  /** r = x − g·f */
  const residuals = (gg: Float64Array, ff: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const row = i * p;
      for (let j = 0; j < m; j++) {
        let v = x[i * m + j]!;
        for (let k = 0; k < p; k++) v -= gg[row + k]! * ff[k * m + j]!;
        r[i * m + j] = v;
      }
    }
  };
  /** Contributions of every factor given F, by weighted least squares from zero (the first sweep). */
  const initialG = () => {
    g.fill(0);
    residuals(g, f);
    for (let k = 0; k < p; k++) updateG(k);
  };
  // The hot loops take their arrays as arguments: closures over reassigned bindings are slower.
  const updateG = (k: number) => hals.g(g, f, w, r, n, m, p, k);
  const updateF = (k: number) => hals.f(g, f, w, r, num, den, n, m, p, k);
  /** Q true and Q robust from the current residuals; with `reweight`, the robust weights too. */
  const evaluate = (reweight: boolean): { qTrue: number; qRobust: number } => {
    let qTrue = 0;
    let qRobust = 0;
    for (let c = 0; c < n * m; c++) {
      const uc = u[c]!;
      const s = Math.abs(r[c]! / uc);
      qTrue += s * s;
      const outlier = opts.robust && s > ROBUST_ALPHA;
      qRobust += outlier ? ROBUST_ALPHA * s : s * s;
      if (reweight) w[c] = outlier ? ROBUST_ALPHA / (s * uc * uc) : 1 / (uc * uc);
    }
    return { qTrue, qRobust };
  };
  const extrapolate = (now: Float64Array, before: Float64Array, beta: number, out: Float64Array): Float64Array => {
    for (let c = 0; c < now.length; c++) out[c] = Math.max(0, now[c]! + beta * (now[c]! - before[c]!));
    return out;
  };

  initialG();
  let history: number[] = [];
  let iterations = 0;
  let converged = false;
  let q = { qTrue: Infinity, qRobust: Infinity };
  let beta = 0.5;
  let betaMax = 1;
  let gBefore: Float64Array | undefined;
  let fBefore: Float64Array | undefined;
  let gTrial = new Float64Array(n * p);
  let fTrial = new Float64Array(p * m);
  while (iterations < opts.maxIterations) {
    for (let k = 0; k < p; k++) {
      updateF(k);
      updateG(k);
    }
    iterations++;
    q = evaluate(false);
    if (gBefore && fBefore) {
      extrapolate(g, gBefore, beta, gTrial);
      extrapolate(f, fBefore, beta, fTrial);
      residuals(gTrial, fTrial);
      const qt = evaluate(false);
      if (qt.qRobust < q.qRobust) {
        [g, gTrial] = [gTrial, g];
        [f, fTrial] = [fTrial, f];
        q = qt;
        betaMax = Math.min(4, 1.01 * betaMax);
        beta = Math.min(betaMax, 1.05 * beta);
      } else {
        residuals(g, f);
        betaMax = beta;
        beta /= 1.5;
      }
    }
    gBefore = Float64Array.from(g);
    fBefore = Float64Array.from(f);
    if (opts.robust) evaluate(true);
    history.push(q.qRobust);
    if (history.length > 6) history = history.slice(-6);
    if (history.length === 6 && Math.abs((history[0]! - history[5]!) / history[5]!) < opts.tolerance) {
      converged = true;
      break;
    }
  }
  normalise(g, f, n, m, p);
  return { p, g, f, qTrue: q.qTrue, qRobust: q.qRobust, iterations, converged, seed };
}

const hals = {
  /** Contributions of factor k: the weighted least-squares update given the rest, clipped at ε. */
  g(
    g: Float64Array,
    f: Float64Array,
    w: Float64Array,
    r: Float64Array,
    n: number,
    m: number,
    p: number,
    k: number,
  ): void {
    const fk = k * m;
    for (let i = 0; i < n; i++) {
      const c0 = i * m;
      const old = g[i * p + k]!;
      let nu = 0;
      let de = 0;
      for (let j = 0; j < m; j++) {
        const fv = f[fk + j]!;
        const wf = w[c0 + j]! * fv;
        nu += wf * r[c0 + j]!;
        de += wf * fv;
      }
      const next = de > 0 ? Math.max(1e-12, old + nu / de) : old;
      const delta = next - old;
      if (delta !== 0) {
        for (let j = 0; j < m; j++) r[c0 + j]! -= delta * f[fk + j]!;
        g[i * p + k] = next;
      }
    }
  },
  /** Profile of factor k: the weighted least-squares update given the rest, clipped at 0. */
  f(
    g: Float64Array,
    f: Float64Array,
    w: Float64Array,
    r: Float64Array,
    num: Float64Array,
    den: Float64Array,
    n: number,
    m: number,
    p: number,
    k: number,
  ): void {
    const fk = k * m;
    num.fill(0);
    den.fill(0);
    for (let i = 0; i < n; i++) {
      const gv = g[i * p + k]!;
      if (gv === 0) continue;
      const c0 = i * m;
      for (let j = 0; j < m; j++) {
        const wg = w[c0 + j]! * gv;
        num[j]! += wg * r[c0 + j]!;
        den[j]! += wg * gv;
      }
    }
    for (let j = 0; j < m; j++) {
      const old = f[fk + j]!;
      const next = den[j]! > 0 ? Math.max(0, old + num[j]! / den[j]!) : old;
      num[j] = next - old;
      f[fk + j] = next;
    }
    for (let i = 0; i < n; i++) {
      const gv = g[i * p + k]!;
      if (gv === 0) continue;
      const c0 = i * m;
      for (let j = 0; j < m; j++) r[c0 + j]! -= num[j]! * gv;
    }
  },
};

/** Scales each factor's contributions to mean 1, moving the scale into its profile. */
function normalise(g: Float64Array, f: Float64Array, n: number, m: number, p: number): void {
  for (let k = 0; k < p; k++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += g[i * p + k]! / n;
    if (mean <= 0) continue;
    for (let i = 0; i < n; i++) g[i * p + k]! /= mean;
    for (let j = 0; j < m; j++) f[k * m + j]! *= mean;
  }
}
