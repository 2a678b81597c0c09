import type { Province, Station, StationListVersion } from '../../schemas';
import { cityMean } from './city-values';
import type { DailyStatistic, StationDay } from './stats-queries';

/**
 * From stations to cities, provinces and the region (docs/standards.md §3.3): a city's daily value is
 * the arithmetic mean of its stations' valid daily values, formed and rounded as the national
 * centre does (`cityMean`, §3.5), using the station list in force on that day; control sites
 * (对照点) are left out unless asked for (a switch). Province and region values are arithmetic
 * means of city values, never pools of stations. City MDA8 here is the mean of station MDA8s (the
 * default; `withCityMda8` in city-mda8.ts puts the MDA8 of the city's hourly O3 in its place).
 */
export interface AreaDay {
  area: string;
  day: string;
  statistic: DailyStatistic;
  value: number;
  /** Stations (for a city) or cities (for a province or region) averaged. */
  n: number;
}

export interface AreaOptions {
  includeControl?: boolean;
}

/** The 31 YRD cities of the 2023 action plan (docs/standards.md §5.1; the exact list is unverified). */
export const YRD31: readonly string[] = [
  '上海',
  '南京',
  '无锡',
  '徐州',
  '常州',
  '苏州',
  '南通',
  '连云港',
  '淮安',
  '盐城',
  '扬州',
  '镇江',
  '泰州',
  '宿迁',
  '杭州',
  '宁波',
  '嘉兴',
  '湖州',
  '绍兴',
  '舟山',
  '合肥',
  '芜湖',
  '蚌埠',
  '淮南',
  '马鞍山',
  '淮北',
  '滁州',
  '阜阳',
  '宿州',
  '六安',
  '亳州',
];

const key = (a: string, day: string, s: string): string => `${a}|${day}|${s}`;

function mean(
  groups: Map<string, { area: string; day: string; statistic: DailyStatistic; values: number[] }>,
): AreaDay[] {
  return [...groups.values()].map((g) => ({
    area: g.area,
    day: g.day,
    statistic: g.statistic,
    value: g.values.reduce((a, b) => a + b, 0) / g.values.length,
    n: g.values.length,
  }));
}

/** A station's entry in the list in force on a day (undefined: not on that day's list), indexed once per version. */
function stationLookup(
  versionAt: (day: string) => StationListVersion | undefined,
): (code: string, day: string) => Station | undefined {
  const lookups = new Map<string, Map<string, Station>>();
  return (code, day) => {
    const v = versionAt(day);
    if (!v) return undefined;
    let index = lookups.get(v.version);
    if (!index) lookups.set(v.version, (index = new Map(v.stations.map((s) => [s.code, s]))));
    return index.get(code);
  };
}

/**
 * A station's own daily values as an area of its own: its valid days while it is on the list in
 * force that day (docs/standards.md §3.3: the list valid for the period), control site or not.
 */
export function stationOwnDays(
  stationDays: readonly StationDay[],
  versionAt: (day: string) => StationListVersion | undefined,
): AreaDay[] {
  const stationOn = stationLookup(versionAt);
  return stationDays.flatMap((d) =>
    d.valid && d.value !== null && stationOn(d.station, d.day)
      ? [{ area: d.station, day: d.day, statistic: d.statistic, value: d.value, n: 1 }]
      : [],
  );
}

export function cityDays(
  stationDays: readonly StationDay[],
  versionAt: (day: string) => StationListVersion | undefined,
  opts: AreaOptions = {},
): AreaDay[] {
  const stationOn = stationLookup(versionAt);
  const groups = new Map<
    string,
    { area: string; day: string; statistic: DailyStatistic; values: { station: string; value: number }[] }
  >();
  for (const d of stationDays) {
    if (!d.valid || d.value === null) continue;
    const s = stationOn(d.station, d.day);
    if (!s || (s.control && !opts.includeControl)) continue;
    const k = key(s.city, d.day, d.statistic);
    const v = { station: d.station, value: d.value };
    const g = groups.get(k);
    if (g) g.values.push(v);
    else groups.set(k, { area: s.city, day: d.day, statistic: d.statistic, values: [v] });
  }
  // The centre's city value: station values at their precision, meaned in code order, rounded half up (§3.5).
  return [...groups.values()].map((g) => ({
    area: g.area,
    day: g.day,
    statistic: g.statistic,
    value: cityMean(g.statistic, g.values),
    n: g.values.length,
  }));
}

