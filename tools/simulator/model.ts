import { CST_OFFSET_MS, cstDayNumberOf, HOUR_MS } from '../../kernel';
import type { Pollutant, Province, Station } from '../../schemas';
import { gaussian, keyOf, uniform } from './random';
import { HOUR_FACTOR, MONTH_FACTOR, OZONE_MONTH, TRAFFIC_FACTOR } from './shape';

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

/**
 * The simulator's ground truth for factor analysis: five sources, each a fixed profile of what it
 * adds to each species per unit of its contribution. PM sources are measured in µg/m³ of the
 * PM2.5 they add; the photochemical source in µg/m³ of O3. Every species is the sum of the
 * sources' contributions times these profiles (with measurement noise), so a factorisation of the
 * species matrix should find these rows again. coarse = PM10 − PM2.5.
 */
export const SOURCE_SPECIES = [
  'pm25',
  'coarse',
  'so2',
  'no2',
  'co',
  'o3',
  'so4',
  'no3',
  'nh4',
  'oc',
  'ec',
  'cl',
  'ca',
] as const;
export type SourceSpecies = (typeof SOURCE_SPECIES)[number];
export const SOURCES = ['secondary', 'coal', 'traffic', 'dust', 'photochemical'] as const;
export type Source = (typeof SOURCES)[number];
export const SOURCE_PROFILES: Readonly<Record<Source, Readonly<Record<SourceSpecies, number>>>> = {
  secondary: {
    pm25: 1,
    coarse: 0.1,
    so2: 0,
    no2: 0,
    co: 0,
    o3: 0,
    so4: 0.3,
    no3: 0.32,
    nh4: 0.18,
    oc: 0.1,
    ec: 0,
    cl: 0,
    ca: 0,
  },
  coal: {
    pm25: 1,
    coarse: 0.15,
    so2: 1.2,
    no2: 0.2,
    co: 0.025,
    o3: 0,
    so4: 0.08,
    no3: 0,
    nh4: 0.01,
    oc: 0.15,
    ec: 0.06,
    cl: 0.05,
    ca: 0.01,
  },
  traffic: {
    pm25: 1,
    coarse: 0.4,
    so2: 0,
    no2: 4,
    co: 0.06,
    o3: 0,
    so4: 0.01,
    no3: 0.01,
    nh4: 0,
    oc: 0.35,
    ec: 0.3,
    cl: 0,
    ca: 0.005,
  },
  dust: {
    pm25: 1,
    coarse: 4,
    so2: 0,
    no2: 0,
    co: 0.002,
    o3: 0,
    so4: 0.02,
    no3: 0,
    nh4: 0,
    oc: 0.03,
    ec: 0.005,
    cl: 0.005,
    ca: 0.1,
  },
  photochemical: {
    pm25: 0,
    coarse: 0,
    so2: 0,
    no2: 0,
    co: 0,
    o3: 1,
    so4: 0,
    no3: 0,
    nh4: 0,
    oc: 0,
    ec: 0,
    cl: 0,
    ca: 0,
  },
};

/** Species a supersite measures beyond the criteria pollutants (µg/m³): ions, OC/EC, elements. */
export const SUPERSITE_SPECIES = ['so4', 'no3', 'nh4', 'oc', 'ec', 'cl', 'ca'] as const;
export type SupersiteSpecies = (typeof SUPERSITE_SPECIES)[number];
/** The capital cities whose first urban station (by code) is the province's supersite. */
const SUPERSITE_CITIES: Readonly<Record<Province, string>> = {
  shanghai: '上海',
  jiangsu: '南京',
  zhejiang: '杭州',
  anhui: '合肥',
};

/** Winter heating and summer power demand lift coal burning (a documented synthetic shape). */
const COAL_MONTH: readonly number[] = [1, 0.9, 0.6, 0.3, 0.2, 0.25, 0.3, 0.3, 0.2, 0.3, 0.6, 0.9];

