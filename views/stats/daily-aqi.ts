import { addDays, cstMidnightMs, HOUR_MS, hourEndingDayOf } from '../../kernel';
import type { AqiQuery, AqiResponse, HourlyAqiRow, StationListVersion } from '../../schemas';
import { dailyAqi, type AqiRounding, type DailyInput } from './aqi';
import { cityDays, stationsOfArea } from './areas';
import { type CityMda8Source, withCityMda8 } from './city-mda8';
import { type HourlyAqiDeps, realTimeRows } from './hourly-aqi';
import { movingRows } from './moving-aqi-rows';
import { regimeOfDay, VALIDITY } from './standards';
import type { StationDay, StatsQueries } from './stats-queries';

export interface DailyAqiDeps {
  queries: StatsQueries;
  /** The station list in force on a day. */
  versionAt: (day: string) => Promise<StationListVersion | undefined>;
  /** For `cityMda8=city-hourly`: the series statement forms a city's MDA8 from its hourly O3. */
  cityMda8?: CityMda8Source;
  /** A day in progress: its hours so far and the 24-h moving AQI, as `/v1/aqi/hourly` reads them. */
  live: HourlyAqiDeps;
  /** The answer's instant when no `asOf` is asked (ms since the epoch): the clock by default. */
  now?: () => number;
}

const INPUT_OF: Record<string, keyof DailyInput> = {
  so2: 'so2',
  no2: 'no2',
  co: 'co',
  pm10: 'pm10',
  pm25: 'pm25',
  o3_1h_max: 'o3_1h',
  o3_mda8: 'o3_8h',
};

function score(
  area: string,
  values: readonly { statistic: string; value: number }[],
  regime: AqiResponse['regime'],
  rounding: AqiRounding,
): AqiResponse['results'][number] {
  const input: DailyInput = {};
  const concentrations: Record<string, number> = {};
  for (const v of values) {
    const k = INPUT_OF[v.statistic];
    if (!k) continue;
    input[k] = v.value;
    concentrations[v.statistic] = v.value;
  }
  const r = dailyAqi(regime, input, rounding);
  return {
    area,
    aqi: r.aqi,
    iaqi: r.iaqi as Record<string, number>,
    primary: r.primary,
    category: r.category ? { level: r.category.level, zh: r.category.zh, en: r.category.en } : null,
    concentrations,
    missing: r.missing,
    partial: r.partial,
    withheld: r.withheld,
  };
}

/** What {@link areaDailyAqiDays} answers for: an area and a span of CST days. */
export interface DailyAqiSpan {
  level: AqiQuery['level'];
  id: string;
  fromDay: string;
  toDay: string;
  asOf?: string;
  cityMda8?: AqiQuery['cityMda8'];
  /** A day of the span in progress, and how many of its hours (labels 1…hours) have ended. */
  inProgress?: { day: string; hours: number };
}

/** The 8-h windows of a day (labels 8…24) and how many of them a day's MDA8 needs (docs/standards.md §2.1). */
const WINDOWS_PER_DAY = 17;

/**
 * Whether a station's statistic of a day in progress stands on enough of the hours so far: the
 * complete day's rule scaled to the hours that have ended — 20 of 24 valid hours becomes
 * ⌈hours × 20/24⌉ (12 of the first 14), 14 of the 17 8-h windows ⌈windows × 14/17⌉ of the windows
 * ended (none before label 8) — so the day so far converges on the complete day at its last hour,
 * and a station that reported two hours does not stand for the city all day. A project choice: the
 * standards define only complete days. A statistic valid by the complete day's rule stays valid.
 */
function validSoFar(d: StationDay, hours: number): boolean {
  if (d.valid) return true;
  if (d.value === null) return false;
  if (d.statistic === 'o3_mda8') {
    const windows = Math.max(0, hours - 7);
    return windows > 0 && d.nValid >= Math.ceil((windows * VALIDITY.windowsPerMda8) / WINDOWS_PER_DAY);
  }
  return hours > 0 && d.nValid >= Math.ceil((hours * VALIDITY.hoursPerDay) / 24);
}

