import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { DAY_MS } from '../../kernel';
import type { SeriesFormat } from '../../schemas';
import type { Range } from '../time-range';

/** The content type of each file a paged route (series, hourly AQI) has the engine write. */
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
function cacheControl(asOf: string | undefined, range: Range, now: number): string {
  if (asOf !== undefined && Date.parse(asOf) < now) return 'public, max-age=31536000, immutable';
  if (range.toMs < now - 62 * DAY_MS) return 'public, max-age=3600';
  return 'public, max-age=60';
}

/**
 * The headers of a page: its cache lifetime and, when more rows follow, `Link: <…>; rel="next"`
 * (the request's URL with `cursor`) and `X-Next-Cursor` — in every format alike.
 */
export function pageHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { asOf: string | undefined; range: Range; next: string | null },
): void {
  void reply.header('cache-control', cacheControl(page.asOf, page.range, Date.now()));
  if (page.next) {
    const url = new URL(request.url, 'http://x');
    url.searchParams.set('cursor', page.next);
    void reply.header('link', `<${url.pathname}${url.search}>; rel="next"`).header('x-next-cursor', page.next);
  }
}

/** A file the engine wrote, sent as bytes (past the route's JSON response schema) as `<name>.<format>`. */
export function sendFile(
  reply: FastifyReply,
  format: Exclude<SeriesFormat, 'json'>,
  name: string,
  body: NodeJS.ReadableStream,
): FastifyReply {
  return reply
    .header('content-type', CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .send(body as never);
}

/**
 * The serializer of a paged route (the `serializerCompiler` route option): its 200 page written
 * with JSON.stringify, every other status through its schema as everywhere else. The schema's
 * encoder walks each value of each row to check it, and for a year of hourly rows that took ten
 * times as long as forming them; the view builds the rows as the schema's inferred type, so the
 * walk adds no guarantee the compiler has not given — and the route's tests parse the answers
 * against the same schema (an answer holding anything else fails them).
 */
export function plainPageSerializer<S>(route: FastifyRouteSchemaDef<S>): (data: unknown) => string {
  // fastify hands each status its own response schema, typed loosely as the route's schema.
  if (route.httpStatus !== '200') return serializerCompiler(route as FastifyRouteSchemaDef<ZodType>);
  return (data) => JSON.stringify(data);
}