/** Means of city values over a set of cities, named `area` (a province, `yrd`, `yrd31`). */
export function meanOfCities(area: string, cities: readonly AreaDay[], include: (city: string) => boolean): AreaDay[] {
  const groups = new Map<string, { area: string; day: string; statistic: DailyStatistic; values: number[] }>();
  for (const c of cities) {
    if (!include(c.area)) continue;
    const k = key(area, c.day, c.statistic);
    const g = groups.get(k);
    if (g) g.values.push(c.value);
    else groups.set(k, { area, day: c.day, statistic: c.statistic, values: [c.value] });
  }
  return mean(groups);
}

/** The cities of a province in a station list. */
export function citiesOf(version: StationListVersion, province: Province): Set<string> {
  return new Set(version.stations.filter((s) => s.province === province).map((s) => s.city));
}

/** The stations of an area: a station code, a city name, a province id, or a region (`yrd`, `yrd31`). */
export function stationsOfArea(
  stations: readonly Station[],
  level: 'station' | 'city' | 'province' | 'region',
  id: string,
): Station[] {
  return stations.filter((s) => {
    switch (level) {
      case 'station':
        return s.code === id;
      case 'city':
        return s.city === id;
      case 'province':
        return s.province === id;
      case 'region':
        return id === 'yrd' || (id === 'yrd31' && YRD31.includes(s.city));
    }
  });
}

/**
 * The station lists as area statistics should see them: with CITY_MEANS_INCLUDE_CONTROL_SITES
 * the control sites count like any station in city means (and so in provinces and regions);
 * otherwise unchanged. Station listings and the regional background keep the real flags.
 */
export function listsForStatistics(
  versions: readonly StationListVersion[],
  includeControlSites: boolean,
): StationListVersion[] {
  return includeControlSites
    ? versions.map((v) => ({ ...v, stations: v.stations.map((s) => (s.control ? { ...s, control: false } : s)) }))
    : [...versions];
}

/**
 * The versions in force on some day of [fromDay, toDay] (both included), oldest first: the one in
 * force on `fromDay` (by {@link versionOn}) and every later one valid from a day of the span.
 */
export function versionsDuring(
  versions: readonly StationListVersion[],
  fromDay: string,
  toDay: string,
): StationListVersion[] {
  const first = versionOn(versions, fromDay);
  return [...versions]
    .sort((a, b) => a.validFrom.localeCompare(b.validFrom))
    .filter((v) => v === first || (v.validFrom > fromDay && v.validFrom <= toDay));
}

/**
 * The stations of an area on any list in force during [fromDay, toDay], each once (its entry in the
 * latest of those lists): what to read for the span. Which of them count on a day is that day's
 * list's business ({@link cityDays}, {@link stationOwnDays}).
 */
export function stationsOfAreaDuring(
  versions: readonly StationListVersion[],
  level: 'station' | 'city' | 'province' | 'region',
  id: string,
  fromDay: string,
  toDay: string,
): Station[] {
  const byCode = new Map<string, Station>();
  for (const v of versionsDuring(versions, fromDay, toDay)) {
    for (const s of stationsOfArea(v.stations, level, id)) byCode.set(s.code, s);
  }
  return [...byCode.values()];
}

/** The version in force on a day: the latest valid from that day or earlier, else the earliest. */
export function versionOn(versions: readonly StationListVersion[], day: string): StationListVersion | undefined {
  const sorted = [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  return sorted.filter((v) => v.validFrom <= day).at(-1) ?? sorted[0];
}
