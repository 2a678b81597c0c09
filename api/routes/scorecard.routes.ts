import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { InputError } from '../../infra/errors';
import { zErrorBody } from '../../schemas/errors';
import { zScorecard, zScorecardParams, zScorecardQuery } from '../../schemas/api/scorecard';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import type { ScorecardQueries, StationQueries } from '../ports';
import { buildScorecard } from '../scorecard';
import { resolveRange } from '../time-range';

const MAX_RANGE_MS = 400 * 24 * 3_600_000;

/**
 * `GET /v1/centres/{centre}/scorecard`: timeliness, capture, rejects, corrections and audit
 * coverage of one centre. A centre's key sees its own scorecard; the coordinator's, every one.
 */
export const scorecardRoutes: FastifyPluginAsyncZod<{ scorecards: ScorecardQueries; stations: StationQueries; verifier: KeyVerifier }> = async (app, opts) => {
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
        throw new InputError('AUTH_FORBIDDEN', `a ${caller.centre} key may read only ${caller.centre}'s scorecard`, undefined, 403);
      }
      const range = resolveRange(request.query.from, request.query.to, { fromMs: 0, toMs: 0 }, true);
      if (range.toMs - range.fromMs > MAX_RANGE_MS) throw new InputError('QUERY_INVALID_RANGE', 'a scorecard covers at most 400 days');
      const list = await opts.stations.current({ province: centre, atMs: range.toMs - 1 });
      const stations = (list?.stations ?? []).filter((s) => !s.stopped).map((s) => s.code);
      // The range is on hour-ending times [from, to); the store's `time` is the hour's end too.
      const [rows, rejectsByCode] = await Promise.all([
        opts.scorecards.perStation({ stations, ...range }),
        opts.scorecards.rejectsByCode({ centre, ...range }),
      ]);
      return buildScorecard({ centre, ...range, stations, rows, rejectsByCode });
    },
  );
};
