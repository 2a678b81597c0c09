import { decodePageCursor, encodePageCursor, HOUR_MS, hourEndingDayOf, InputError } from '../../kernel';
import {
  type AqiWindow,
  type HourlyAqiQuery,
  type HourlyAqiRow,
  SERIES_MAX_LIMIT,
  type SeriesFormat,
  type StationListVersion,
} from '../../schemas';
import { hourlyAqi, roundConcentration, type AqiRounding, type HourlyInput } from './aqi';
import { stationsOfAreaDuring } from './areas';
import { hourlyAqiFile } from './hourly-aqi-file';
import { hourlyAqiRow } from './hourly-aqi-row';
import { MOVING_HOURS, movingMean } from './moving-aqi';
import { movingRows } from './moving-aqi-rows';
import { hourlyValues, type SeriesQueries } from './series';
import { regimeOfDay, VALIDITY } from './standards';

/**
 * `GET /v1/aqi/hourly`: the real-time AQI (实时报) per area and hour-ending instant. Each window
 * forms its rows from the store ({@link HourlyAqiRowsOf}); this module resolves the areas, orders
 * the rows by (id, time), pages them and has the engine write the files of `format`.
 */
export interface HourlyAqiDeps {
  series: SeriesQueries;
  /** The station lists as area statistics see them (control sites applied, docs/standards.md §3.3). */
  versions: () => Promise<StationListVersion[]>;
}

