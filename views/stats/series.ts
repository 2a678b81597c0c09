import { addDays, decodePageCursor, encodePageCursor, hourEndingDayOf, InputError } from '../../kernel';
import {
  type CityMda8,
  type Resolution,
  type SeriesPollutant,
  type SeriesQuery,
  SERIES_MAX_LIMIT,
  type SeriesFormat,
  type SeriesRow,
  type StationListVersion,
} from '../../schemas';
import { stationsOfArea } from './areas';

/** One station's membership of one requested area over a span of days (the list in force then). */
export interface Member {
  area: string;
  city: string;
  station: string;
  fromDay: string;
  toDay: string;
}

export interface SeriesKey {
  id: string;
  pollutant: string;
  /** The period as the store prints it: `YYYY-MM-DD hh:mm:ss` (UTC) for hours, `YYYY-MM-DD` otherwise. */
  time: string;
}

/** A series request resolved against the station lists: what the store computes. */
export interface SeriesSpec {
  level: SeriesQuery['level'];
  resolution: Resolution;
  pollutants: SeriesPollutant[];
  /** Every station whose readings are read. */
  stations: string[];
  /** For city, province and region: which station counts for which area on which days. */
  members: Member[];
  /** Hour-ending instants in [fromMs, toMs) (hour resolution). */
  fromMs: number;
  toMs: number;
  /** Natural days (CST), both included: whole months or years at those resolutions. */
  fromDay: string;
  toDay: string;
  asOfMs?: number;
  updatedSinceMs?: number;
  referenceState: boolean;
  /** Values of incomplete periods too (flagged not valid). */
  incomplete: boolean;
  /** How a city's MDA8 is formed (docs/standards.md §3.3). */
  cityMda8: CityMda8;
  limit: number;
  after?: SeriesKey;
}

const isKeyCursor = (v: unknown): v is [string, string, string] =>
  Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string');

export const encodeCursor = (k: SeriesKey): string => encodePageCursor([k.id, k.pollutant, k.time]);

export function decodeCursor(cursor: string): SeriesKey {
  const v = decodePageCursor(cursor, isKeyCursor);
  if (v) return { id: v[0], pollutant: v[1], time: v[2] };
  throw new InputError(
    'QUERY_INVALID',
    'cursor: not a cursor this API gave out (use the `next` of the previous page)',
    { field: 'cursor' },
  );
}

/** Which pollutants make sense at a resolution: o3_8h is hourly, o3_mda8 daily and coarser. */
function checkPollutants(pollutants: readonly SeriesPollutant[], resolution: Resolution): void {
  const wrong = pollutants.filter((p) => (resolution === 'hour' ? p === 'o3_mda8' : p === 'o3_8h'));
  if (wrong.length > 0) {
    const why =
      resolution === 'hour'
        ? 'o3_mda8 is a daily statistic: ask for resolution=day, month or year'
        : 'o3_8h is an hourly series: ask for resolution=hour (or o3_mda8)';
    throw new InputError('QUERY_UNPROCESSABLE', `pollutant ${wrong.join(',')}: ${why}`, {
      field: 'pollutant',
      values: wrong,
    });
  }
}

/**
 * A series as the views ask for it: typed fields, the range as hour-ending instants in
 * [fromMs, toMs) (no HTTP query, no `from`/`to` text). `GET /v1/series` comes here too
 * ({@link seriesSpec}).
 */
export interface SeriesRequest {
  level: SeriesQuery['level'];
  ids: readonly string[];
  pollutants: readonly SeriesPollutant[];
  resolution: Resolution;
  fromMs: number;
  toMs: number;
  /** Rows of the page; a whole series by default. */
  limit?: number;
  /** Instants (ISO 8601): what had arrived by then; what arrived or changed after. */
  asOf?: string;
  updatedSince?: string;
  /** Gases before 2018-09-01 converted to the reference state (default true). */
  referenceState?: boolean;
  /** Values of incomplete periods too (default false). */
  incomplete?: boolean;
  /** How a city's MDA8 is formed (default `stations`, docs/standards.md §3.3). */
  cityMda8?: CityMda8;
  /** The `next` of the previous page. */
  cursor?: string;
}

