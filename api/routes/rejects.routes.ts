import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DAY_MS, InputError } from '../../kernel';
import { zErrorBody, zRejectsQuery, zRejectsResponse } from '../../schemas';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import type { RejectQueries } from '../ports';
import { resolveRange } from '../time-range';

const WEEK_MS = 7 * DAY_MS;

/**
 * `GET /v1/rejects`: what was refused and why. A centre's key sees its own centre's rejects
 * only; the coordinator's key sees all (the regional role).
 */
export const rejectsRoutes: FastifyPluginAsyncZod<{ rejects: RejectQueries; verifier: KeyVerifier }> = async (
  app,
  opts,
) => {
  app.get(
    '/v1/rejects',
    {
      schema: {
        tags: ['push'],
        summary: 'Rejected records and why',
        security: [{ bearer: [] }],
        querystring: zRejectsQuery,
        response: { 200: zRejectsResponse, 400: zErrorBody, 401: zErrorBody, 403: zErrorBody },
      },
    },
    async (request) => {
      const caller = authenticate(request, opts.verifier);
      const q = request.query;
      if (caller.centre !== 'coordinator' && q.centre !== undefined && q.centre !== caller.centre) {
        throw new InputError('AUTH_FORBIDDEN', `a ${caller.centre} key may read only ${caller.centre}'s rejects`);
      }
      const centre = caller.centre === 'coordinator' ? q.centre : caller.centre;
      const now = Date.now();
      const range = resolveRange(q.from, q.to, { fromMs: now - WEEK_MS, toMs: now + 1 }, false);
      const rows = await opts.rejects.list({ centre, code: q.code, ...range, limit: q.limit + 1 });
      return { rejects: rows.slice(0, q.limit), truncated: rows.length > q.limit };
    },
  );
};
