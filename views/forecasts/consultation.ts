import { cstMidnightMs, HOUR_MS } from '../../kernel';
import type {
  ConsultationQuery,
  ConsultationResponse,
  Forecast,
  ForecastCategory,
  Station,
  StationListVersion,
} from '../../schemas';
import { distanceKm } from '../apportionment/views';
import { categoryIndexOfAqi as categoryIndexOf, FORECAST_CATEGORIES as CATEGORIES } from './verification';
import type { ForecastSource } from './verification-view';

/** Consensus categories this far apart in neighbouring cities of different provinces are flagged. */
const NEIGHBOUR_CATEGORY_GAP = 2;

/** Each city's station centroid: the mean longitude and latitude of its stations (control sites too). */
function centroids(stations: readonly Station[]): Map<string, { province: string; lat: number; lon: number }> {
  const sums = new Map<string, { province: string; lat: number; lon: number; n: number }>();
  for (const s of stations) {
    if (s.lat === null || s.lon === null) continue; // a station without coordinates has no place in it
    const c = sums.get(s.city) ?? { province: s.province, lat: 0, lon: 0, n: 0 };
    c.lat += s.lat;
    c.lon += s.lon;
    c.n++;
    sums.set(s.city, c);
  }
  return new Map([...sums].map(([city, c]) => [city, { province: c.province, lat: c.lat / c.n, lon: c.lon / c.n }]));
}

/** Of each source, the latest issue for the day (the latest issuedAt, then the latest receipt). */
function latestPerSource(forecasts: readonly Forecast[]): Forecast[] {
  const bySource = new Map<string, Forecast>();
  for (const f of forecasts) {
    const had = bySource.get(f.source);
    if (!had || f.issuedAt > had.issuedAt || (f.issuedAt === had.issuedAt && f.receivedAt > had.receivedAt))
      bySource.set(f.source, f);
  }
  return [...bySource.values()].sort((a, b) => (a.source < b.source ? -1 : 1));
}

/**
 * The consultation (会商) table of a day (docs/standards.md §9.4): every city with each source's latest
 * issue side by side, their range and the spread of their midpoints, a flag where the sources'
 * categories differ, and the pairs of neighbouring cities (station centroids within `distanceKm`) of
 * different provinces whose consensus categories — the category of the mean of a city's sources'
 * midpoints — are two or more apart. A pure function of its inputs.
 */
export function consult(
  forecasts: readonly Forecast[],
  stations: readonly Station[],
  q: { validDate: string; distanceKm: number },
): ConsultationResponse {
  const centre = centroids(stations);
  const consensus = new Map<string, number>();
  const provinceOf = new Map(stations.map((s) => [s.city, s.province]));
  const cities = [...provinceOf.keys()].sort().map((city) => {
    const own = latestPerSource(forecasts.filter((f) => f.city === city && f.validDate === q.validDate));
    const mids = own.map((f) => (f.aqiLow + f.aqiHigh) / 2);
    const meanMid = mids.length === 0 ? null : mids.reduce((a, b) => a + b, 0) / mids.length;
    if (meanMid !== null) consensus.set(city, categoryIndexOf(meanMid));
    return {
      city,
      province: provinceOf.get(city) ?? '',
      forecasts: own,
      low: own.length === 0 ? null : Math.min(...own.map((f) => f.aqiLow)),
      high: own.length === 0 ? null : Math.max(...own.map((f) => f.aqiHigh)),
      midpointSpread: mids.length === 0 ? null : Math.max(...mids) - Math.min(...mids),
      consensus: meanMid === null ? null : (CATEGORIES[categoryIndexOf(meanMid)] ?? null),
      categoryDisagreement: new Set(own.map((f) => f.category)).size > 1,
    };
  });
  const neighbourFlags: ConsultationResponse['neighbourFlags'] = [];
  const names = [...consensus.keys()].sort();
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const a = names[i] as string;
      const b = names[j] as string;
      const ca = centre.get(a);
      const cb = centre.get(b);
      if (!ca || !cb || ca.province === cb.province) continue;
      const km = distanceKm(ca, cb);
      const gap = Math.abs((consensus.get(a) as number) - (consensus.get(b) as number));
      if (km > q.distanceKm || gap < NEIGHBOUR_CATEGORY_GAP) continue;
      neighbourFlags.push({
        cities: [a, b],
        provinces: [ca.province, cb.province],
        distanceKm: km,
        consensus: [CATEGORIES[consensus.get(a) as number], CATEGORIES[consensus.get(b) as number]] as [
          ForecastCategory,
          ForecastCategory,
        ],
        categoriesApart: gap,
      });
    }
  }
  return { validDate: q.validDate, distanceKm: q.distanceKm, cities, neighbourFlags };
}

export interface ConsultationDeps {
  forecasts: ForecastSource;
  versionAt: (atMs: number) => Promise<StationListVersion | undefined>;
}

/** `GET /v1/forecasts/consultation?validDate=`: the forecasts in force now for the day, and the list of that day. */
export async function forecastConsultation(
  deps: ConsultationDeps,
  q: ConsultationQuery,
): Promise<ConsultationResponse> {
  const [forecasts, version] = await Promise.all([
    deps.forecasts.inForce({ fromDay: q.validDate, toDay: q.validDate }),
    deps.versionAt(cstMidnightMs(q.validDate) + 12 * HOUR_MS), // noon CST: the list of that day
  ]);
  return consult(forecasts, version?.stations ?? [], q);
}