export interface HourTruth {
  /** Regional background PM2.5 at the station's city (µg/m³), before noise. */
  background: number;
  /** The city's local increment (µg/m³); zero at control and rural stations. */
  localIncrement: number;
  /** Each source's contribution (SOURCE_PROFILES units), before noise. */
  sources: Record<Source, number>;
}

export interface StationHour {
  values: Record<Pollutant, number>;
  truth: HourTruth;
}

/** CST calendar fields of an hour-ending instant. */
export function cstFields(hourEndingMs: number): { month: number; hour: number; day: number } {
  const d = new Date(hourEndingMs + CST_OFFSET_MS);
  return { month: d.getUTCMonth(), hour: d.getUTCHours(), day: cstDayNumberOf(hourEndingMs) };
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
  const weather = (hour: number): number =>
    bounded(weatherCache, hour, () => ar(keyOf('weather'), hour, WEATHER_PHI, WEATHER_TERMS));
  /** A province's own episode process (unit variance), before anything transported in. */
  const localEpisode = (p: Province, hour: number): number =>
    bounded(localEpisodeCache, `${p}|${hour}`, () => ar(keyOf(`episode:${p}`), hour, EPISODE_PHI, EPISODE_TERMS));
  /** A province's episode process including what arrives along the transport links. */
  const episode = (p: Province, hour: number): number =>
    localEpisode(p, hour) +
    TRANSPORT_LINKS.filter((l) => l.to === p).reduce(
      (s, l) => s + l.coefficient * localEpisode(l.from, hour - l.lagHours),
      0,
    );

  const cityFactor = (city: string): number => 0.85 + 0.3 * uniform(seed, keyOf(`city:${city}`));
  /** Local share of PM2.5 a city adds over the background, 10–35 %. */
  const localShare = (city: string): number => 0.1 + 0.25 * uniform(seed, keyOf(`local:${city}`));
  /** Rural and control stations see the background only: control sites, and ~15 % of the rest. */
  const isBackgroundSite = (s: Station): boolean => s.control || uniform(seed, keyOf(`rural:${s.code}`)) < 0.15;

  /** A province's coal-burning intensity process (unit variance), independent of the episodes. */
  const coalProcess = (p: Province, hour: number): number =>
    bounded(localEpisodeCache, `coal|${p}|${hour}`, () => ar(keyOf(`coal:${p}`), hour, EPISODE_PHI, EPISODE_TERMS));

  /** A province's rain process (unit variance, a few hours' memory): showers start at any hour. */
  const rain = (p: Province, hour: number): number =>
    bounded(localEpisodeCache, `rain|${p}|${hour}`, () => ar(keyOf(`rain:${p}`), hour, 0.8, 24));

  /** A province's dust process (unit variance, about a day's memory): dusty spells at any hour. */
  const dusty = (p: Province, hour: number): number =>
    bounded(localEpisodeCache, `dust|${p}|${hour}`, () => ar(keyOf(`dust:${p}`), hour, 0.95, 96));

  /** A province's traffic-volume process (unit variance, about half a day's memory). */
  const trafficVolume = (p: Province, hour: number): number =>
    bounded(localEpisodeCache, `traffic|${p}|${hour}`, () => ar(keyOf(`traffic:${p}`), hour, 0.9, 48));

  function stationHour(s: Station, hourEndingMs: number): StationHour {
    const hour = Math.round(hourEndingMs / HOUR_MS);
    const { month, hour: label } = cstFields(hourEndingMs);
    const sk = keyOf(s.code);
    const w = weather(hour);
    const e = episode(s.province, hour);
    const season = MONTH_FACTOR[month] ?? 1;
    const traffic = TRAFFIC_FACTOR[label] ?? 1;
    const rural = isBackgroundSite(s);
    // The air mass: season × daily shape × shared weather × provincial episodes (with transport).
    // Every PM source scales with it — stagnation lifts them all, the confounder every real
    // analysis meets — and each varies on its own besides.
    const airMass =
      REGIONAL_PM25 * cityFactor(s.city) * season * (HOUR_FACTOR[label] ?? 1) * Math.exp(0.35 * w + 0.3 * e);
    // Rain washes secondary aerosol out of the province's air for a few hours (local sources go on).
    const washout = Math.exp(-0.8 * Math.max(0, rain(s.province, hour) - 0.5));
    // Traffic volume varies on its own too (weekdays, holidays, congestion): a provincial process.
    const volume = Math.exp(0.35 * trafficVolume(s.province, hour) - 0.06);
    const localIncrement = rural ? 0 : airMass * localShare(s.city) * traffic * volume;
    const sun = Math.max(0, Math.sin((Math.PI * (label - 7)) / 12)) ** 1.5;
    const day = Math.floor(hour / 24);
    const sources: Record<Source, number> = {
      secondary: airMass * washout,
      // Coal burning follows heating and its own provincial process.
      coal: airMass * 0.25 * (COAL_MONTH[month] ?? 0.5) * Math.exp(0.7 * coalProcess(s.province, hour) - 0.245),
      // Traffic: a regional part with the rush-hour cycle everywhere, and the city's local increment.
      traffic: airMass * 0.08 * traffic * volume + localIncrement,
      // Dust: the province's dusty days, raised most on windy afternoons; little on other days.
      dust: airMass * (0.002 + 0.17 * Math.max(0, dusty(s.province, hour) - 0.3) * (0.3 + sun)),
      // Photochemistry: an afternoon peak (14–16 h) scaled by the season and the day's weather;
      // at night NO titrates urban ozone down to a few µg/m³.
      photochemical: 3 + 200 * (OZONE_MONTH[month] ?? 0.5) * sun * Math.exp(0.2 * gaussian(seed, keyOf('o3day'), day)),
    };
    const species = (sp: SourceSpecies): number =>
      SOURCES.reduce((sum, src) => sum + sources[src] * SOURCE_PROFILES[src][sp], 0);
    const noise = (k: number, sd: number): number => Math.exp(sd * gaussian(seed, sk, hour, k));
    const pm25 = Math.max(2, species('pm25') * noise(1, 0.12));
    const pm10 = pm25 + species('coarse') * noise(2, 0.2);
    const no2 = Math.max(2, species('no2') * noise(3, 0.15));
    const so2 = Math.max(2, species('so2') * noise(4, 0.2));
    const co = Math.max(0.1, species('co') * noise(6, 0.12));
    const o3 = Math.max(2, species('o3') * noise(5, 0.1));
    return {
      values: { pm25, pm10, o3, no2, so2, co },
      truth: {
        background: sources.secondary + sources.coal + sources.traffic - localIncrement + sources.dust,
        localIncrement,
        sources,
      },
    };
  }

  /** The province's supersite: the first station (by code) of its capital that is not a background site. */
  const supersites = (stations: readonly Station[]): Station[] =>
    (Object.keys(SUPERSITE_CITIES) as Province[]).flatMap((p) => {
      const s = stations
        .filter((x) => x.province === p && x.city === SUPERSITE_CITIES[p] && !x.stopped && !isBackgroundSite(x))
        .sort((a, b) => a.code.localeCompare(b.code))[0];
      return s ? [s] : [];
    });

  /** A supersite's speciated hour: each species from the same source contributions, with its own noise. */
  function supersiteHour(s: Station, hourEndingMs: number): Record<SupersiteSpecies, number> {
    const { sources } = stationHour(s, hourEndingMs).truth;
    const hour = Math.round(hourEndingMs / HOUR_MS);
    const sk = keyOf(s.code);
    const out = {} as Record<SupersiteSpecies, number>;
    SUPERSITE_SPECIES.forEach((sp, i) => {
      const mean = SOURCES.reduce((sum, src) => sum + sources[src] * SOURCE_PROFILES[src][sp], 0);
      out[sp] = mean * Math.exp(0.1 * gaussian(seed, sk, hour, 20 + i));
    });
    return out;
  }

  return { stationHour, supersiteHour, supersites, weather, localEpisode, episode, isBackgroundSite, localShare };
}

export type Model = ReturnType<typeof createModel>;
