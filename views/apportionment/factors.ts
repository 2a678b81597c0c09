import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { type PreparedMatrix, qExpected } from './factor-inputs';
import { pmf, pmfRun, type PmfFit, type PmfMatrix } from './pmf';

/**
 * The EPA PMF 5 analysis around the solver (pmf.ts), on a matrix prepared by factor-inputs.ts: base
 * runs, bootstrap uncertainty of the profiles (user guide §6) and help choosing the number of
 * factors.
 */

export interface BootstrapResult {
  runs: number;
  blockHours: number;
  /** Per base factor: in how many runs a factor mapped to it (contribution r ≥ 0.6). */
  mapped: number[];
  unmapped: number;
  /** Per base factor and species: the 5th, 50th and 95th percentile of the bootstrap profiles. */
  profiles: { p05: number; p50: number; p95: number }[][];
}

/**
 * Block bootstrap of the base run (EPA PMF 5 §6): rows resampled in blocks of consecutive hours
 * (keeping the autocorrelation within a block), each resample fitted from the base profiles; a
 * bootstrap factor maps to the base factor its contributions correlate with most, when r ≥ 0.6.
 */
export function bootstrap(
  data: PmfMatrix,
  base: PmfFit,
  opts: { runs: number; blockHours: number; seed: number; maxIterations: number; tolerance: number; robust: boolean },
): BootstrapResult {
  const { n, m } = data;
  const p = base.p;
  const block = Math.max(1, Math.min(opts.blockHours, n));
  const rng = xoroshiro128plus(opts.seed ^ 0x5bd1e995);
  const samples: number[][][] = Array.from({ length: p }, () => Array.from({ length: m }, () => []));
  const mapped = new Array<number>(p).fill(0);
  let unmapped = 0;
  for (let b = 0; b < opts.runs; b++) {
    const pick: number[] = [];
    while (pick.length < n) {
      const start = Math.floor(uniformFloat64(rng) * (n - block + 1));
      for (let t = 0; t < block && pick.length < n; t++) pick.push(start + t);
    }
    const x = new Float64Array(n * m);
    const u = new Float64Array(n * m);
    pick.forEach((src, i) => {
      for (let j = 0; j < m; j++) {
        x[i * m + j] = data.x[src * m + j]!;
        u[i * m + j] = data.u[src * m + j]!;
      }
    });
    const fit = pmfRun(
      { n, m, x, u },
      { factors: p, maxIterations: opts.maxIterations, tolerance: opts.tolerance, robust: opts.robust },
      opts.seed + b,
      base.f,
    );
    const best = new Map<number, { k: number; r: number }>();
    for (let k = 0; k < p; k++) {
      let bestBase = -1;
      let bestR = 0.6;
      for (let kb = 0; kb < p; kb++) {
        const r = correlation(
          pick.map((src) => base.g[src * p + kb]!),
          pick.map((_, i) => fit.g[i * p + k]!),
        );
        if (r >= bestR) {
          bestR = r;
          bestBase = kb;
        }
      }
      if (bestBase < 0) unmapped++;
      else if ((best.get(bestBase)?.r ?? -1) < bestR) best.set(bestBase, { k, r: bestR });
    }
    for (const [kb, { k }] of best) {
      mapped[kb]!++;
      for (let j = 0; j < m; j++) samples[kb]![j]!.push(fit.f[k * m + j]!);
    }
  }
  const pct = (v: number[], q: number): number => {
    if (v.length === 0) return Number.NaN;
    const s = [...v].sort((a, b) => a - b);
    const pos = q * (s.length - 1);
    const lo = Math.floor(pos);
    return (s[lo] as number) + (pos - lo) * ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number));
  };
  return {
    runs: opts.runs,
    blockHours: block,
    mapped,
    unmapped,
    profiles: samples.map((bySpecies) =>
      bySpecies.map((v) => ({ p05: pct(v, 0.05), p50: pct(v, 0.5), p95: pct(v, 0.95) })),
    ),
  };
}

