import { HOUR_MS, hourEndingDayOf, InputError } from '../../kernel';
import type { HourlyAqiRow, LatestAqiQuery, LatestAqiResponse, LatestAqiRow, StationListVersion } from '../../schemas';
import { roundGbt8170 } from './aqi';
import { stationsOfArea } from './areas';
import { cityMean, stationDecimals } from './city-values';
import { REAL_TIME_POLLUTANTS, realTimeRow, type RealTimePollutant } from './hourly-aqi';
import {
  MOVING_SOURCES,
  movingMean,
  O3_WINDOW_HOURS,
  stationMovingValues,
  type HourValues,
  type MovingSource,
  type MovingValues,
} from './moving-aqi';
import { stationHours } from './moving-aqi-rows';
import { resolveSeries, type SeriesQueries } from './series';
import { VALIDITY } from './standards';

export interface LatestAqiDeps {
  series: SeriesQueries;
  /** The station lists as area statistics see them (control sites applied, docs/standards.md §3.3). */
  versions: () => Promise<StationListVersion[]>;
}

/**
 * A station's last hour is looked for first among the last {@link RECENT_LOOKBACK_DAYS} days before
 * the latest hour any station of the area holds (FINAL stays on the newest hours); the stations it
 * misses are looked for again over everything stored (the primary key starts with the station, so
 * a silent station's rows are few to read) — docs/standards.md §4.10.
 */
const RECENT_LOOKBACK_DAYS = 2;
/** lastHours' "no bound". */
const ALL_DAYS = 0;

/** Hours before an hour that its 24-h moving means reach back to (§4.9). */
const LOOKBACK_MS = 23 * HOUR_MS;

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** What each row shows beside its AQI: the 24-h moving PM and the 8-h moving O3 ending at its hour. */
type Moving = Pick<LatestAqiRow, 'pm25_24h' | 'pm10_24h' | 'o3_8h'>;

type StationHours = Partial<Record<MovingSource, HourValues>>;

/**
 * A city's value of `pollutant` at `ms` as the centre forms it (§3.3): the mean of its stations
 * holding one then, or null when none does.
 */
function cityValueAt(
  stations: readonly { code: string; hours: StationHours }[],
  pollutant: RealTimePollutant,
  ms: number,
) {
  const values = stations.flatMap((s) => {
    const v = s.hours[pollutant]?.get(ms);
    return v === undefined ? [] : [{ station: s.code, value: v }];
  });
  return values.length === 0 ? null : cityMean(pollutant, values);
}

/**
 * The rows of one hour-ending instant `h` for the ids that last reported then: the real-time AQI as
 * `GET /v1/aqi/hourly` (window=1h) forms it ({@link realTimeRow}) and the moving values (§4.9) — a
 * city's each the mean of its stations' (§3.3), as the centre forms a city's 1-h, 24-h and 8-h
 * values. One read of the stations' 24 hours ending at `h` serves all of it: forming the cities'
 * hour from those hours here, rather than asking the store for the city hour as the hourly route
 * does, saves a second statement (~half of the ranking's time with a year stored); the two ways are
 * the same mean, and a test holds them equal on the real archive.
 */
async function rowsAt(
  deps: LatestAqiDeps,
  level: 'station' | 'city',
  ids: string[],
  h: number,
  versions: readonly StationListVersion[],
): Promise<Map<string, { aqi?: HourlyAqiRow; moving: Moving }>> {
  const spec = resolveSeries(
    { level, ids, pollutants: ['pm25'], resolution: 'hour', fromMs: h - LOOKBACK_MS, toMs: h + HOUR_MS },
    versions,
  );
  const hours = await stationHours(
    deps.series,
    spec.stations,
    { fromMs: h - LOOKBACK_MS, toMs: h + HOUR_MS },
    versions,
    MOVING_SOURCES,
  );
  const of = (code: string): MovingValues & { o3_8h?: number } => {
    const hs = hours.get(code) ?? {};
    const v: MovingValues & { o3_8h?: number } = stationMovingValues({ pm25: hs.pm25, pm10: hs.pm10 }, h);
    const o3 = hs.o3 && movingMean(hs.o3, h, O3_WINDOW_HOURS, VALIDITY.hoursPer8h);
    if (o3 !== undefined) v.o3_8h = roundGbt8170(o3, stationDecimals('o3'));
    return v;
  };
  const time = iso(h);
  const day = hourEndingDayOf(h);
  const out = new Map<string, { aqi?: HourlyAqiRow; moving: Moving }>();
  for (const id of ids) {
    let moving: Moving;
    let aqi: HourlyAqiRow | undefined;
    if (level === 'station') {
      const v = of(id);
      moving = { pm25_24h: v.pm25_24h ?? null, pm10_24h: v.pm10_24h ?? null, o3_8h: v.o3_8h ?? null };
      const hs = hours.get(id) ?? {};
      if (REAL_TIME_POLLUTANTS.some((p) => hs[p]?.has(h)))
        aqi = realTimeRow(id, time, 'station', (p) => hs[p]?.get(h) ?? null, hs.so2 ?? new Map());
    } else {
      const stations = spec.members
        .filter((m) => m.area === id && m.fromDay <= day && day <= m.toDay)
        .map((m) => ({ code: m.station, hours: hours.get(m.station) ?? {}, v: of(m.station) }));
      const mean = (k: 'pm25_24h' | 'pm10_24h' | 'o3_8h'): number | null => {
        const values = stations.flatMap((s) => (s.v[k] === undefined ? [] : [{ station: s.code, value: s.v[k] }]));
        return values.length === 0 ? null : cityMean(k, values);
      };
      moving = { pm25_24h: mean('pm25_24h'), pm10_24h: mean('pm10_24h'), o3_8h: mean('o3_8h') };
      const at = new Map(REAL_TIME_POLLUTANTS.map((p) => [p, cityValueAt(stations, p, h)]));
      if ([...at.values()].some((v) => v !== null)) {
        // The city's hourly SO2 of the 24 hours, for the 2012 rule of an SO2 1-h above 800 only.
        const so2 = new Map<number, number>();
        if ((at.get('so2') ?? 0) > 800)
          for (let t = h - LOOKBACK_MS; t <= h; t += HOUR_MS) {
            const v = cityValueAt(stations, 'so2', t);
            if (v !== null) so2.set(t, v);
          }
        aqi = realTimeRow(id, time, 'city', (p) => at.get(p) ?? null, so2);
      }
    }
    out.set(id, { aqi, moving });
  }
  return out;
}

