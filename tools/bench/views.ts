/** The `views` section: the request-time views over a generated dataset next to hand-written SQL. */
import { buildApp } from '../../api';
import { bundledVersion } from '../../ingest';
import {
  chDateTime,
  createClickHouseRegionalQueries,
  createClickHouseSeriesQueries,
  createClickHouseStationQueries,
  createClickHouseStatsQueries,
  prepareStore,
  type StoreConnection,
  tablesOf,
} from '../../infra';
import { HOUR_MS, hourEndingDaysRange } from '../../kernel';
import {
  areaCompliance,
  areaHourlyAqi,
  areaLatestAqi,
  areaOzone,
  factorsView,
  forecastView,
  regionalView,
  seriesSpec,
} from '../../views';
import { agreement, cityHourlyAqiSql } from './city-hourly-reference';
import { db, fmt, logger, measured, note, percentiles, quick, timesOf, wantedRow } from './common';

/** Five years of PM2.5 and O3 and one of all six pollutants for every station, generated in the engine. */
async function generate(s: StoreConnection, years: number): Promise<number> {
  const t = tablesOf(s.database);
  const codes = bundledVersion().stations.map((x) => x.code);
  // The hour-ending instants of the years up to 2025, and of 2025 alone.
  const all = hourEndingDaysRange(`${2026 - years}-01-01`, '2025-12-31');
  const last = hourEndingDaysRange('2025-01-01', '2025-12-31');
  const from = all.fromMs;
  const hours = Math.round((all.toMs - from) / HOUR_MS);
  const lastYear = Math.round((last.toMs - last.fromMs) / HOUR_MS);
  const insert = async (pollutants: string[], fromMs: number, n: number): Promise<void> =>
    store_command(
      s,
      `INSERT INTO ${t.readings} (station, pollutant, time, value, unit, source_flag, source_valid, qc_flags, valid, status, source_kind, source_id, arrived_at, version)
      SELECT st, p, toDateTime({from:DateTime('UTC')}) + toIntervalHour(h) AS time,
             round(greatest(1, multiIf(p = 'pm25', 35, p = 'pm10', 60, p = 'o3', 90, p = 'no2', 30, p = 'so2', 8, 0.7)
               * (1 + 0.4 * sin(2 * pi() * h / 8766) + 0.3 * sin(2 * pi() * (h % 24) / 24)) * (0.6 + 0.8 * (cityHash64(st, p, h) % 1000) / 1000)), 1),
             if(p = 'co', 'mg/m3', 'ug/m3'), '', true, [], true, 'provisional', 'feed', 'bench', time + INTERVAL 20 MINUTE, 1
      FROM (SELECT arrayJoin({codes:Array(String)}) AS st) AS a CROSS JOIN (SELECT arrayJoin({pollutants:Array(String)}) AS p) AS b CROSS JOIN (SELECT number AS h FROM numbers({n:UInt32})) AS c`,
      { from: chDateTime(fromMs), codes, pollutants, n },
    );
  await insert(['pm25', 'o3'], from, hours);
  await insert(['pm10', 'no2', 'so2', 'co'], last.fromMs, lastYear);
  await store_command(s, `OPTIMIZE TABLE ${t.readings} FINAL`, {});
  return codes.length * (2 * hours + 4 * lastYear);
}
async function store_command(s: StoreConnection, query: string, query_params: Record<string, unknown>): Promise<void> {
  await s.client.command({ query, query_params });
}

