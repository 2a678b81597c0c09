import { HOUR_MS, hourEndingDayOf, hourLabelOf, hoursIn, InputError } from '../../kernel';
import {
  type RegionalQuery,
  type RegionalResponse,
  type TransportQuery,
  type TransportResponse,
  SERIES_MAX_LIMIT,
  type SeriesQuery,
  type Station,
  type StationListVersion,
} from '../../schemas';
import { versionOn } from '../stats/areas';
import { seriesRows, type SeriesQueries } from '../stats/series';
import { regionalHours, regionalPeriods, type RegionalStation } from './regional';
import { hoursWithData, transportMatrix, transportMinHours, transportParameters } from './transport';

/** The urban-increment split computed in the store (one statement); see regional.ts for the rule. */
export interface RegionalQueries {
  periods(spec: {
    pollutant: string;
    fromMs: number;
    toMs: number;
    city: string[];
    backgroundStations: string[];
    background: { method: 'control' } | { method: 'percentile'; percentile: number };
    resolution: 'day' | 'month' | 'year';
  }): Promise<{ period: string; hours: number; city: number; background: number }[]>;
}

export interface ApportionmentDeps {
  series: SeriesQueries;
  versions: () => Promise<StationListVersion[]>;
  /** Where the store can split in SQL; otherwise the hourly series are split here (regional.ts). */
  regional?: RegionalQueries;
}

type Range = { fromMs: number; toMs: number };

/** Hourly values of areas, aligned on the hour-ending instants in [fromMs, toMs). */
async function hourly(
  deps: ApportionmentDeps,
  level: SeriesQuery['level'],
  ids: string[],
  pollutant: RegionalQuery['pollutant'],
  range: Range,
  versions: StationListVersion[],
): Promise<{ hours: number; firstMs: number; values: Map<string, (number | null)[]> }> {
  const { firstMs, hours } = hoursIn(range);
  const { rows, next } = await seriesRows(
    deps.series,
    { level, ids, pollutants: [pollutant], resolution: 'hour', ...range },
    versions,
  );
  const values = new Map(ids.map((id) => [id, new Array<number | null>(hours).fill(null)]));
  if (next)
    throw new InputError('QUERY_UNPROCESSABLE', `more than ${SERIES_MAX_LIMIT} hourly values: shorten from/to`, {
      field: 'to',
    });
  for (const r of rows) {
    const i = (Date.parse(r.time) - firstMs) / HOUR_MS;
    const row = values.get(r.id);
    if (row && i >= 0 && i < hours && r.valid) row[i] = r.value;
  }
  return { hours, firstMs, values };
}

/** Great-circle distance (haversine, Earth radius 6371 km), km. */
export const distanceKm = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number => {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
};

/** `GET /v1/apportionment/regional`: the city's regional background and local increment by period. */
export async function regionalView(deps: ApportionmentDeps, q: RegionalQuery, range: Range): Promise<RegionalResponse> {
  const versions = await deps.versions();
  const list = versionOn(versions, hourEndingDayOf(range.toMs - HOUR_MS))?.stations ?? [];
  const own = list.filter((s) => s.city === q.city && !s.stopped);
  if (own.length === 0)
    throw new InputError('QUERY_UNKNOWN_AREA', `city: no city ${q.city} in the station list (see /v1/stations)`, {
      field: 'city',
    });
  let pool: Station[];
  if (q.method === 'control') {
    pool = own.filter((s) => s.control);
    if (pool.length === 0)
      throw new InputError(
        'QUERY_UNPROCESSABLE',
        `method: ${q.city} has no control station (对照点); use method=percentile`,
        { field: 'method' },
      );
  } else {
    const located = own.filter((s) => s.lat !== null && s.lon !== null);
    const centre = {
      lat: located.reduce((a, s) => a + (s.lat as number), 0) / located.length,
      lon: located.reduce((a, s) => a + (s.lon as number), 0) / located.length,
    };
    pool = list.filter(
      (s) =>
        !s.stopped &&
        s.lat !== null &&
        s.lon !== null &&
        distanceKm(centre, { lat: s.lat as number, lon: s.lon as number }) <= q.radiusKm,
    );
  }
  const codes = [...new Set([...own.map((s) => s.code), ...pool.map((s) => s.code)])];
  const { firstMs, hours } = hoursIn(range);
  // The city value: the city's non-control stations. The background: its control stations
  // (`control`), or the given percentile of every station here — the city's own and those within
  // the radius (`percentile`).
  const cityCodes = own.filter((s) => !s.control).map((s) => s.code);
  const backgroundCodes = q.method === 'control' ? pool.map((s) => s.code) : codes;
  const background =
    q.method === 'control'
      ? ({ method: 'control' } as const)
      : ({ method: 'percentile', percentile: q.percentile } as const);
  const periods = deps.regional
    ? (
        await deps.regional.periods({
          pollutant: q.pollutant,
          fromMs: firstMs,
          toMs: firstMs + hours * HOUR_MS,
          city: cityCodes,
          backgroundStations: backgroundCodes,
          background,
          resolution: q.resolution,
        })
      ).map((x) => ({
        ...x,
        increment: x.city - x.background,
        localShare: x.city > 0 ? (x.city - x.background) / x.city : 0,
      }))
    : await splitHere(deps, q, range, versions, list, codes, background);
  return {
    city: q.city,
    pollutant: q.pollutant,
    resolution: q.resolution,
    method:
      q.method === 'control'
        ? 'background = mean of the city’s control stations (对照点) each hour'
        : `background = P${q.percentile} (HJ 663 formula) each hour of the city’s stations and those within ${q.radiusKm} km of its centre`,
    stations: { city: cityCodes, background: backgroundCodes },
    coverage: { hours, usedHours: periods.reduce((n, x) => n + x.hours, 0) },
    periods,
  };
}