/**
 * `GET /v1/aqi/latest` (docs/standards.md §4.10): every city (or station) of a province or region,
 * each at its own latest hour with data, ranked by AQI among those reporting the area's latest hour
 * (1 = cleanest, ties share a rank and the next skips: 1, 1, 3). A city silent that hour keeps its
 * last hour and has no rank; one without any hour is listed too — never dropped.
 */
export async function areaLatestAqi(deps: LatestAqiDeps, q: LatestAqiQuery): Promise<LatestAqiResponse> {
  const lastHours = deps.series.lastHours;
  if (!lastHours) throw new Error('areaLatestAqi: the series queries cannot find last hours');
  const versions = await deps.versions();
  const list = [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom)).at(-1);
  // The area's cities and stations as the latest list has them (a city's control sites are not in its values, §3.3).
  const stations = list ? stationsOfArea(list.stations, q.level, q.id) : [];
  if (stations.length === 0) {
    throw new InputError('QUERY_UNKNOWN_AREA', `id: no ${q.level} ${q.id} in the station list (see /v1/stations)`, {
      field: 'id',
      level: q.level,
      unknown: [q.id],
    });
  }
  const codes = stations.map((s) => s.code);
  const last = await lastHours(codes, RECENT_LOOKBACK_DAYS);
  const missed = codes.filter((c) => !last.has(c));
  if (missed.length > 0) for (const [c, ms] of await lastHours(missed, ALL_DAYS)) last.set(c, ms);
  const units = new Map<string, { city: string; lastMs?: number }>();
  for (const s of stations) {
    if (q.rows === 'city' && s.control) continue;
    const id = q.rows === 'city' ? s.city : s.code;
    const u = units.get(id) ?? { city: s.city };
    const ms = last.get(s.code);
    if (ms !== undefined && (u.lastMs === undefined || ms > u.lastMs)) u.lastMs = ms;
    units.set(id, u);
  }
  const times = [...units.values()].flatMap((u) => (u.lastMs === undefined ? [] : [u.lastMs]));
  const latest = times.length === 0 ? undefined : Math.max(...times);
  // One request per distinct hour: usually the latest, and a few silent cities' last hours.
  const byHour = new Map<number, string[]>();
  for (const [id, u] of units) if (u.lastMs !== undefined) byHour.set(u.lastMs, [...(byHour.get(u.lastMs) ?? []), id]);
  const at = new Map<string, { aqi?: HourlyAqiRow; moving: Moving }>();
  for (const [h, ids] of byHour) for (const [id, r] of await rowsAt(deps, q.rows, ids, h, versions)) at.set(id, r);
  const results: LatestAqiRow[] = [...units].map(([id, u]) => {
    const r = at.get(id);
    const a = r?.aqi;
    return {
      id,
      city: u.city,
      time: u.lastMs === undefined ? null : iso(u.lastMs),
      aqi: a?.aqi ?? null,
      category: a?.category ?? null,
      primary: a?.primary ?? [],
      ...(r?.moving ?? { pm25_24h: null, pm10_24h: null, o3_8h: null }),
      rank: null,
    };
  });
  // Competition ranking among the rows of the area's latest hour that have an AQI.
  const ranked = results.filter((r) => latest !== undefined && r.time === iso(latest) && r.aqi !== null);
  for (const r of ranked) r.rank = 1 + ranked.filter((o) => (o.aqi as number) < (r.aqi as number)).length;
  results.sort((a, b) =>
    a.rank !== null && b.rank !== null
      ? a.rank - b.rank || a.id.localeCompare(b.id)
      : a.rank !== null
        ? -1
        : b.rank !== null
          ? 1
          : a.id.localeCompare(b.id),
  );
  return { level: q.level, id: q.id, rows: q.rows, latest: latest === undefined ? null : iso(latest), results };
}
