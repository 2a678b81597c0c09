import { percentile } from '../stats/percentile';

export type BackgroundMethod = 'control' | 'percentile';

export interface RegionalStation {
  code: string;
  /** The city's own non-control stations make the city value. */
  inCity: boolean;
  control: boolean;
  /** Hourly values aligned with the hours of the analysis (null = missing or not valid). */
  values: readonly (number | null)[];
}

export interface RegionalOptions {
  method: BackgroundMethod;
  /** The low percentile of the surrounding stations' values each hour (method `percentile`). */
  percentile?: number;
}

export interface RegionalHour {
  city: number;
  background: number;
  increment: number;
}

/**
 * The urban-increment (Lenschow) split of a city's hourly concentration:
 * background(h) = the mean of the city's designated control stations (对照点) reporting that
 * hour (`control`), or the `percentile`-th (default 10th, HJ 663 formula) of every surrounding
 * station that hour (`percentile`: the surroundings are chosen by the caller, e.g. within 50 km);
 * city(h) = the mean of the city's non-control stations; increment = city − background (negative
 * increments are kept: they say the background stations read higher that hour). Hours lacking
 * either side are skipped.
 */
export function regionalHours(
  stations: readonly RegionalStation[],
  hours: number,
  opts: RegionalOptions,
): (RegionalHour | null)[] {
  const p = opts.percentile ?? 10;
  const city = stations.filter((s) => s.inCity && !s.control);
  const backgroundPool = opts.method === 'control' ? stations.filter((s) => s.control && s.inCity) : stations;
  return Array.from({ length: hours }, (_, h) => {
    const cityValues = city.flatMap((s) => (s.values[h] == null ? [] : [s.values[h] as number]));
    const pool = backgroundPool.flatMap((s) => (s.values[h] == null ? [] : [s.values[h] as number]));
    if (cityValues.length === 0 || pool.length === 0) return null;
    const cityMean = cityValues.reduce((a, b) => a + b, 0) / cityValues.length;
    const background =
      opts.method === 'control'
        ? pool.reduce((a, b) => a + b, 0) / pool.length
        : (percentile(
            pool.sort((a, b) => a - b),
            p,
          ) as number);
    return { city: cityMean, background, increment: cityMean - background };
  });
}

export interface RegionalPeriod {
  period: string;
  hours: number;
  city: number;
  background: number;
  increment: number;
  /** increment / city of the period's means. */
  localShare: number;
}

/** Period means of the hourly split; `periodOf` maps an hour index to its label (day, month, year). */
export function regionalPeriods(
  split: readonly (RegionalHour | null)[],
  periodOf: (hour: number) => string,
): RegionalPeriod[] {
  const acc = new Map<string, { n: number; city: number; background: number }>();
  split.forEach((x, h) => {
    if (!x) return;
    const k = periodOf(h);
    const a = acc.get(k) ?? { n: 0, city: 0, background: 0 };
    a.n++;
    a.city += x.city;
    a.background += x.background;
    acc.set(k, a);
  });
  return [...acc].map(([period, a]) => {
    const city = a.city / a.n;
    const background = a.background / a.n;
    return {
      period,
      hours: a.n,
      city,
      background,
      increment: city - background,
      localShare: city > 0 ? (city - background) / city : 0,
    };
  });
}
