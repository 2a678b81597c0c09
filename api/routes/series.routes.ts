import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DAY_MS } from '../../kernel';
import { encodeCursor, type SeriesPage } from '../../views';
import { zSeriesQuery, zSeriesResponse, type SeriesFormat, type SeriesQuery, zErrorBody } from '../../schemas';
import { resolveRange, type Range } from '../time-range';

const CONTENT_TYPES: Record<Exclude<SeriesFormat, 'json'>, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
};

/**
 * How long a page may be cached: for ever once it answers "as of" a past instant (what had
 * arrived by then cannot change); an hour for data older than the audit window (provisional
 * values are replaced by audited ones early in the following month, docs/standards.md §7); a minute
 * otherwise, as new hours arrive.
 */
function cacheControl(q: SeriesQuery, range: Range, now: number): string {
  if (q.asOf !== undefined && Date.parse(q.asOf) < now) return 'public, max-age=31536000, immutable';
  if (range.toMs < now - 62 * DAY_MS) return 'public, max-age=3600';
  return 'public, max-age=60';
}

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
      void reply.header('cache-control', cacheControl(q, range, Date.now()));
      if (next) {
        const url = new URL(request.url, 'http://x');
        url.searchParams.set('cursor', next);
        void reply.header('link', `<${url.pathname}${url.search}>; rel="next"`).header('x-next-cursor', next);
      }
      if (page.kind === 'rows')
        return {
          level: q.level,
          resolution: q.resolution,
          from: new Date(range.fromMs).toISOString(),
          to: new Date(range.toMs).toISOString(),
          rows: page.rows,
          next,
        };
      const format = q.format as Exclude<SeriesFormat, 'json'>;
      return (
        reply
          .header('content-type', CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="series.${format === 'arrow' ? 'arrow' : format}"`)
          // A file ClickHouse wrote: sent as bytes, past the JSON response schema.
          .send(page.body as never)
      );
    },
  );
};
