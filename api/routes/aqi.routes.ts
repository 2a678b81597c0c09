import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { HourlyAqiPage } from '../../views';
import {
  zAqiQuery,
  zAqiResponse,
  type AqiQuery,
  type AqiResponse,
  zErrorBody,
  zHourlyAqiQuery,
  zHourlyAqiResponse,
  type HourlyAqiQuery,
  zLatestAqiQuery,
  zLatestAqiResponse,
  type LatestAqiQuery,
  type LatestAqiResponse,
  type SeriesFormat,
} from '../../schemas';
import { resolveRange, type Range } from '../time-range';
import { pageHeaders, plainPageSerializer, sendFile } from './page-reply';

/**
 * `GET /v1/aqi?level=&id=&date=`: daily AQI, IAQI per pollutant, category and primary pollutant(s).
 * `GET /v1/aqi/hourly`: the real-time AQI per area and hour-ending instant, paged and in the
 * series' formats.
 */
export const aqiRoutes: FastifyPluginAsyncZod<{
  aqi: (q: AqiQuery) => Promise<AqiResponse>;
  hourly?: (q: HourlyAqiQuery, range: Range) => Promise<HourlyAqiPage>;
  latest?: (q: LatestAqiQuery) => Promise<LatestAqiResponse>;
}> = async (app, opts) => {
  app.get(
    '/v1/aqi',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Daily AQI of a station, city, province or region',
        querystring: zAqiQuery,
        response: { 200: zAqiResponse, 400: zErrorBody },
      },
    },
    async (request) => opts.aqi(request.query),
  );
  const latest = opts.latest;
  if (latest)
    app.get(
      '/v1/aqi/latest',
      {
        schema: {
          tags: ['statistics'],
          summary: 'Latest real-time AQI of every city or station of a province or region, ranked',
          description:
            'For every city (`rows=city`) or station (`rows=station`) of the area: its latest hour with data, the real-time AQI of that hour ' +
            '(as `/v1/aqi/hourly` window=1h), its category and primary pollutant(s), the 24-h moving PM2.5 and PM10 and the 8-h moving O3 ending then ' +
            '(docs/standards.md §4.9, §4.10). Ranked by AQI among those reporting the area’s latest hour: 1 = cleanest, ties share a rank and the next ' +
            'skips (1, 1, 3); one silent that hour is listed with its last hour and no rank.',
          querystring: zLatestAqiQuery,
          response: { 200: zLatestAqiResponse, 400: zErrorBody, 422: zErrorBody },
        },
      },
      async (request) => latest(request.query),
    );
  const hourly = opts.hourly;
  if (!hourly) return;
  app.get(
    '/v1/aqi/hourly',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Real-time (hourly) AQI of stations and cities',
        description:
          'One row per area and hour-ending instant in [from, to) (a date: its hours labelled 01–24): the AQI, the IAQI per indicator, ' +
          'the primary pollutant(s), the category with its colour, the concentrations scored and the indicators missing (docs/standards.md §4.6, §4.7). ' +
          '`window=1h`: a station from its six valid 1-h values (PM on the 24-h breakpoints, IAQI rounded up); a city from its city values as the ' +
          'national centre forms them (its non-control stations, half up, CO 0.01; IAQI half up); a province or region answers for each of its cities. ' +
          '`window=24h`: the 24-hour moving AQI, the daily breakpoints on the 24-h moving means of PM2.5, PM10, SO2, NO2 and CO (20 of 24 hours) and the highest 8-h O3 ' +
          'of the 24 hours (windows of 6 of 8 hours); a city from the mean of its stations’ own moving values (docs/standards.md §4.9). ' +
          '`format=csv|parquet|arrow`: the same rows as a file written by ClickHouse, the nested parts spread into columns (`iaqi_pm25`, `category_zh`, `rgb`, `pm25`, `primary` and `missing` comma-separated); ' +
          'paged as `/v1/series` (`limit`, `next`, `Link` and `X-Next-Cursor`).',
        querystring: zHourlyAqiQuery,
        response: { 200: zHourlyAqiResponse, 400: zErrorBody, 422: zErrorBody },
      },
      serializerCompiler: plainPageSerializer,
    },
    async (request, reply) => {
      const q = request.query;
      const range = resolveRange(q.from, q.to, { fromMs: 0, toMs: 0 }, true);
      const page = await hourly(q, range);
      pageHeaders(request, reply, { asOf: q.asOf, range, next: page.next });
      if (page.kind === 'rows')
        return {
          level: q.level,
          window: q.window,
          from: new Date(range.fromMs).toISOString(),
          to: new Date(range.toMs).toISOString(),
          rows: page.rows,
          next: page.next,
        };
      return sendFile(reply, q.format as Exclude<SeriesFormat, 'json'>, 'aqi-hourly', page.body);
    },
  );
};
