import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { pmf, pmfRun, type PmfFit, type PmfMatrix } from './pmf';

/**
 * The EPA PMF 5 handling of a species matrix (user guide §5): per-value uncertainties, missing
 * and below-detection values, weak and bad species by signal-to-noise, then base runs, bootstrap
 * uncertainty of the profiles, help choosing the number of factors, and a label per factor.
 */

export interface SpeciesInput {
  species: string;
  /** One value per sample (hour); null when missing. */
  values: readonly (number | null)[];
  /** Method detection limit, in the species' unit. */
  mdl: number;
  /** Error fraction of the measurement (EPA: uncertainty = √((EF·x)² + (MDL/2)²)). */
  errorFraction: number;
  /** Per-value uncertainties when the data carry them (supersite species); replaces the formula. */
  uncertainties?: readonly (number | null)[];
}

export type SpeciesCategory = 'strong' | 'weak' | 'bad';

export interface SpeciesSummary {
  species: string;
  category: SpeciesCategory;
  signalToNoise: number;
  missing: number;
  belowDetection: number;
  mdl: number;
  errorFraction: number;
}

export interface PreparedMatrix {
  matrix: PmfMatrix;
  /** Species in the matrix (strong and weak), in column order. */
  species: string[];
  summaries: SpeciesSummary[];
  /** Index into the input samples of each matrix row. */
  rows: number[];
  /** Samples dropped because more than half their species were missing. */
  droppedRows: number;
}

/**
 * Builds X and U as EPA PMF does: a value at or below the MDL becomes MDL/2 with uncertainty
 * 5/6·MDL (Polissar et al. 1998); a missing value becomes the species' median with uncertainty
 * 4× the median; otherwise u = √((EF·x)² + (MDL/2)²). Signal-to-noise per species is EPA PMF 5's
 * (mean over samples of (x − u)/u where x > u, else 0): below 0.5 the species is bad (left out),
 * below 1 weak (uncertainty tripled). Samples missing more than half their species are dropped.
 */
export function prepareMatrix(inputs: readonly SpeciesInput[]): PreparedMatrix {
  const samples = inputs[0]?.values.length ?? 0;
  const rows: number[] = [];
  for (let i = 0; i < samples; i++) {
    const present = inputs.reduce(
      (c, s) => c + (s.values[i] !== null && s.values[i] !== undefined && Number.isFinite(s.values[i]) ? 1 : 0),
      0,
    );
    if (present * 2 >= inputs.length && present > 0) rows.push(i);
  }
  const summaries: SpeciesSummary[] = [];
  const columns: { x: Float64Array; u: Float64Array; species: string }[] = [];
  for (const s of inputs) {
    const x = new Float64Array(rows.length);
    const u = new Float64Array(rows.length);
    const present = rows
      .map((i) => s.values[i])
      .filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
    const median = medianOf(present) ?? s.mdl;
    let missing = 0;
    let below = 0;
    let sn = 0;
    rows.forEach((i, r) => {
      const v = s.values[i];
      const given = s.uncertainties?.[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        missing++;
        x[r] = Math.max(median, s.mdl / 2);
        u[r] = 4 * Math.max(median, s.mdl / 2);
        return;
      }
      if (v <= s.mdl) {
        below++;
        x[r] = s.mdl / 2;
        u[r] = given && given > 0 ? given : (5 / 6) * s.mdl;
      } else {
        x[r] = v;
        u[r] = given && given > 0 ? given : Math.sqrt((s.errorFraction * v) ** 2 + (s.mdl / 2) ** 2);
      }
      if (x[r]! > u[r]!) sn += (x[r]! - u[r]!) / u[r]!;
    });
    const signalToNoise = rows.length > 0 ? sn / rows.length : 0;
    const category: SpeciesCategory = signalToNoise < 0.5 ? 'bad' : signalToNoise < 1 ? 'weak' : 'strong';
    if (category === 'weak') for (let r = 0; r < u.length; r++) u[r]! *= 3;
    summaries.push({
      species: s.species,
      category,
      signalToNoise,
      missing,
      belowDetection: below,
      mdl: s.mdl,
      errorFraction: s.errorFraction,
    });
    if (category !== 'bad') columns.push({ x, u, species: s.species });
  }
  const n = rows.length;
  const m = columns.length;
  const x = new Float64Array(n * m);
  const u = new Float64Array(n * m);
  columns.forEach((c, j) => {
    for (let i = 0; i < n; i++) {
      x[i * m + j] = c.x[i]!;
      u[i * m + j] = c.u[i]!;
    }
  });
  return { matrix: { n, m, x, u }, species: columns.map((c) => c.species), summaries, rows, droppedRows: samples - n };
}

function medianOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/** EPA PMF's Q expected: the strong values less the number of fitted elements of G and F. */
export function qExpected(prepared: PreparedMatrix, p: number): number {
  const strong = prepared.summaries.filter((s) => s.category === 'strong').length;
  return prepared.matrix.n * strong - p * (prepared.matrix.n + prepared.matrix.m);
}

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

/**
 * Marker species and what they indicate, from the source-apportionment literature (e.g. the
 * Chinese PM2.5 source-profile database and Hopke's PMF reviews), in order of precedence: a
 * factor is labelled by the first marker of which it holds at least half the modelled total.
 */
const MARKERS: readonly { species: string; label: string; zh: string }[] = [
  { species: 'o3', label: 'photochemical (secondary ozone)', zh: '光化学二次生成' },
  { species: 'so2', label: 'coal combustion and industry', zh: '燃煤与工业' },
  { species: 'coarse', label: 'dust (soil, road and construction)', zh: '扬尘' },
  { species: 'no2', label: 'traffic (vehicle exhaust)', zh: '机动车' },
  { species: 'nh4', label: 'secondary inorganic aerosol', zh: '二次无机气溶胶' },
  { species: 'so4', label: 'secondary sulfate', zh: '二次硫酸盐' },
  { species: 'no3', label: 'secondary nitrate', zh: '二次硝酸盐' },
  { species: 'k', label: 'biomass burning', zh: '生物质燃烧' },
  { species: 'ec', label: 'traffic (diesel, elemental carbon)', zh: '机动车（柴油）' },
  { species: 'ca', label: 'dust (construction)', zh: '扬尘（建筑）' },
  { species: 'si', label: 'dust (crustal)', zh: '扬尘（地壳）' },
  { species: 'al', label: 'dust (crustal)', zh: '扬尘（地壳）' },
  { species: 'ti', label: 'dust (crustal)', zh: '扬尘（地壳）' },
  { species: 'v', label: 'shipping (heavy fuel oil)', zh: '船舶（重油）' },
  { species: 'ni', label: 'shipping (heavy fuel oil)', zh: '船舶（重油）' },
  { species: 'zn', label: 'industry (metallurgy, waste incineration)', zh: '工业（冶金、垃圾焚烧）' },
  { species: 'pb', label: 'industry (metallurgy, coal)', zh: '工业（冶金、燃煤）' },
  { species: 'cl', label: 'coal combustion', zh: '燃煤' },
  { species: 'na', label: 'sea salt', zh: '海盐' },
];
const PRIMARY_GASES = ['so2', 'no2', 'co'];

export interface FactorLabel {
  label: string;
  zh: string;
  reason: string;
}

/** A heuristic label per factor, with the shares that decided it. */
export function labelFactors(species: readonly string[], f: Float64Array, p: number): FactorLabel[] {
  const m = species.length;
  const share = (k: number, j: number): number => {
    let total = 0;
    for (let l = 0; l < p; l++) total += f[l * m + j]!;
    return total > 0 ? f[k * m + j]! / total : 0;
  };
  const pct = (v: number) => `${Math.round(v * 100)} %`;
  return Array.from({ length: p }, (_, k) => {
    let best: { marker: (typeof MARKERS)[number]; s: number } | undefined;
    for (const marker of MARKERS) {
      const j = species.indexOf(marker.species);
      if (j < 0) continue;
      const s = share(k, j);
      if (s >= 0.5) {
        best = { marker, s };
        break;
      }
    }
    if (best)
      return {
        label: best.marker.label,
        zh: best.marker.zh,
        reason: `${best.marker.species}: ${pct(best.s)} of its modelled total is in this factor`,
      };
    const pm = species.indexOf('pm25');
    const gases = PRIMARY_GASES.map((g) => ({ g, j: species.indexOf(g) })).filter((x) => x.j >= 0);
    if (pm >= 0 && share(k, pm) >= 0.3 && gases.every((x) => share(k, x.j) < 0.2)) {
      return {
        label: 'secondary aerosol',
        zh: '二次气溶胶',
        reason: `pm25: ${pct(share(k, pm))} of its modelled total, with little of the primary gases (${gases.map((x) => `${x.g} ${pct(share(k, x.j))}`).join(', ')})`,
      };
    }
    const top = species.map((sp, j) => ({ sp, s: share(k, j) })).sort((a, b) => b.s - a.s)[0];
    return {
      label: 'mixed / unresolved',
      zh: '混合源',
      reason: top ? `no marker species dominates; largest share ${top.sp} ${pct(top.s)}` : 'empty factor',
    };
  });
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
