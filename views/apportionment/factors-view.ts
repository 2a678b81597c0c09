import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { HOUR_MS, hourEndingDayOf, hoursIn, InputError } from '../../kernel';
import { type FactorsQuery, type FactorsResponse, type StationListVersion } from '../../schemas';
import { versionOn } from '../stats/areas';
import type { SeriesQueries } from '../stats/series';
import { factorInputs, prepareMatrix, qExpected, type SpeciesSource } from './factor-inputs';
import { labelFactors } from './factor-labels';
import { runFactorJobOffThread } from './factors-runner';
import type { FactorJob, FactorJobResult } from './factors';

export interface FactorsDeps {
  series: SeriesQueries;
  versions: () => Promise<StationListVersion[]>;
  species?: SpeciesSource;
  /** Runs the factor job (default: on a worker thread, one at a time). */
  runJob?: (job: FactorJob) => Promise<FactorJobResult>;
}

const cache = new LRUCache<string, Omit<FactorsResponse, 'cached' | 'computeMs'>>({ max: 32 });

/** `GET /v1/apportionment/factors`: PMF-style factors of an area's or a supersite's hourly species. */
export async function factorsView(
  deps: FactorsDeps,
  q: FactorsQuery,
  range: { fromMs: number; toMs: number },
): Promise<FactorsResponse> {
  const started = performance.now();
  const versions = await deps.versions();
  const list = versionOn(versions, hourEndingDayOf(range.toMs - HOUR_MS))?.stations ?? [];
  const members = list.filter(
    (s) =>
      !s.stopped &&
      (q.level === 'station' ? s.code === q.id : q.level === 'city' ? s.city === q.id : s.province === q.id),
  );
  if (members.length === 0)
    throw new InputError('QUERY_UNKNOWN_AREA', `id: no ${q.level} ${q.id} in the station list (see /v1/stations)`, {
      field: 'id',
    });
  // Hour-ending instants in [from, to), as the series compares them.
  const { firstMs, hours } = hoursIn(range);
  if (hours < 24 * 7)
    throw new InputError(
      'QUERY_UNPROCESSABLE',
      `from/to: ${hours} hours is too few for a factor analysis; ask for at least 7 days`,
      { field: 'from' },
    );
  if (hours > 24 * 366 * 2)
    throw new InputError('QUERY_UNPROCESSABLE', `from/to: ${hours} hours; ask for at most two years at a time`, {
      field: 'to',
    });

  const { inputs, further } = await factorInputs(deps, q, range, versions, firstMs, hours);
  const prepared = prepareMatrix(inputs);
  const m = prepared.matrix.m;
  if (prepared.matrix.n < 24 * 7)
    throw new InputError(
      'QUERY_UNPROCESSABLE',
      `only ${prepared.matrix.n} hours have at least half their species; a factor analysis needs a week or more`,
      { field: 'from' },
    );
  if (q.factors >= m)
    throw new InputError(
      'QUERY_UNPROCESSABLE',
      `factors: ${q.factors} factors need more than ${q.factors} usable species; ${m} here (${prepared.species.join(', ')})`,
      { field: 'factors' },
    );

  const key = createHash('sha256')
    .update(JSON.stringify({ q: { ...q, from: undefined, to: undefined }, firstMs, hours }))
    .update(new Uint8Array(prepared.matrix.x.buffer))
    .update(new Uint8Array(prepared.matrix.u.buffer))
    .digest('hex');
  const hit = cache.get(key);
  if (hit) return { ...hit, cached: true, computeMs: Math.round(performance.now() - started) };

  const job = await (deps.runJob ?? runFactorJobOffThread)({
    prepared,
    factors: q.factors,
    seed: q.seed,
    restarts: q.restarts,
    bootstrap: q.bootstrap,
    blockHours: q.blockHours,
    choose: q.chooseFactors ? Array.from({ length: Math.min(8, m - 1) - 1 }, (_, i) => i + 2) : [],
  });
  const { best, runs, bootstrap: bs, choice } = job;
  const labels = labelFactors(prepared.species, best.f, best.p);
  const qe = qExpected(prepared, best.p);
  const p = best.p;
  const pmIndex = prepared.species.indexOf('pm25');
  const pmTotal =
    pmIndex < 0 ? 0 : Array.from({ length: p }, (_, k) => best.f[k * m + pmIndex] as number).reduce((a, b) => a + b, 0);
  const finite = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : round(v));
  const exploratory = further === 0;
  const body: Omit<FactorsResponse, 'cached' | 'computeMs'> = {
    level: q.level,
    id: q.id,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    method:
      `PMF-style weighted non-negative factorisation (EPA PMF 5 objective and uncertainties; weighted HALS with extrapolation), robust mode (α = 4), ` +
      `${q.factors} factors, ${q.restarts} seeded starts from seed ${q.seed} keeping the lowest Q, block bootstrap of ${q.bootstrap} runs in ${q.blockHours}-hour blocks` +
      (q.level === 'station' ? '' : `; the ${q.level}’s hourly means (stations → cities → province, HJ 663)`),
    exploratory,
    note: exploratory
      ? 'Only the six criteria pollutants (with coarse PM = PM10 − PM2.5) were available: the factors are exploratory — indicative groupings of co-varying pollutants, not a source apportionment. Speciated supersite data (ions, OC/EC, elements; POST /v1/species) at station level make them identifiable.'
      : `The criteria pollutants with ${further} further species measured at this supersite.`,
    coverage: { hours, usedHours: prepared.matrix.n, droppedHours: prepared.droppedRows, stations: members.length },
    species: prepared.summaries.map((s) => ({ ...s, signalToNoise: round(s.signalToNoise) })),
    q: {
      true: round(best.qTrue),
      robust: round(best.qRobust),
      expected: round(qe),
      ratio: qe > 0 ? round(best.qRobust / qe) : 0,
    },
    runs: runs.map((r) => ({ ...r, qRobust: round(r.qRobust) })),
    times: prepared.rows.map((i) => new Date(firstMs + i * HOUR_MS).toISOString()),
    factors: labels.map((l, k) => ({
      factor: k + 1,
      ...l,
      pm25Share: pmIndex < 0 || pmTotal <= 0 ? null : round((best.f[k * m + pmIndex] as number) / pmTotal),
      profile: prepared.species.map((sp, j) => {
        let total = 0;
        for (let l2 = 0; l2 < p; l2++) total += best.f[l2 * m + j] as number;
        const b = bs?.profiles[k]?.[j];
        return {
          species: sp,
          value: round(best.f[k * m + j] as number),
          share: total > 0 ? round((best.f[k * m + j] as number) / total) : 0,
          p05: finite(b?.p05),
          p50: finite(b?.p50),
          p95: finite(b?.p95),
        };
      }),
      bootstrapMapped: bs?.mapped[k] ?? 0,
      contributions: Array.from({ length: prepared.matrix.n }, (_, i) => round(best.g[i * p + k] as number)),
    })),
    bootstrap: { runs: q.bootstrap, blockHours: bs?.blockHours ?? q.blockHours, unmapped: bs?.unmapped ?? 0 },
    ...(choice
      ? {
          factorCount: {
            rows: choice.rows.map((r) => ({
              factors: r.factors,
              qRobust: round(r.qRobust),
              qTrue: round(r.qTrue),
              qExpected: round(r.qExpected),
              ratio: Number.isFinite(r.ratio) ? round(r.ratio) : 0,
              largeResiduals: round(r.largeResiduals),
            })),
            suggested: choice.suggested,
            rule: 'the smallest number after which one more factor lowers Q robust by less than a quarter',
          },
        }
      : {}),
  };
  cache.set(key, body);
  return { ...body, cached: false, computeMs: Math.round(performance.now() - started) };
}

const round = (v: number): number => Math.round(v * 10_000) / 10_000;
