import type { AqiQuery, AqiResponse, StationListVersion } from '../../schemas';
import { dailyAqi, type AqiRounding, type DailyInput } from './aqi';
import { cityDays, stationsOfArea, type AreaDay } from './areas';
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

/**
 * `GET /v1/aqi`: the daily AQI of HJ 633 for a station, or for a city from its city-averaged
 * concentrations (docs/standards.md §3.3), under the regime of the day. A province or a region
 * answers with each of its cities.
 */
export async function areaDailyAqi(deps: DailyAqiDeps, q: AqiQuery): Promise<AqiResponse> {
  const regime = regimeOfDay(q.date);
  const version = await deps.versionAt(q.date);
  const stations = version?.stations ?? [];
  const inScope = stationsOfArea(stations, q.level, q.id);
  const days: StationDay[] =
    inScope.length === 0
      ? []
      : await deps.queries.stationDaily({
          stations: inScope.map((s) => s.code),
          fromDay: q.date,
          toDay: q.date,
          asOfMs: q.asOf === undefined ? undefined : Date.parse(q.asOf),
        });
  let results: AqiResponse['results'];
  if (q.level === 'station') {
    results = inScope.map((s) =>
      score(
        s.code,
        days.filter((d) => d.valid && d.value !== null) as { statistic: string; value: number }[],
        regime,
        'station',
      ),
    );
  } else {
    const names = [...new Set(inScope.map((s) => s.city))].sort();
    const cities: AreaDay[] =
      q.cityMda8 === 'city-hourly' && deps.cityMda8
        ? await withCityMda8(
            q.cityMda8,
            cityDays(days, () => version),
            deps.cityMda8,
            {
              names,
              fromDay: q.date,
              toDay: q.date,
              asOf: q.asOf,
            },
          )
        : cityDays(days, () => version);
    results = names.map((city) =>
      score(
        city,
        cities.filter((c) => c.area === city),
        regime,
        'city',
      ),
    );
  }
  return { level: q.level, id: q.id, date: q.date, regime, results };
}
