import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DAY_MS, InputError } from '../../kernel';
import { type QcLimits, qcFlagReason, zErrorBody, zFlagsQuery, zFlagsResponse } from '../../schemas';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import type { FlagQueries, StationQueries } from '../ports';
import { resolveRange } from '../time-range';

const WEEK_MS = 7 * DAY_MS;

/**
 * `GET /v1/flags`: what quality control set aside or doubted — every revision with flags that
 * arrived in the range, each flag with its reason worded from the limits processing applies
 * (handed in by the composition root: api may not import processing). Keys as for /v1/rejects: a
 * centre's key sees its own province's stations, the coordinator's every station.
 */
export const flagsRoutes: FastifyPluginAsyncZod<{
  flags: FlagQueries;
  stations: StationQueries;
  verifier: KeyVerifier;
  limits: QcLimits;
}> = async (app, opts) => {
  app.get(
    '/v1/flags',
    {
      schema: {
        tags: ['push'],
        summary: 'Values quality control flagged, and why',
        security: [{ bearer: [] }],
        querystring: zFlagsQuery,
        response: { 200: zFlagsResponse, 400: zErrorBody, 401: zErrorBody, 403: zErrorBody },
      },
    },
    async (request) => {
      const caller = authenticate(request, opts.verifier);
      const q = request.query;
      if (caller.centre !== 'coordinator' && q.centre !== undefined && q.centre !== caller.centre) {
        throw new InputError('AUTH_FORBIDDEN', `a ${caller.centre} key may read only ${caller.centre}'s flags`);
      }
      const centre = caller.centre === 'coordinator' ? q.centre : caller.centre;
      // A province's stations in any version of the list, so a station since moved or closed keeps its flags.
      const stations =
        centre === undefined
          ? undefined
          : [
              ...new Set(
                (await opts.stations.versions()).flatMap((v) =>
                  v.stations.filter((s) => s.province === centre).map((s) => s.code),
                ),
              ),
            ];
      const now = Date.now();
      const range = resolveRange(q.from, q.to, { fromMs: now - WEEK_MS, toMs: now + 1 }, false);
      const rows = await opts.flags.list({
        stations,
        flag: q.flag,
        pollutant: q.pollutant,
        station: q.station,
        ...range,
        limit: q.limit + 1,
      });
      return {
        flags: rows.slice(0, q.limit).map(({ sourceFlag, missingReason, ...r }) => ({
          ...r,
          reasons: r.flags.map((flag) =>
            qcFlagReason(flag, { pollutant: r.pollutant, value: r.value, sourceFlag, missingReason }, opts.limits),
          ),
        })),
        truncated: rows.length > q.limit,
      };
    },
  );
};