/** What a window's rows are formed for: stations or cities (a province or region is its cities). */
export interface HourlyAqiRequest {
  level: 'station' | 'city';
  ids: string[];
  /** Hour-ending instants in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  asOf?: string;
}

export type HourlyAqiRowsOf = (
  deps: HourlyAqiDeps,
  r: HourlyAqiRequest,
  versions: readonly StationListVersion[],
) => Promise<HourlyAqiRow[]>;

/** One page of rows (JSON), or the bytes the engine wrote in the asked format; `next` is the cursor. */
export type HourlyAqiPage =
  | { kind: 'rows'; rows: HourlyAqiRow[]; next: string | null }
  | { kind: 'bytes'; body: NodeJS.ReadableStream; next: string | null };

/** The six 1-h values of the real-time report (docs/standards.md §4.6) as /v1/series names them. */
export const REAL_TIME_POLLUTANTS = ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3'] as const;
export type RealTimePollutant = (typeof REAL_TIME_POLLUTANTS)[number];

/** An area without SO2 hours read (the 24-h SO2 is read only when an hour needs it). */
const NO_HOURS: ReadonlyMap<number, number> = new Map();

/**
 * window=1h (docs/standards.md §4.6, §3.3): a station's AQI from its six valid 1-h values, PM on the
 * 24-h breakpoints, each concentration rounded (integers, CO 0.1) and its IAQI rounded up; a city's
 * from its city values as the national centre forms them (the /v1/series city hour: the valid
 * values of its non-control stations of that day's list, half up, CO 0.01), IAQI half up. The
 * regime is the natural day's of the hour-ending instant (§0), and a missing indicator follows it
 * (§4.7: 2026 withholds an AQI of 100 or less).
 */
export const realTimeRows: HourlyAqiRowsOf = async (deps, r, versions) => {
  const rounding: AqiRounding = r.level === 'station' ? 'station' : 'city';
  // One row per area and hour, a value per pollutant (null: none valid): the six pollutants pivoted.
  const read = (fromMs: number, pollutants: readonly RealTimePollutant[]) =>
    hourlyValues(
      deps.series,
      {
        level: r.level,
        ids: r.ids,
        pollutants,
        resolution: 'hour',
        fromMs,
        toMs: r.toMs,
        asOf: r.asOf,
        // The real-time report scores the values as reported: no reference-state conversion (§1.2).
        referenceState: false,
      },
      versions,
    );
  const wide = await read(r.fromMs, REAL_TIME_POLLUTANTS);
  const so2Of = wide.values.so2 ?? [];
  const so2Above800 = so2Of.some((v) => v !== null && v > 800);
  // The 24-h SO2 an SO2 1-h above 800 needs reaches 23 hours before the range: those SO2 hours are
  // read only when such an hour is there (rare), not the six pollutants' 23 hours every time.
  const so2ByArea = new Map<string, Map<number, number>>();
  const so2 = so2Above800 ? await read(r.fromMs - 23 * HOUR_MS, ['so2']) : undefined;
  so2?.id.forEach((id, i) => {
    const v = so2.values.so2?.[i] ?? null;
    if (v === null) return;
    let hours = so2ByArea.get(id);
    if (!hours) so2ByArea.set(id, (hours = new Map()));
    hours.set(Date.parse(so2.time[i] as string), v);
  });
  const rows: HourlyAqiRow[] = [];
  for (let i = 0; i < wide.id.length; i++) {
    const id = wide.id[i] as string;
    const time = wide.time[i] as string;
    if (Date.parse(time) < r.fromMs) continue;
    rows.push(realTimeRow(id, time, rounding, (p) => wide.values[p]?.[i] ?? null, so2ByArea.get(id) ?? NO_HOURS));
  }
  return rows;
};

/**
 * One area's real-time row at hour-ending instant `time` (ISO 8601; docs/standards.md §4.6, §4.7)
 * from its six 1-h values (`value`: a station's as stored, a city's already its city values) and,
 * for the 2012 rule of an SO2 1-h above 800, its hourly SO2 of the 24 hours ending there
 * (`so2Hours`, only read then). The one place a real-time row is formed: the hourly route and the
 * live ranking both call it.
 */
export function realTimeRow(
  id: string,
  time: string,
  rounding: AqiRounding,
  value: (p: RealTimePollutant) => number | null,
  so2Hours: ReadonlyMap<number, number>,
): HourlyAqiRow {
  const ms = Date.parse(time);
  const regime = regimeOfDay(hourEndingDayOf(ms));
  const input: HourlyInput = {};
  const concentrations: Record<string, number> = {};
  for (const p of REAL_TIME_POLLUTANTS) {
    const c = value(p);
    input[p] = c;
    if (c !== null) concentrations[p] = rounding === 'city' ? c : roundConcentration(p, c);
  }
  if (regime === '2012' && (concentrations.so2 ?? 0) > 800) {
    // The 24-h moving SO2 ending at the hour, of 20 or more valid hours (§4.9, §2.1) — a project
    // choice, as the real-time report does not say how its 24-h value is formed.
    input.so2_24h = movingMean(so2Hours, ms, MOVING_HOURS, VALIDITY.hoursPerDay);
    if (input.so2_24h !== undefined)
      concentrations.so2_24h = rounding === 'city' ? input.so2_24h : roundConcentration('so2', input.so2_24h);
  }
  return hourlyAqiRow(id, time, regime, hourlyAqi(regime, input, rounding), concentrations);
}

/** The rows of each window; a window without rows yet answers 400. 24h: the moving AQI (§4.9). */
export const HOURLY_AQI_WINDOWS: Partial<Record<AqiWindow, HourlyAqiRowsOf>> = {
  '1h': realTimeRows,
  '24h': movingRows,
};

const isKey = (v: unknown): v is [string, string] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string');

/**
 * The stations or cities a query asks for: a province or region answers for each of its cities on
 * a list in force during the range (non-control stations, as a city's values count them, §3.3).
 */
function areasOf(
  q: HourlyAqiQuery,
  versions: readonly StationListVersion[],
  fromDay: string,
  toDay: string,
): Pick<HourlyAqiRequest, 'level' | 'ids'> {
  if (q.level === 'station' || q.level === 'city') return { level: q.level, ids: [...new Set(q.id)] };
  const cities = new Set<string>();
  const unknown: string[] = [];
  for (const id of new Set(q.id)) {
    const of = stationsOfAreaDuring(versions, q.level, id, fromDay, toDay).filter((s) => !s.control);
    if (of.length === 0) unknown.push(id);
    for (const s of of) cities.add(s.city);
  }
  if (unknown.length > 0) {
    throw new InputError(
      'QUERY_UNKNOWN_AREA',
      `id: no ${q.level} ${unknown.join(', ')} in the station list (see /v1/stations)`,
      { field: 'id', level: q.level, unknown },
    );
  }
  return { level: 'city', ids: [...cities].sort() };
}

/** `GET /v1/aqi/hourly`: the rows of the window for the areas and hours asked, one page of them. */
export async function areaHourlyAqi(
  deps: HourlyAqiDeps,
  q: HourlyAqiQuery,
  range: { fromMs: number; toMs: number },
): Promise<HourlyAqiPage> {
  const rowsOf = HOURLY_AQI_WINDOWS[q.window];
  if (!rowsOf) {
    throw new InputError('QUERY_INVALID', `window=${q.window} is not available yet`, { field: 'window' });
  }
  if (q.limit > SERIES_MAX_LIMIT) {
    throw new InputError(
      'QUERY_UNPROCESSABLE',
      `limit ${q.limit} is over the ${SERIES_MAX_LIMIT} rows one page may hold: ask for fewer and follow \`next\` for the rest`,
      { field: 'limit', max: SERIES_MAX_LIMIT },
    );
  }
  let after: [string, string] | undefined;
  if (q.cursor !== undefined) {
    after = decodePageCursor(q.cursor, isKey);
    if (!after)
      throw new InputError(
        'QUERY_INVALID',
        'cursor: not a cursor this API gave out (use the `next` of the previous page)',
        {
          field: 'cursor',
        },
      );
  }
  const versions = await deps.versions();
  const areas = areasOf(q, versions, hourEndingDayOf(range.fromMs), hourEndingDayOf(range.toMs - 1));
  const all = await rowsOf(deps, { ...areas, fromMs: range.fromMs, toMs: range.toMs, asOf: q.asOf }, versions);
  // (id, time): ISO instants in UTC sort as their instants do.
  const cmp = (a: readonly [string, string], b: readonly [string, string]): number =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  const sorted = all
    .filter((r) => !after || cmp([r.id, r.time], after) > 0)
    .sort((a, b) => cmp([a.id, a.time], [b.id, b.time]));
  const rows = sorted.slice(0, q.limit);
  const last = rows.at(-1);
  const next = sorted.length > q.limit && last ? encodePageCursor([last.id, last.time]) : null;
  if (q.format === 'json') return { kind: 'rows', rows, next };
  return {
    kind: 'bytes',
    body: await deps.series.file(hourlyAqiFile(rows, q.window), q.format as Exclude<SeriesFormat, 'json'>),
    next,
  };
}