/** The same split from the hourly series, in TypeScript (regional.ts): where the store has no SQL for it. */
async function splitHere(
  deps: ApportionmentDeps,
  q: RegionalQuery,
  range: Range,
  versions: StationListVersion[],
  list: Station[],
  codes: string[],
  background: { method: 'control' } | { method: 'percentile'; percentile: number },
) {
  const { hours, firstMs, values } = await hourly(deps, 'station', codes, q.pollutant, range, versions);
  const byCode = new Map(list.map((s) => [s.code, s]));
  const input: RegionalStation[] = codes.map((code) => {
    const s = byCode.get(code) as Station;
    return { code, inCity: s.city === q.city, control: s.control, values: values.get(code) as (number | null)[] };
  });
  const split = regionalHours(input, hours, background);
  const labelOf = (h: number): string => {
    const day = hourEndingDayOf(firstMs + h * HOUR_MS);
    return q.resolution === 'day' ? day : q.resolution === 'month' ? day.slice(0, 7) : day.slice(0, 4);
  };
  return regionalPeriods(split, labelOf);
}

/** `GET /v1/apportionment/transport`: the province-by-province influence matrix. */
export async function transportView(
  deps: ApportionmentDeps,
  q: TransportQuery,
  range: Range,
): Promise<TransportResponse> {
  const provinces = ['shanghai', 'jiangsu', 'zhejiang', 'anhui'];
  const versions = await deps.versions();
  const { hours, firstMs, values } = await hourly(deps, 'province', provinces, q.pollutant, range, versions);
  if (hours < 24 * 14)
    throw new InputError(
      'QUERY_UNPROCESSABLE',
      `from/to: ${hours} hours is too short to judge transport; ask for at least 14 days`,
      { field: 'from' },
    );
  // What the answer rests on: the regressions need 10 hours per parameter (transport.ts); a range
  // whose hours are mostly empty is refused rather than answered with p-values from a few hours.
  const minHours = transportMinHours(provinces.length, q.maxLag);
  const tooFew = (what: string, n: number): InputError =>
    new InputError(
      'QUERY_UNPROCESSABLE',
      `from/to: ${what} ${n} of the ${hours} hours; the lagged regression with maxLag ${q.maxLag} has ${transportParameters(provinces.length, q.maxLag)} parameters and needs at least ${minHours} hours (10 per parameter): widen from/to or lower maxLag`,
      { field: 'from' },
    );
  for (const p of provinces) {
    const n = hoursWithData(values.get(p) as (number | null)[]);
    if (n < minHours) throw tooFew(`${p} has data in`, n);
  }
  const firstLabel = hourLabelOf(firstMs);
  const r = transportMatrix(Object.fromEntries(provinces.map((p) => [p, values.get(p) as (number | null)[]])), {
    firstLabel,
    maxLag: q.maxLag,
    alpha: q.alpha,
  });
  const thinnest = r.pairs.reduce<(typeof r.pairs)[number] | undefined>(
    (m, x) => (m === undefined || x.hoursUsed < m.hoursUsed ? x : m),
    undefined,
  );
  if (thinnest && thinnest.hoursUsed < minHours)
    throw tooFew(`the ${thinnest.from} → ${thinnest.to} regression has all its terms in`, thinnest.hoursUsed);
  return {
    pollutant: q.pollutant,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    method: r.method,
    hours: r.hours,
    minHours,
    provinces: provinces.map((p) => ({ province: p, hoursUsed: r.hoursWithData[p] ?? 0 })),
    maxLag: r.maxLag,
    alpha: r.alpha,
    pairs: r.pairs,
  };
}