function daysOf(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  for (let d = fromDay; d <= toDay; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The daily AQI of an area on every day of a span, each day exactly as `GET /v1/aqi` answers it
 * for that day (the station list and the regime of the day, docs/standards.md §3.3 and §4) —
 * read from the store in one query for the span, not one per day, so a verification over a year
 * and its climatology's earlier years stays one read per span.
 */
export async function areaDailyAqiDays(
  deps: DailyAqiDeps,
  q: DailyAqiSpan,
): Promise<Map<string, AqiResponse['results']>> {
  const days = daysOf(q.fromDay, q.toDay);
  const versions = new Map<string, StationListVersion | undefined>();
  for (const day of days) versions.set(day, await deps.versionAt(day));
  const inScopeOn = (day: string) => stationsOfArea(versions.get(day)?.stations ?? [], q.level, q.id);
  const codes = [...new Set(days.flatMap((day) => inScopeOn(day).map((s) => s.code)))];
  const read: StationDay[] =
    codes.length === 0
      ? []
      : await deps.queries.stationDaily({
          stations: codes,
          fromDay: q.fromDay,
          toDay: q.toDay,
          asOfMs: q.asOf === undefined ? undefined : Date.parse(q.asOf),
        });
  const soFar = q.inProgress;
  const stationDays =
    soFar === undefined
      ? read
      : read.map((d) => (d.day === soFar.day && !d.valid && validSoFar(d, soFar.hours) ? { ...d, valid: true } : d));
  /** Rows grouped by `area|day`. */
  const grouped = <T extends { day: string }>(rows: readonly T[], area: (r: T) => string): Map<string, T[]> => {
    const out = new Map<string, T[]>();
    for (const r of rows) {
      const k = `${area(r)}|${r.day}`;
      const g = out.get(k);
      if (g) g.push(r);
      else out.set(k, [r]);
    }
    return out;
  };
  const out = new Map<string, AqiResponse['results']>();
  if (q.level === 'station') {
    const valid = grouped(
      stationDays.filter((d) => d.valid && d.value !== null),
      (d) => d.station,
    );
    for (const day of days) {
      const regime = regimeOfDay(day);
      out.set(
        day,
        inScopeOn(day).map((s) =>
          score(
            s.code,
            (valid.get(`${s.code}|${day}`) ?? []) as { statistic: string; value: number }[],
            regime,
            'station',
          ),
        ),
      );
    }
    return out;
  }
  const names = [...new Set(days.flatMap((day) => inScopeOn(day).map((s) => s.city)))].sort();
  const formed = cityDays(stationDays, (day) => versions.get(day));
  const cities =
    q.cityMda8 === 'city-hourly' && deps.cityMda8
      ? await withCityMda8(q.cityMda8, formed, deps.cityMda8, {
          names,
          fromDay: q.fromDay,
          toDay: q.toDay,
          asOf: q.asOf,
        })
      : formed;
  const ofCity = grouped(cities, (c) => c.area);
  for (const day of days) {
    const regime = regimeOfDay(day);
    const namesOfDay = [...new Set(inScopeOn(day).map((s) => s.city))].sort();
    out.set(
      day,
      namesOfDay.map((city) => score(city, ofCity.get(`${city}|${day}`) ?? [], regime, 'city')),
    );
  }
  return out;
}

/** The latest hour-ending instant at or before `ms` (CST is a whole number of hours from UTC). */
const hourEndingAtOrBefore = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/**
 * A day in progress: the latest hour with data of each result among the 24 hours up to the answer's
 * instant (its real-time rows, window=1h, as `/v1/aqi/hourly` forms them), the 24-h moving AQI at
 * that hour (window=24h, docs/standards.md §4.9), and the day's latest such hour.
 */
async function latestMoving(
  deps: DailyAqiDeps,
  q: AqiQuery,
  ids: string[],
  boundMs: number,
): Promise<{ latest24h: Map<string, HourlyAqiRow | null>; through: string | null }> {
  const level = q.level === 'station' ? 'station' : 'city';
  const versions = await deps.live.versions();
  const request = { level, ids, fromMs: boundMs - 23 * HOUR_MS, toMs: boundMs + HOUR_MS, asOf: q.asOf } as const;
  const hourly = ids.length === 0 ? [] : await realTimeRows(deps.live, request, versions);
  const lastOf = new Map<string, string>();
  for (const r of hourly) {
    if (Object.keys(r.concentrations).length === 0) continue;
    const seen = lastOf.get(r.id);
    if (seen === undefined || r.time > seen) lastOf.set(r.id, r.time);
  }
  const dayStart = cstMidnightMs(q.date);
  const times = [...lastOf.values()].filter((t) => Date.parse(t) > dayStart).sort();
  const hours = [...new Set(lastOf.values())].map(Date.parse);
  const moving =
    hours.length === 0
      ? []
      : await movingRows(
          deps.live,
          { ...request, fromMs: Math.min(...hours), toMs: Math.max(...hours) + HOUR_MS },
          versions,
        );
  const byKey = new Map(moving.map((r) => [`${r.id}|${r.time}`, r]));
  const latest24h = new Map<string, HourlyAqiRow | null>();
  for (const id of ids) {
    const t = lastOf.get(id);
    latest24h.set(id, (t !== undefined && byKey.get(`${id}|${t}`)) || null);
  }
  return { latest24h, through: times.at(-1) ?? null };
}

/**
 * `GET /v1/aqi`: the daily AQI of HJ 633 for a station, or for a city from its city-averaged
 * concentrations (docs/standards.md §3.3), under the regime of the day. A province or a region
 * answers with each of its cities.
 */
export async function areaDailyAqi(deps: DailyAqiDeps, q: AqiQuery): Promise<AqiResponse> {
  // The day is in progress until the hour after its last (label 24) has ended: it is the natural
  // day of the latest hour ended at the answer's instant, or a later one.
  const boundMs = hourEndingAtOrBefore(q.asOf === undefined ? (deps.now ?? Date.now)() : Date.parse(q.asOf));
  const provisional = q.date >= hourEndingDayOf(boundMs);
  const days = await areaDailyAqiDays(deps, {
    level: q.level,
    id: q.id,
    fromDay: q.date,
    toDay: q.date,
    asOf: q.asOf,
    cityMda8: q.cityMda8,
    // Labels 1…hours of the day have ended (0 before its first, 24 once its last has).
    inProgress: provisional
      ? { day: q.date, hours: Math.max(0, Math.min(24, (boundMs - cstMidnightMs(q.date)) / HOUR_MS)) }
      : undefined,
  });
  const results = days.get(q.date) ?? [];
  const answer = { level: q.level, id: q.id, date: q.date, regime: regimeOfDay(q.date), provisional };
  if (!provisional) return { ...answer, results };
  const live = await latestMoving(
    deps,
    q,
    results.map((r) => r.area),
    boundMs,
  );
  return {
    ...answer,
    through: live.through,
    results: results.map((r) => ({ ...r, latest24h: live.latest24h.get(r.area) ?? null })),
  };
}