export async function queryBench(store: StoreConnection): Promise<void> {
  const s = db(store, 'bench_query');
  await prepareStore(s, logger, [bundledVersion()]);
  const years = quick ? 2 : 5;
  const gen = await measured(() => generate(s, years));
  note(
    `generated dataset (in the engine): ${fmt(gen.value)} hourly readings, ${years} years × 330 stations`,
    `${fmt(gen.ms / 1000)} s`,
    '',
    '',
  );
  const stations = createClickHouseStationQueries(s);
  const series = createClickHouseSeriesQueries(s);
  const stats = createClickHouseStatsQueries(s);
  const versions = () => stations.versions();
  const app = await buildApp({
    logger,
    readiness: {},
    dashboard: false,
    views: {
      series: async (q, r) => series.page(seriesSpec(q, r, await versions()), q.format),
      compliance: (q) => areaCompliance({ queries: stats, series, versions }, q),
      forecast: (q) =>
        forecastView(
          { series, versions, compliance: (c) => areaCompliance({ queries: stats, series, versions }, c) },
          q,
        ),
      trends: async () => Promise.reject(new Error('not benchmarked')),
      aqi: async () => Promise.reject(new Error('not benchmarked')),
      aqiLatest: (q) => areaLatestAqi({ series, versions }, q),
      aqiHourly: (q, range) => areaHourlyAqi({ series, versions }, q, range),
      ozone: (q) => areaOzone({ series, versions }, q),
      apportionment: {
        regional: (q, r) => regionalView({ series, versions, regional: createClickHouseRegionalQueries(s) }, q, r),
        transport: async () => Promise.reject(new Error('not benchmarked')),
        factors: (q, r) => factorsView({ series, versions }, q, r),
      },
    },
  });
  const t = tablesOf('bench_query');
  const get = async (url: string): Promise<void> => {
    const res = await app.inject(url);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  };
  const hand = async (query: string): Promise<void> =>
    void (await (await store.client.query({ query, format: 'JSONEachRow' })).json());
  const runs = quick ? 3 : 7;
  const firstYear = 2026 - years;
  const cityOf = `transform(station, [${bundledVersion()
    .stations.map((x) => `'${x.code}'`)
    .join(',')}], [${bundledVersion()
    .stations.map((x) => `'${x.city}'`)
    .join(',')}], '')`;
  const provinceOf = `transform(city, [${[...new Map(bundledVersion().stations.map((x) => [x.city, x.province])).keys()].map((c) => `'${c}'`).join(',')}], [${[...new Map(bundledVersion().stations.map((x) => [x.city, x.province])).values()].map((c) => `'${c}'`).join(',')}], '')`;
  const controls = bundledVersion()
    .stations.filter((x) => x.control)
    .map((x) => `'${x.code}'`)
    .join(',');
  /**
   * A city's value as the national centre forms it (docs/standards.md §3.3), as an aggregate over
   * its stations' rows (`station`, value `v`): each station's value as it publishes it (integers,
   * CO `stationDecimals` 1), summed in station-code order, divided by their number, rounded half up
   * (CO `cityDecimals` 2).
   */
  const cityValue = (v: string, stationDecimals = '0', cityDecimals = '0'): string =>
    `floor(arraySum(arrayMap(x -> x.2, arraySort(groupArray((station, toFloat64(round(toDecimal64(assumeNotNull(${v}), 4), ${stationDecimals}))))))) / count() * intExp10(${cityDecimals}) + 0.5) / intExp10(${cityDecimals})`;
  /**
   * The same answer as a compliance view, written by hand: every annual statistic of docs/standards.md
   * §3.1 (means and the 98th/95th/90th percentiles of the city's daily values of all six
   * pollutants, O3 as MDA8 from windowed 8-h means) for 2025, for the given stations' city or for
   * every city. (Earlier runs compared with PM2.5's mean and P95 alone.)
   */
  const allStatistics = (stations: string[] | null): string => `
    WITH hourly AS (
      SELECT station, ${cityOf} AS city, pollutant, toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day,
             toHour(time - INTERVAL 1 HOUR, 'Asia/Shanghai') + 1 AS label, value
      FROM ${t.readings} FINAL
      WHERE valid AND value IS NOT NULL AND station NOT IN (${controls}) AND time > '2024-12-31 16:00:00' AND time <= '2025-12-31 16:00:00'
        ${stations ? `AND station IN (${stations.map((c) => `'${c}'`).join(',')})` : ''}),
    station_days AS (
      SELECT city, station, toString(pollutant) AS stat, day, avg(value) AS v FROM hourly WHERE pollutant != 'o3'
      GROUP BY city, station, pollutant, day HAVING count() >= 20
      UNION ALL
      SELECT city, station, 'o3_mda8' AS stat, day, max(m8) AS v FROM (
        SELECT city, station, day, label, avg(value) OVER w AS m8, count() OVER w AS n8 FROM hourly WHERE pollutant = 'o3'
        WINDOW w AS (PARTITION BY station, day ORDER BY label RANGE BETWEEN 7 PRECEDING AND CURRENT ROW))
      WHERE label >= 8 AND n8 >= 6 GROUP BY city, station, day HAVING count() >= 14 OR max(m8) > 160)
    SELECT city, stat, count() AS days, avg(cv) AS mean, quantilesExactInclusive(0.9, 0.95, 0.98)(cv) AS q
    FROM (SELECT city, stat, day, ${cityValue('v', "if(stat = 'co', 1, 0)", "if(stat = 'co', 2, 0)")} AS cv FROM station_days GROUP BY city, stat, day)
    GROUP BY city, stat`;
  // One city's real-time AQI for each hour of 2025, and the same answer written by hand; how many
  // hours agree is checked once and noted with the row.
  const hourlyUrl = `/v1/aqi/hourly?level=city&id=${encodeURIComponent('南京')}&from=2025-01-01&to=2025-12-31&window=1h`;
  const hourlySql = cityHourlyAqiSql(
    t.readings,
    bundledVersion()
      .stations.filter((x) => x.city === '南京' && !x.control)
      .map((x) => x.code),
    '2024-12-31 16:00:00',
    '2025-12-31 16:00:00',
  );
  const same = agreement(
    ((await app.inject(hourlyUrl)).json() as { rows: Parameters<typeof agreement>[0] }).rows,
    await (await store.client.query({ query: hourlySql, format: 'JSONEachRow' })).json<Record<string, unknown>>(),
  );
  const hourlyNote = `answers agree: AQI ${fmt(same.aqi)} of ${fmt(same.hours)} hours, all six concentrations ${fmt(same.concentrations)}`;
  const pairs: [string, string, string, string?][] = [
    [
      `/v1/series cross-province daily PM2.5, ${years} years`,
      `/v1/series?level=province&id=shanghai,jiangsu,zhejiang,anhui&pollutant=pm25&resolution=day&from=${firstYear}-01-01&to=2025-12-31&limit=1000000`,
      `SELECT province, day, avg(cv) FROM (SELECT ${provinceOf} AS province, city, day, ${cityValue('v')} AS cv FROM (
         SELECT station, ${cityOf} AS city, toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day, avg(value) AS v, count() AS n
         FROM ${t.readings} FINAL WHERE pollutant = 'pm25' AND valid AND station NOT IN (${controls}) GROUP BY station, day HAVING n >= 20)
       GROUP BY province, city, day) GROUP BY province, day ORDER BY province, day`,
    ],
    [
      '/v1/compliance, one city, one year (all statistics)',
      `/v1/compliance?level=city&id=${encodeURIComponent('南京')}&year=2025`,
      allStatistics(
        bundledVersion()
          .stations.filter((x) => x.city === '南京')
          .map((x) => x.code),
      ),
    ],
    [
      '/v1/compliance with rank=true: every city of the list computed for one year',
      `/v1/compliance?level=city&id=${encodeURIComponent('南京')}&year=2025&rank=true`,
      allStatistics(null),
    ],
    [
      '/v1/compliance/forecast, Jiangsu, mid-year, with its earlier years',
      `/v1/compliance/forecast?level=province&id=jiangsu&year=2025&at=2025-06-30`,
      `SELECT toYear(day) AS y, day <= toDate(concat(toString(toYear(day)), '-06-30')) AS before, avg(cv) FROM (SELECT day, avg(cityv) AS cv FROM (SELECT day, city, ${cityValue('v')} AS cityv FROM (SELECT toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day, station, ${cityOf} AS city, avg(value) AS v, count() AS n
         FROM ${t.readings} FINAL WHERE pollutant = 'pm25' AND valid AND ${provinceOf.replaceAll('city', cityOf)} = 'jiangsu' AND station NOT IN (${controls}) GROUP BY day, station HAVING n >= 20) GROUP BY day, city) GROUP BY day) GROUP BY y, before`,
    ],
    [
      '/v1/ozone, region yrd, one year',
      `/v1/ozone?level=region&id=yrd&from=2025-01-01&to=2025-12-31`,
      `SELECT day, avg(m) FROM (SELECT city, day, ${cityValue('mda8')} AS m FROM (SELECT station, ${cityOf} AS city, day, max(w) AS mda8 FROM (
         SELECT station, toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai') AS day, avg(value) OVER (PARTITION BY station ORDER BY time ROWS BETWEEN 7 PRECEDING AND CURRENT ROW) AS w
         FROM ${t.readings} FINAL WHERE pollutant = 'o3' AND valid AND station NOT IN (${controls}) AND time > '2024-01-01 16:00:00' AND time <= '2025-12-31 16:00:00') GROUP BY station, day) GROUP BY city, day) GROUP BY day`,
    ],
    [
      '/v1/aqi/latest, region yrd (41 cities at their latest hour, ranked)',
      '/v1/aqi/latest?level=region&id=yrd',
      `SELECT station, max(time) FROM ${t.readings} FINAL WHERE valid GROUP BY station`,
    ],
    ['/v1/aqi/hourly, one city (南京), every hour of one year, window=1h', hourlyUrl, hourlySql, hourlyNote],
    [
      '/v1/apportionment/regional, 上海, one year by month',
      `/v1/apportionment/regional?city=${encodeURIComponent('上海')}&from=2025-01-01&to=2025-12-31&resolution=month`,
      `SELECT toStartOfMonth(toDate(time - INTERVAL 1 HOUR, 'Asia/Shanghai')) AS m, avgIf(value, station != '1146A') AS city, avgIf(value, station = '1146A') AS bg
         FROM ${t.readings} FINAL WHERE pollutant = 'pm25' AND ${cityOf} = '上海' AND time > '2024-12-31 16:00:00' AND time <= '2025-12-31 16:00:00' GROUP BY m`,
    ],
  ];
  for (const [what, url, sql, extra] of pairs) {
    if (!wantedRow(what)) continue;
    await get(url); // warm both
    await hand(sql);
    // Ours and the reference alternate, so a drift of the shared machine's speed (it moves by tens
    // of per cent within minutes) falls on both alike; the peak RSS is of our runs alone.
    const ours: number[] = [];
    const ref: number[] = [];
    let peak = 0;
    for (let i = 0; i < runs; i++) {
      const m = await measured(() => get(url));
      ours.push(m.ms);
      peak = Math.max(peak, m.peakRssMb);
      const r = await measured(() => hand(sql));
      ref.push(r.ms);
    }
    const o = percentiles(ours);
    const h = percentiles(ref);
    note(
      what,
      `p50 ${fmt(o.p50)} ms, p95 ${fmt(o.p95)} ms`,
      `p50 ${fmt(h.p50)} ms, p95 ${fmt(h.p95)} ms (hand-written SQL)`,
      `${(o.p50 / h.p50).toFixed(2)}×`,
      [`peak RSS ${fmt(peak)} MB`, extra].filter(Boolean).join('; '),
    );
  }
  if (!wantedRow('/v1/apportionment/factors') && !wantedRow('growth')) return void (await app.close());
  // Factors: a year of one province's hourly data; a new seed each call, so no cache.
  let seed = 100;
  const factorsUrl = '/v1/apportionment/factors?level=province&id=shanghai&from=2025-01-01&to=2025-12-31&factors=5';
  const fullFactors = await measured(() => timesOf(3, () => get(`${factorsUrl}&seed=${seed++}`)));
  const oneStart = await timesOf(3, () => get(`${factorsUrl}&restarts=1&bootstrap=0&seed=${seed++}`));
  note(
    '/v1/apportionment/factors, Shanghai province, one year hourly (6 species, 5 factors, 4 starts + 10 bootstrap runs)',
    `p50 ${fmt(fullFactors.value.p50)} ms`,
    `p50 ${fmt(oneStart.p50)} ms (one start, no bootstrap)`,
    `${(fullFactors.value.p50 / oneStart.p50).toFixed(2)}×`,
    `peak RSS ${fmt(fullFactors.peakRssMb)} MB`,
  );
  // Growth: the same series over 1 year and over 4× the years.
  const one = await timesOf(runs, () =>
    get(
      `/v1/series?level=province&id=shanghai,jiangsu,zhejiang,anhui&pollutant=pm25&resolution=day&from=2025-01-01&to=2025-12-31`,
    ),
  );
  const span = quick ? 2 : 4;
  const four = await timesOf(runs, () =>
    get(
      `/v1/series?level=province&id=shanghai,jiangsu,zhejiang,anhui&pollutant=pm25&resolution=day&from=${2026 - span}-01-01&to=2025-12-31&limit=1000000`,
    ),
  );
  note(
    `growth: the series over 1 year vs ${span} years of data`,
    `p50 ${fmt(one.p50)} ms → ${fmt(four.p50)} ms`,
    '',
    `${(four.p50 / one.p50).toFixed(2)}× for ${span}× data`,
  );
  await app.close();
}
