import type { Tables } from '../tables';

/**
 * The urban-increment split in one statement (so the view runs near the speed of hand-written SQL):
 * each hour the mean of the city's stations and the background — the mean of the control
 * stations, or the HJ 663 percentile (quantileExactInclusive is R-7 / PERCENTILE.INC, the same
 * formula) of the pool — over the current valid values, gases before 2018-09-01 in the reference
 * state as everywhere; hours lacking either side are skipped; then the means per CST period.
 * `percentile` is a number the query schema bounds to 0–50, written as a literal because an
 * aggregate's parameter cannot be a query parameter.
 */
export function regionalPeriodsSql(
  t: Tables,
  background: { method: 'control' } | { method: 'percentile'; percentile: number },
  resolution: 'day' | 'month' | 'year',
): string {
  const bg =
    background.method === 'control'
      ? 'avgIf(r.v, r.station IN {background:Array(String)})'
      : `quantileExactInclusiveIf(${(background.percentile / 100).toFixed(6)})(r.v, r.station IN {background:Array(String)})`;
  const label =
    resolution === 'day'
      ? 'toString(h.d)'
      : resolution === 'month'
        ? 'substring(toString(h.d), 1, 7)'
        : 'substring(toString(h.d), 1, 4)';
  return `
    SELECT ${label} AS period, toUInt32(count()) AS hours, avg(h.city) AS city, avg(h.bg) AS background
    FROM (
      SELECT toDate(r.time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS d,
             avgIf(r.v, r.station IN {city:Array(String)}) AS city, countIf(r.station IN {city:Array(String)}) AS nc,
             ${bg} AS bg, countIf(r.station IN {background:Array(String)}) AS nb
      FROM (
        SELECT x.station AS station, x.time AS time,
               x.value * if(x.pollutant NOT IN ('pm25', 'pm10') AND x.time <= toDateTime('2018-09-01 00:00:00', 'Asia/Shanghai'), 273.15 / 298.15, 1) AS v
        FROM ${t.readings} AS x FINAL
        WHERE x.pollutant = {pollutant:String} AND x.valid AND x.value IS NOT NULL AND x.station IN {stations:Array(String)}
          AND x.time >= {from:DateTime('UTC')} AND x.time < {to:DateTime('UTC')}
      ) AS r
      GROUP BY r.time
      HAVING nc > 0 AND nb > 0
    ) AS h
    GROUP BY period
    ORDER BY period`;
}
