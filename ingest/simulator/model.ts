import type { Pollutant } from '../../schemas/pollutant';
import type { Province, Station } from '../../schemas/station';
import { gaussian, keyOf, uniform } from './random';
import { HOUR_FACTOR, MONTH_FACTOR, OZONE_MONTH, TRAFFIC_FACTOR } from './shape';

const HOUR_MS = 3_600_000;
const CST_MS = 8 * HOUR_MS;

/**
 * The simulator's ground truth for source apportionment: who sends pollution where, how fast.
 * A receiving province's episode process includes `coefficient ×` the source province's own
 * (local) episode process `lagHours` earlier. No other links exist (e.g. nothing reaches Anhui).
 */
export interface TransportLink {
  from: Province;
  to: Province;
  lagHours: number;
  coefficient: number;
}

export const TRANSPORT_LINKS: readonly TransportLink[] = [
  { from: 'anhui', to: 'jiangsu', lagHours: 6, coefficient: 0.6 },
  { from: 'jiangsu', to: 'shanghai', lagHours: 3, coefficient: 0.6 },
  { from: 'zhejiang', to: 'shanghai', lagHours: 4, coefficient: 0.4 },
];

/** AR(1) persistence per hour: shared weather ~3-day memory, provincial episodes ~1 day. */
const WEATHER_PHI = 0.985;
const EPISODE_PHI = 0.95;
/** Truncation of the AR sums: the weight left beyond is φ^K < 1 %. */
const WEATHER_TERMS = 320;
const EPISODE_TERMS = 96;
const REGIONAL_PM25 = 30; // µg/m³ before the seasonal factor: annual means land near 30–45

export interface HourTruth {
  /** Regional background PM2.5 at the station's city (µg/m³), before noise. */
  background: number;
  /** The city's local increment (µg/m³); zero at control and rural stations. */
  localIncrement: number;
}

export interface StationHour {
  values: Record<Pollutant, number>;
  truth: HourTruth;
}

/** CST calendar fields of an hour-ending instant. */
export function cstFields(hourEndingMs: number): { month: number; hour: number; day: number } {
  const d = new Date(hourEndingMs + CST_MS);
  return { month: d.getUTCMonth(), hour: d.getUTCHours(), day: Math.floor((hourEndingMs + CST_MS) / 86_400_000) };
}

/**
 * The generator: a pure function of (seed, station, hour) with a small cache of the shared
 * processes. Components, all multiplicative on PM2.5 and documented in ingest/README.md:
 * seasonal × diurnal shape of the real Shanghai series; a regional weather process shared by
 * every province (stagnation lifts all together); a provincial episode process with transport
 * along TRANSPORT_LINKS; a per-city local increment with a traffic-shaped daily cycle.
 */
export function createModel(seed: number) {
  const weatherCache = new Map<number, number>();
  const localEpisodeCache = new Map<string, number>();

  const ar = (key: number, hour: number, phi: number, terms: number): number => {
    let s = 0;
    let w = 1;
    for (let k = 0; k < terms; k++, w *= phi) s += w * gaussian(seed, key, hour - k);
    return s * Math.sqrt(1 - phi * phi);
  };
  const bounded = <K, V>(m: Map<K, V>, k: K, make: () => V): V => {
    let v = m.get(k);
    if (v === undefined) {
      if (m.size > 50_000) m.clear();
      v = make();
      m.set(k, v);
    }
    return v;
  };

  /** The shared regional weather process (unit variance). */
  const weather = (hour: number): number => bounded(weatherCache, hour, () => ar(keyOf('weather'), hour, WEATHER_PHI, WEATHER_TERMS));
  /** A province's own episode process (unit variance), before anything transported in. */
  const localEpisode = (p: Province, hour: number): number =>
    bounded(localEpisodeCache, `${p}|${hour}`, () => ar(keyOf(`episode:${p}`), hour, EPISODE_PHI, EPISODE_TERMS));
  /** A province's episode process including what arrives along the transport links. */
  const episode = (p: Province, hour: number): number =>
    localEpisode(p, hour) + TRANSPORT_LINKS.filter((l) => l.to === p).reduce((s, l) => s + l.coefficient * localEpisode(l.from, hour - l.lagHours), 0);

  const cityFactor = (city: string): number => 0.85 + 0.3 * uniform(seed, keyOf(`city:${city}`));
  /** Local share of PM2.5 a city adds over the background, 10–35 %. */
  const localShare = (city: string): number => 0.1 + 0.25 * uniform(seed, keyOf(`local:${city}`));
  /** Rural and control stations see the background only: control sites, and ~15 % of the rest. */
  const isBackgroundSite = (s: Station): boolean => s.control || uniform(seed, keyOf(`rural:${s.code}`)) < 0.15;

  function stationHour(s: Station, hourEndingMs: number): StationHour {
    const hour = Math.round(hourEndingMs / HOUR_MS);
    const { month, hour: label } = cstFields(hourEndingMs);
    const sk = keyOf(s.code);
    const w = weather(hour);
    const e = episode(s.province, hour);
    const background = REGIONAL_PM25 * cityFactor(s.city) * (MONTH_FACTOR[month] ?? 1) * (HOUR_FACTOR[label] ?? 1) * Math.exp(0.35 * w + 0.3 * e);
    const localIncrement = isBackgroundSite(s) ? 0 : background * localShare(s.city) * (TRAFFIC_FACTOR[label] ?? 1);
    const noise = (k: number, sd: number): number => Math.exp(sd * gaussian(seed, sk, hour, k));
    const pm25 = Math.max(2, (background + localIncrement) * noise(1, 0.12));
    const pm10 = pm25 * (1.45 + 0.15 * uniform(seed, sk, hour, 2)) + 8 * Math.max(0, gaussian(seed, keyOf('dust'), Math.floor(hour / 24)));
    const traffic = TRAFFIC_FACTOR[label] ?? 1;
    const no2 = Math.max(2, (12 + 28 * traffic * (isBackgroundSite(s) ? 0.4 : 1)) * (0.7 + 0.5 * (MONTH_FACTOR[month] ?? 1)) * Math.exp(0.25 * w) * noise(3, 0.15));
    const so2 = Math.max(2, (4 + 5 * (MONTH_FACTOR[month] ?? 1)) * Math.exp(0.2 * w + 0.15 * e) * noise(4, 0.2));
    const co = Math.max(0.1, 0.35 + 0.006 * pm25 + 0.1 * traffic);
    // Photochemistry: an afternoon peak (14–16 h) scaled by the season, titrated by NO2 at night.
    const sun = Math.max(0, Math.sin((Math.PI * (label - 7)) / 12)) ** 1.5;
    const o3 = Math.max(2, (25 + 170 * (OZONE_MONTH[month] ?? 0.5) * sun * Math.exp(0.2 * gaussian(seed, keyOf('o3day'), Math.floor(hour / 24))) - 0.4 * no2 * (1 - sun)) * noise(5, 0.1));
    return {
      values: { pm25, pm10, o3, no2, so2, co },
      truth: { background, localIncrement },
    };
  }

  return { stationHour, weather, localEpisode, episode, isBackgroundSite, localShare };
}

export type Model = ReturnType<typeof createModel>;
