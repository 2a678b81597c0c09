import { HOUR_MS, hourEndingDayOf } from '../../kernel';
import type { HourlyAqiRow, StationListVersion } from '../../schemas';
import { hourlyAqiRow } from './hourly-aqi-row';
import {
  cityMovingValues,
  MOVING_HOURS,
  MOVING_SOURCES,
  movingAqi,
  O3_WINDOW_HOURS,
  stationMovingValues,
  type HourValues,
  type MovingSource,
  type MovingValues,
} from './moving-aqi';
import { hourlyValues, resolveSeries, type SeriesQueries } from './series';
import { regimeOfDay } from './standards';

/** What the moving rows are formed for (the hourly view's request: stations or cities). */
export interface MovingRowsRequest {
  level: 'station' | 'city';
  ids: readonly string[];
  /** Hour-ending instants in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  asOf?: string;
}

/** Hours before an hour that its moving values reach back to: 24 windows of 8 hours (§4.9). */
const LOOKBACK_HOURS = MOVING_HOURS + O3_WINDOW_HOURS - 2;

/**
 * Every station's valid 1-h values of the six pollutants (or of those asked) in [fromMs, toMs), by
 * station and pollutant.
 */
export async function stationHours(
  series: SeriesQueries,
  stations: readonly string[],
  range: { fromMs: number; toMs: number; asOf?: string },
  versions: readonly StationListVersion[],
  pollutants: readonly MovingSource[] = MOVING_SOURCES,
): Promise<Map<string, Partial<Record<MovingSource, Map<number, number>>>>> {
  const out = new Map<string, Partial<Record<MovingSource, Map<number, number>>>>();
  if (stations.length === 0) return out;
  const wide = await hourlyValues(
    series,
    {
      level: 'station',
      ids: stations,
      pollutants,
      resolution: 'hour',
      ...range,
      // As the real-time report, the values as reported: no reference-state conversion (§1.2).
      referenceState: false,
    },
    versions,
  );
  for (let i = 0; i < wide.id.length; i++) {
    const id = wide.id[i] as string;
    let of = out.get(id);
    if (!of) out.set(id, (of = {}));
    const ms = Date.parse(wide.time[i] as string);
    for (const p of pollutants) {
      const v = wide.values[p]?.[i] ?? null;
      if (v !== null) (of[p] ??= new Map()).set(ms, v);
    }
  }
  return out;
}

function scored(v: MovingValues, iaqi: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'o3_1h_24h' || iaqi.o3_1h !== undefined) out[k] = x;
  return out;
}

/**
 * window=24h (docs/standards.md §4.9): each hour's 24-hour moving AQI. A station from its own valid
 * hours; a city from its non-control stations of that hour's day's list, each station's moving
 * values first, then their city mean (§3.3), IAQI half up. An hour without any moving value has no row.
 */
export async function movingRows(
  deps: { series: SeriesQueries },
  r: MovingRowsRequest,
  versions: readonly StationListVersion[],
): Promise<HourlyAqiRow[]> {
  const fromMs = r.fromMs - LOOKBACK_HOURS * HOUR_MS;
  // Which station counts for which city on which days (the list in force each day, control sites out).
  const spec = resolveSeries(
    { level: r.level, ids: r.ids, pollutants: ['pm25'], resolution: 'hour', fromMs, toMs: r.toMs },
    versions,
  );
  const hours = await stationHours(deps.series, spec.stations, { fromMs, toMs: r.toMs, asOf: r.asOf }, versions);
  const memo = new Map<string, MovingValues>();
  const stationAt = (code: string, t: number): MovingValues => {
    const key = `${code}|${t}`;
    let v = memo.get(key);
    if (!v) memo.set(key, (v = stationMovingValues((hours.get(code) ?? {}) as Record<MovingSource, HourValues>, t)));
    return v;
  };
  const rows: HourlyAqiRow[] = [];
  for (let t = r.fromMs; t < r.toMs; t += HOUR_MS) {
    const day = hourEndingDayOf(t);
    const regime = regimeOfDay(day);
    const time = new Date(t).toISOString().replace('.000Z', 'Z'); // as /v1/series prints an hour
    for (const id of new Set(r.ids)) {
      let v: MovingValues;
      if (r.level === 'station') v = stationAt(id, t);
      else {
        const members = spec.members.filter((m) => m.area === id && m.fromDay <= day && day <= m.toDay);
        v = cityMovingValues(members.map((m) => ({ station: m.station, values: stationAt(m.station, t) })));
      }
      if (Object.keys(v).length === 0) continue;
      const a = movingAqi(regime, v, r.level === 'station' ? 'station' : 'city');
      rows.push(hourlyAqiRow(id, time, regime, a, scored(v, a.iaqi as Record<string, number>)));
    }
  }
  return rows;
}
