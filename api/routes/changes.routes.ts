import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { InputError } from '../../kernel';
import { zChangesQuery, zChangesResponse, zErrorBody } from '../../schemas';
import type { ChangeCursor, ChangeQueries, StationQueries } from '../ports';

const encode = (c: ChangeCursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(s: string): ChangeCursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as ChangeCursor;
    if (typeof c.arrivedMs !== 'number' || typeof c.station !== 'string') throw new Error('shape');
    return c;
  } catch {
    throw new InputError('QUERY_INVALID', 'after: not a cursor from a previous page', { after: s });
  }
}

/**
 * `GET /v1/changes?since=`: every revision that arrived after an instant, audited replacements
 * included, in arrival order and paged by cursor — so a modeler refreshes only what changed.
 */
export const changesRoutes: FastifyPluginAsyncZod<{ changes: ChangeQueries; stations: StationQueries }> = async (
  app,
  opts,
) => {
  app.get(
    '/v1/changes',
    {
      schema: {
        tags: ['series'],
        summary: 'What changed since an instant',
        querystring: zChangesQuery,
        response: { 200: zChangesResponse, 400: zErrorBody },
      },
    },
    async (request) => {
      const q = request.query;
      const stations = q.province
        ? ((await opts.stations.current({ province: q.province, atMs: Date.now() }))?.stations.map((s) => s.code) ?? [])
        : undefined;
      const page = await opts.changes.list({
        sinceMs: Date.parse(q.since),
        after: q.after ? decode(q.after) : undefined,
        pollutant: q.pollutant,
        stations,
        limit: q.limit,
      });
      return { changes: page.changes, next: page.changes.length === q.limit && page.last ? encode(page.last) : null };
    },
  );
};