/** Resolves a `GET /v1/series` query and its range: {@link resolveSeries} of the same fields. */
export function seriesSpec(
  q: SeriesQuery,
  range: { fromMs: number; toMs: number },
  versions: readonly StationListVersion[],
): SeriesSpec {
  return resolveSeries(
    {
      level: q.level,
      ids: q.id,
      pollutants: q.pollutant,
      resolution: q.resolution,
      fromMs: range.fromMs,
      toMs: range.toMs,
      limit: q.limit,
      asOf: q.asOf,
      updatedSince: q.updatedSince,
      referenceState: q.referenceState,
      incomplete: q.incomplete,
      cityMda8: q.cityMda8,
      cursor: q.cursor,
    },
    versions,
  );
}

/**
 * Resolves a series request: the range widened to whole periods at month and year resolution;
 * the stations of each area with the station list in force on each day (control sites left out,
 * as for every area statistic); the page.
 */
export function resolveSeries(r: SeriesRequest, versions: readonly StationListVersion[]): SeriesSpec {
  const {
    level,
    resolution,
    limit = SERIES_MAX_LIMIT,
    referenceState = true,
    incomplete = false,
    cityMda8 = 'stations',
  } = r;
  if (limit > SERIES_MAX_LIMIT) {
    throw new InputError(
      'QUERY_UNPROCESSABLE',
      `limit ${limit} is over the ${SERIES_MAX_LIMIT} rows one page may hold: ask for fewer and follow \`next\` for the rest`,
      { field: 'limit', max: SERIES_MAX_LIMIT },
    );
  }
  checkPollutants(r.pollutants, resolution);
  // The natural days of the first and of the last hour-ending instant in [fromMs, toMs).
  let fromDay = hourEndingDayOf(r.fromMs);
  let toDay = hourEndingDayOf(r.toMs - 1);
  if (resolution === 'month') {
    fromDay = `${fromDay.slice(0, 7)}-01`;
    toDay = addDays(`${addDays(`${toDay.slice(0, 7)}-01`, 32).slice(0, 7)}-01`, -1);
  } else if (resolution === 'year') {
    fromDay = `${fromDay.slice(0, 4)}-01-01`;
    toDay = `${toDay.slice(0, 4)}-12-31`;
  }
  const sorted = [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  const ids = [...new Set(r.ids)];
  const members: Member[] = [];
  const stations = new Set<string>();
  const unknown = new Set(ids);
  sorted.forEach((v, i) => {
    // The earliest list also stands for the days before it (as for every statistic).
    const vFrom = i === 0 ? '1970-01-01' : v.validFrom;
    const vTo = i + 1 < sorted.length ? addDays((sorted[i + 1] as StationListVersion).validFrom, -1) : '2999-12-31';
    for (const id of ids) {
      const inArea = stationsOfArea(v.stations, level, id).filter((s) => level === 'station' || !s.control);
      if (inArea.length > 0) unknown.delete(id);
      const from = vFrom > fromDay ? vFrom : fromDay;
      const to = vTo < toDay ? vTo : toDay;
      if (from > to) continue;
      for (const s of inArea) {
        stations.add(s.code);
        if (level !== 'station') members.push({ area: id, city: s.city, station: s.code, fromDay: from, toDay: to });
      }
    }
  });
  if (unknown.size > 0) {
    throw new InputError(
      'QUERY_UNKNOWN_AREA',
      `id: no ${level} ${[...unknown].join(', ')} in the station list (see /v1/stations)`,
      { field: 'id', level, unknown: [...unknown] },
    );
  }
  return {
    level,
    resolution,
    pollutants: [...new Set(r.pollutants)],
    stations: [...stations].sort(),
    members,
    fromMs: r.fromMs,
    toMs: r.toMs,
    fromDay,
    toDay,
    asOfMs: r.asOf === undefined ? undefined : Date.parse(r.asOf),
    updatedSinceMs: r.updatedSince === undefined ? undefined : Date.parse(r.updatedSince),
    referenceState,
    incomplete,
    cityMda8,
    limit,
    after: r.cursor === undefined ? undefined : decodeCursor(r.cursor),
  };
}

/** One page of a series: rows (JSON), or the bytes ClickHouse wrote in the asked format. */
export type SeriesPage =
  | { kind: 'rows'; rows: SeriesRow[]; next: SeriesKey | null }
  | { kind: 'bytes'; body: NodeJS.ReadableStream; next: SeriesKey | null };

/**
 * A column of a table a view formed itself, for the engine to write as it writes a series file.
 * `Instant`: ISO 8601 text in UTC, written as that text in CSV and as a timestamp in UTC
 * (milliseconds) in Parquet and Arrow, as a series' hour-ending instants are.
 */
export interface FileColumn {
  /** A column name of the public contract: lower camel or snake case, letters, digits and `_`. */
  name: string;
  type: 'String' | 'Nullable(String)' | 'Nullable(Float64)' | 'Nullable(Int32)' | 'Bool' | 'Instant';
  values: readonly (string | number | boolean | null)[];
}

export interface SeriesQueries {
  page(spec: SeriesSpec, format: SeriesFormat): Promise<SeriesPage>;
  /** The rows of `columns` as a file of `format`, written by the engine with the series' settings. */
  file(columns: readonly FileColumn[], format: Exclude<SeriesFormat, 'json'>): Promise<NodeJS.ReadableStream>;
  /**
   * Each station's last hour-ending instant (ms) with a valid value of an AQI pollutant, within
   * `lookbackDays` of the latest hour any of them holds (0: no bound; `GET /v1/aqi/latest`); a silent one is absent.
   * With a bound, that latest hour counts only if it is within `lookbackDays` of the store's latest
   * hour (a cheap look), else none is found: the caller asks again with no bound.
   */
  lastHours?(stations: readonly string[], lookbackDays: number): Promise<Map<string, number>>;
  /**
   * An hour-resolution series whole, pivoted: per id and hour-ending instant (`time` as the rows
   * print it) each pollutant's valid value, or null — the values `page` gives as rows, one row per
   * hour instead of one per pollutant and hour (a city-year of the six pollutants is 8,760 rows,
   * not 52,560). Absent where the store cannot; {@link hourlyValues} then pivots the pages.
   */
  hourlyWide?(spec: SeriesSpec): Promise<HourlyWide>;
}

/** {@link SeriesQueries.hourlyWide}'s answer, column by column. */
export interface HourlyWide {
  id: string[];
  time: string[];
  values: Record<string, (number | null)[]>;
}

/**
 * Every hour of an hour-resolution series request, pivoted as {@link SeriesQueries.hourlyWide}
 * gives it: by the store when it can, else from the pages of rows.
 */
export async function hourlyValues(
  series: SeriesQueries,
  request: SeriesRequest,
  versions: readonly StationListVersion[],
): Promise<HourlyWide> {
  const spec = resolveSeries(request, versions);
  if (series.hourlyWide) return series.hourlyWide(spec);
  const out: HourlyWide = { id: [], time: [], values: Object.fromEntries(spec.pollutants.map((p) => [p, []])) };
  const at = new Map<string, number>();
  let cursor = request.cursor;
  for (;;) {
    const page = await seriesRows(series, { ...request, cursor }, versions);
    for (const r of page.rows) {
      const key = `${r.id}|${r.time}`;
      let i = at.get(key);
      if (i === undefined) {
        at.set(key, (i = out.id.length));
        out.id.push(r.id);
        out.time.push(r.time);
        for (const p of spec.pollutants) out.values[p]!.push(null);
      }
      out.values[r.pollutant]![i] = r.valid ? r.value : null;
    }
    if (!page.next) return out;
    cursor = encodeCursor(page.next);
  }
}

/**
 * The rows of one page of a series asked for by a view (JSON), with the key of the next page
 * when more rows were left.
 */
export async function seriesRows(
  series: SeriesQueries,
  request: SeriesRequest,
  versions: readonly StationListVersion[],
): Promise<{ rows: SeriesRow[]; next: SeriesKey | null }> {
  const page = await series.page(resolveSeries(request, versions), 'json');
  return page.kind === 'rows' ? page : { rows: [], next: null };
}
