import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { encodeCursor, type SeriesPage } from '../../views';
import { zSeriesQuery, zSeriesResponse, type SeriesFormat, type SeriesQuery, zErrorBody } from '../../schemas';
import { resolveRange, type Range } from '../time-range';
import { pageHeaders, sendFile } from './page-reply';

/** `GET /v1/series`: station, city, province or region series at hour, day, month or year resolution, paged. */
export const seriesRoutes: FastifyPluginAsyncZod<{
  series: (q: SeriesQuery, range: Range) => Promise<SeriesPage>;
}> = async (app, opts) => {
  app.get(
    '/v1/series',
    {
      schema: {
        tags: ['series'],
        summary: 'Series for modelers: several areas and pollutants, hour to year, with data capture',
        description:
          'JSON by default; `format=csv|parquet|arrow` returns the same columns as a file written by ClickHouse, named as the JSON fields (`nValid`, `nExpected`): ' +
          'in CSV `time` is the JSON text (an hour-ending instant as ISO 8601 in UTC, `2025-02-28T17:00:00Z`; a day as its date) and a missing value an empty cell; ' +
          'in Parquet and Arrow an instant is a timestamp in UTC (milliseconds), a day a date. ' +
          'Pages hold at most `limit` rows; when more follow, the JSON carries `next` and every format a `Link: <…>; rel="next"` header and `X-Next-Cursor`.',
        querystring: zSeriesQuery,
        response: { 200: zSeriesResponse, 400: zErrorBody, 422: zErrorBody },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const range = resolveRange(q.from, q.to, { fromMs: 0, toMs: 0 }, true);
      const page = await opts.series(q, range);
      const next = page.next ? encodeCursor(page.next) : null;
      pageHeaders(request, reply, { asOf: q.asOf, range, next });
      if (page.kind === 'rows')
        return {
          level: q.level,
          resolution: q.resolution,
          from: new Date(range.fromMs).toISOString(),
          to: new Date(range.toMs).toISOString(),
          rows: page.rows,
          next,
        };
      // A file ClickHouse wrote (.arrow for Arrow IPC).
      return sendFile(reply, q.format as Exclude<SeriesFormat, 'json'>, 'series', page.body);
    },
  );
};
