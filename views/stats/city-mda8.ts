import { hourEndingDaysRange } from '../../kernel';
import type { CityMda8, StationListVersion } from '../../schemas';
import type { AreaDay } from './areas';
import { seriesRows, type SeriesQueries } from './series';

/** Where a city's MDA8 from its hourly O3 means is formed: the series statement. */
export interface CityMda8Source {
  series: SeriesQueries;
  /** Every station list, as area statistics see them. */
  versions: () => Promise<StationListVersion[]>;
}

/**
 * The cities' daily values with their MDA8 formed by `method` (docs/standards.md §3.3): as they
 * are for `stations` (the mean of the stations' MDA8s, as `cityDays` forms it), or — for
 * `city-hourly` — with every `o3_mda8` day replaced by the MDA8 of the city's hourly O3 means,
 * formed by the series statement (`cityMda8=city-hourly` of `GET /v1/series`).
 */
export async function withCityMda8(
  method: CityMda8 | undefined,
  cities: readonly AreaDay[],
  src: CityMda8Source,
  f: { names: readonly string[]; fromDay: string; toDay: string; asOf?: string },
): Promise<AreaDay[]> {
  if (method !== 'city-hourly' || f.names.length === 0) return [...cities];
  const { rows } = await seriesRows(
    src.series,
    {
      level: 'city',
      ids: f.names,
      pollutants: ['o3_mda8'],
      resolution: 'day',
      ...hourEndingDaysRange(f.fromDay, f.toDay),
      asOf: f.asOf,
      cityMda8: 'city-hourly',
    },
    await src.versions(),
  );
  const hourly: AreaDay[] = rows.flatMap((r) =>
    r.valid && r.value !== null ? [{ area: r.id, day: r.time, statistic: 'o3_mda8', value: r.value, n: r.nValid }] : [],
  );
  return [...cities.filter((c) => c.statistic !== 'o3_mda8'), ...hourly];
}
