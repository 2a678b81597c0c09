import { HOUR_MS } from '../../kernel';
import type { FactorsQuery, StationListVersion } from '../../schemas';
import { seriesRows, type SeriesQueries } from '../stats/series';
import type { PmfMatrix } from './pmf';

/**
 * The factor analysis's input: the species of an area's hours from its readings and a supersite's
 * speciated readings (factorInputs), and the matrix and uncertainties prepared from them as EPA
 * PMF 5 does (user guide §5; prepareMatrix): per-value uncertainties, missing and below-detection
 * values, weak and bad species by signal-to-noise.
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

/** A supersite's speciated hours, as the store hands them over. */
export interface SpeciesSource {
  hourly(
    station: string,
    fromMs: number,
    toMs: number,
  ): Promise<
    { species: string; timeMs: number; value: number | null; mdl: number | null; uncertainty: number | null }[]
  >;
}

/**
 * Detection limits and error fractions of the hourly automated measurements, used where a value
 * carries none: typical lower detection limits of the analysers in service (β-attenuation PM,
 * UV-fluorescence SO2, chemiluminescence NO2, gas-filter-correlation CO, UV-photometric O3) and the
 * combined relative uncertainty of an hourly value. Coarse PM is PM10 − PM2.5 from the same
 * site; a difference is noisier than either, hence its larger fraction.
 */
const CRITERIA: Readonly<Record<string, { mdl: number; errorFraction: number }>> = {
  pm25: { mdl: 2, errorFraction: 0.12 },
  coarse: { mdl: 3, errorFraction: 0.2 },
  so2: { mdl: 1, errorFraction: 0.2 },
  no2: { mdl: 1, errorFraction: 0.15 },
  co: { mdl: 0.05, errorFraction: 0.12 },
  o3: { mdl: 2, errorFraction: 0.1 },
};
/** Typical detection limits of online supersite instruments (µg/m³), where a value has none. */
const SPECIES_MDL: Readonly<Record<string, number>> = {
  so4: 0.05,
  no3: 0.05,
  nh4: 0.05,
  cl: 0.02,
  na: 0.05,
  k: 0.02,
  mg: 0.02,
  ca: 0.01,
  oc: 0.2,
  ec: 0.05,
};
const ELEMENT_MDL = 0.002;
const SPECIES_ERROR_FRACTION = 0.1;

/**
 * The analysis's species over the hours [firstMs, firstMs + hours·1 h): the six criteria pollutants
 * (coarse PM as PM10 − PM2.5), and at a station its supersite species when the store holds them.
 * `further` counts those supersite species.
 */
export async function factorInputs(
  deps: { series: SeriesQueries; species?: SpeciesSource },
  q: FactorsQuery,
  range: { fromMs: number; toMs: number },
  versions: StationListVersion[],
  firstMs: number,
  hours: number,
): Promise<{ inputs: SpeciesInput[]; further: number }> {
  const criteria = await criteriaHours(deps, q, range, versions, firstMs, hours);
  const inputs: SpeciesInput[] = [];
  const pm25 = criteria.get('pm25') as (number | null)[];
  const pm10 = criteria.get('pm10') as (number | null)[];
  const coarse = pm25.map((v, i) => (v === null || pm10[i] === null ? null : Math.max(0, (pm10[i] as number) - v)));
  for (const sp of ['pm25', 'coarse', 'so2', 'no2', 'co', 'o3']) {
    inputs.push({
      species: sp,
      values: sp === 'coarse' ? coarse : (criteria.get(sp) as (number | null)[]),
      ...(CRITERIA[sp] as { mdl: number; errorFraction: number }),
    });
  }
  let further = 0;
  if (q.level === 'station' && deps.species) {
    const rows = await deps.species.hourly(q.id, firstMs, firstMs + hours * HOUR_MS);
    const bySpecies = new Map<string, { values: (number | null)[]; unc: (number | null)[]; mdl: number | undefined }>();
    for (const r of rows) {
      const i = (r.timeMs - firstMs) / HOUR_MS;
      if (!Number.isInteger(i) || i < 0 || i >= hours) continue;
      let e = bySpecies.get(r.species);
      if (!e)
        bySpecies.set(
          r.species,
          (e = {
            values: new Array<number | null>(hours).fill(null),
            unc: new Array<number | null>(hours).fill(null),
            mdl: undefined,
          }),
        );
      e.values[i] = r.value;
      e.unc[i] = r.uncertainty;
      if (r.mdl !== null) e.mdl = Math.max(e.mdl ?? 0, r.mdl);
    }
    for (const [species, e] of [...bySpecies].sort(([a], [b]) => a.localeCompare(b))) {
      // A species measured in under a quarter of the hours would be mostly medians: left out.
      if (e.values.filter((v) => v !== null).length < hours / 4) continue;
      inputs.push({
        species,
        values: e.values,
        uncertainties: e.unc,
        mdl: e.mdl ?? SPECIES_MDL[species] ?? ELEMENT_MDL,
        errorFraction: SPECIES_ERROR_FRACTION,
      });
      further++;
    }
  }

  return { inputs, further };
}

/** The area's (or station's) hourly values of the six criteria pollutants, valid ones only. */
async function criteriaHours(
  deps: { series: SeriesQueries },
  q: FactorsQuery,
  range: { fromMs: number; toMs: number },
  versions: StationListVersion[],
  firstMs: number,
  hours: number,
): Promise<Map<string, (number | null)[]>> {
  const pollutants = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;
  const { rows } = await seriesRows(
    deps.series,
    { level: q.level, ids: [q.id], pollutants, resolution: 'hour', ...range },
    versions,
  );
  const out = new Map<string, (number | null)[]>(
    pollutants.map((p) => [p, new Array<number | null>(hours).fill(null)]),
  );
  for (const r of rows) {
    const i = (Date.parse(r.time) - firstMs) / HOUR_MS;
    const row = out.get(r.pollutant);
    if (row && Number.isInteger(i) && i >= 0 && i < hours && r.valid && r.value !== null) row[i] = r.value;
  }
  return out;
}