export function correlation(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export interface FactorCountRow {
  factors: number;
  qRobust: number;
  qTrue: number;
  qExpected: number;
  ratio: number;
  /** Share of scaled residuals beyond ±3 (EPA: should be few). */
  largeResiduals: number;
}

/**
 * Help choosing the number of factors: base runs for each candidate count, with Q/Qexpected and
 * the share of large scaled residuals. Suggested: the smallest count after which one more factor
 * lowers Q robust by less than a quarter — beyond it, extra factors split real ones or fit noise.
 */
export function chooseFactorCount(
  prepared: PreparedMatrix,
  candidates: readonly number[],
  opts: { seed: number; restarts: number; maxIterations: number; tolerance: number; robust: boolean },
): { rows: FactorCountRow[]; suggested: number } {
  const rows = candidates.map((p) => {
    const { best } = pmf(prepared.matrix, {
      factors: p,
      seed: opts.seed,
      restarts: opts.restarts,
      maxIterations: opts.maxIterations,
      tolerance: opts.tolerance,
      robust: opts.robust,
    });
    const qe = qExpected(prepared, p);
    return {
      factors: p,
      qRobust: best.qRobust,
      qTrue: best.qTrue,
      qExpected: qe,
      ratio: qe > 0 ? best.qRobust / qe : Number.POSITIVE_INFINITY,
      largeResiduals: largeResidualShare(prepared.matrix, best),
    };
  });
  let suggested = rows[rows.length - 1]?.factors ?? 0;
  for (let i = 0; i + 1 < rows.length; i++) {
    if ((rows[i + 1] as FactorCountRow).qRobust > 0.75 * (rows[i] as FactorCountRow).qRobust) {
      suggested = (rows[i] as FactorCountRow).factors;
      break;
    }
  }
  return { rows, suggested };
}

export function largeResidualShare(data: PmfMatrix, fit: PmfFit): number {
  const { n, m, x, u } = data;
  const p = fit.p;
  let large = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let v = 0;
      for (let k = 0; k < p; k++) v += fit.g[i * p + k]! * fit.f[k * m + j]!;
      if (Math.abs((x[i * m + j]! - v) / u[i * m + j]!) > 3) large++;
    }
  }
  return n * m > 0 ? large / (n * m) : 0;
}

export interface FactorJob {
  prepared: PreparedMatrix;
  factors: number;
  seed: number;
  restarts: number;
  bootstrap: number;
  blockHours: number;
  /** Candidate factor counts to compare, or none. */
  choose: number[];
}

export interface FactorJobResult {
  best: PmfFit;
  runs: { seed: number; qRobust: number; converged: boolean }[];
  bootstrap?: BootstrapResult;
  choice?: { rows: FactorCountRow[]; suggested: number };
}

const BASE = { maxIterations: 500, tolerance: 1e-5, robust: true };

/** The whole computation of `GET /v1/apportionment/factors`: base runs, bootstrap, factor-count help. */
export function runFactorJob(job: FactorJob): FactorJobResult {
  const { best, runs } = pmf(job.prepared.matrix, {
    factors: job.factors,
    seed: job.seed,
    restarts: job.restarts,
    ...BASE,
  });
  const bs =
    job.bootstrap > 0
      ? bootstrap(job.prepared.matrix, best, {
          runs: job.bootstrap,
          blockHours: job.blockHours,
          seed: job.seed,
          maxIterations: 100,
          tolerance: 1e-3,
          robust: true,
        })
      : undefined;
  const choice =
    job.choose.length > 0
      ? chooseFactorCount(job.prepared, job.choose, { seed: job.seed, restarts: 1, ...BASE, tolerance: 1e-4 })
      : undefined;
  return { best, runs, ...(bs ? { bootstrap: bs } : {}), ...(choice ? { choice } : {}) };
}
