import { addDays } from '../../kernel';
import type { AqiQuery, AqiResponse, StationListVersion } from '../../schemas';
import { dailyAqi, type AqiRounding, type DailyInput } from './aqi';
import { cityDays, stationsOfArea } from './areas';
import { type CityMda8Source, withCityMda8 } from './city-mda8';
import { regimeOfDay } from './standards';
import type { StationDay, StatsQueries } from './stats-queries';

export interface DailyAqiDeps {
  queries: StatsQueries;
  /** The station list in force on a day. */
  versionAt: (day: string) => Promise<StationListVersion | undefined>;
  /** For `cityMda8=city-hourly`: the series statement forms a city's MDA8 from its hourly O3. */
  cityMda8?: CityMda8Source;
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
  const stationDays: StationDay[] =
    codes.length === 0
      ? []
      : await deps.queries.stationDaily({
          stations: codes,
          fromDay: q.fromDay,
          toDay: q.toDay,
          asOfMs: q.asOf === undefined ? undefined : Date.parse(q.asOf),
        });
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

/**
 * `GET /v1/aqi`: the daily AQI of HJ 633 for a station, or for a city from its city-averaged
 * concentrations (docs/standards.md §3.3), under the regime of the day. A province or a region
 * answers with each of its cities.
 */
export async function areaDailyAqi(deps: DailyAqiDeps, q: AqiQuery): Promise<AqiResponse> {
  const days = await areaDailyAqiDays(deps, {
    level: q.level,
    id: q.id,
    fromDay: q.date,
    toDay: q.date,
    asOf: q.asOf,
    cityMda8: q.cityMda8,
  });
  return { level: q.level, id: q.id, date: q.date, regime: regimeOfDay(q.date), results: days.get(q.date) ?? [] };
}
