import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { decodePageCursor, encodePageCursor, InputError } from '../../kernel';
import { zChangesQuery, zChangesResponse, zErrorBody } from '../../schemas';
import type { ChangeCursor, ChangeQueries, StationQueries } from '../ports';

const isChangeCursor = (v: unknown): v is ChangeCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ChangeCursor).arrivedMs === 'number' &&
  typeof (v as ChangeCursor).station === 'string';

function decode(s: string): ChangeCursor {
  const c = decodePageCursor(s, isChangeCursor);
  if (c) return c;
  throw new InputError('QUERY_INVALID', 'after: not a cursor from a previous page', { after: s });
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
      return {
        changes: page.changes,
        next: page.changes.length === q.limit && page.last ? encodePageCursor(page.last) : null,
      };
    },
  );
};
