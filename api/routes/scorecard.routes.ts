import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DAY_MS, InputError } from '../../kernel';
import {
  zErrorBody,
  zCentreSummaryQuery,
  zCentreSummaryResponse,
  zScorecard,
  zScorecardParams,
  zScorecardQuery,
} from '../../schemas';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import type { ScorecardQueries, StationQueries } from '../ports';
import { centreScorecard, centreSummaries } from '../scorecard';
import { resolveRange } from '../time-range';

const MAX_RANGE_MS = 400 * DAY_MS;

/**
 * `GET /v1/centres/{centre}/scorecard`: timeliness, capture, rejects, corrections and audit
 * coverage of one centre. A centre's key sees its own scorecard; the coordinator's, every one.
 */
export const scorecardRoutes: FastifyPluginAsyncZod<{
  scorecards: ScorecardQueries;
  stations: StationQueries;
  verifier: KeyVerifier;
}> = async (app, opts) => {
  app.get(
    '/v1/centres/:centre/scorecard',
    {
      schema: {
        tags: ['centres'],
        summary: 'Delivery scorecard of a centre',
        security: [{ bearer: [] }],
        params: zScorecardParams,
        querystring: zScorecardQuery,
        response: { 200: zScorecard, 400: zErrorBody, 401: zErrorBody, 403: zErrorBody },
      },
    },
    async (request) => {
      const caller = authenticate(request, opts.verifier);
      const { centre } = request.params;
      if (caller.centre !== 'coordinator' && caller.centre !== centre) {
        throw new InputError('AUTH_FORBIDDEN', `a ${caller.centre} key may read only ${caller.centre}'s scorecard`);
      }
      const range = resolveRange(request.query.from, request.query.to, { fromMs: 0, toMs: 0 }, true);
      if (range.toMs - range.fromMs > MAX_RANGE_MS)
        throw new InputError('QUERY_INVALID_RANGE', 'a scorecard covers at most 400 days');
      return centreScorecard(opts, centre, range);
    },
  );
  app.get(
    '/v1/centres/summary',
    {
      schema: {
        tags: ['centres'],
        summary: 'Headline delivery figures of every centre over the last hours (public: what the dashboard shows)',
        querystring: zCentreSummaryQuery,
        response: { 200: zCentreSummaryResponse, 400: zErrorBody },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'public, max-age=60');
      return {
        centres: await centreSummaries(
          opts,
          request.query.hours,
          request.query.to === undefined ? Date.now() : Date.parse(request.query.to),
        ),
      };
    },
  );
};
