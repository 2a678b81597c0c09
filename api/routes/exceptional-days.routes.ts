import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { InputError } from '../../kernel';
import {
  zExceptionalDaysBody,
  zExceptionalDaysQuery,
  zExceptionalDaysRecorded,
  zExceptionalDaysResponse,
  zErrorBody,
} from '../../schemas';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import type { ExceptionalDayStore, StationQueries } from '../ports';

/**
 * Exceptional (sand-dust) days per city: `GET` lists a year's, `POST` records them (the
 * coordinator's key only). Statistics then come both with and without them (/v1/compliance).
 */
export const exceptionalDaysRoutes: FastifyPluginAsyncZod<{
  store: ExceptionalDayStore;
  stations: StationQueries;
  verifier: KeyVerifier;
}> = async (app, opts) => {
  app.get(
    '/v1/exceptional-days',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Recorded dust (exceptional) days of a year',
        querystring: zExceptionalDaysQuery,
        response: { 200: zExceptionalDaysResponse, 400: zErrorBody },
      },
    },
    async (request) => ({ year: request.query.year, days: await opts.store.list(request.query.year) }),
  );
  app.post(
    '/v1/exceptional-days',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Record (or remove) dust days per city — coordinator key',
        security: [{ bearer: [] }],
        body: zExceptionalDaysBody,
        response: {
          200: zExceptionalDaysRecorded,
          400: zErrorBody,
          401: zErrorBody,
          403: zErrorBody,
          422: zErrorBody,
        },
      },
    },
    async (request) => {
      const caller = authenticate(request, opts.verifier);
      if (caller.centre !== 'coordinator')
        throw new InputError('AUTH_FORBIDDEN', 'only the coordinator records exceptional days');
      const versions = await opts.stations.versions();
      const cities = new Set(versions.flatMap((v) => v.stations.map((s) => s.city)));
      const unknown = request.body.map((d, index) => ({ index, city: d.city })).filter((d) => !cities.has(d.city));
      if (unknown.length > 0) {
        throw new InputError(
          'QUERY_UNKNOWN_AREA',
          `city: ${unknown.map((u) => `record ${u.index} names ${u.city}`).join('; ')} — not a city of the station list`,
          { field: 'city', unknown },
        );
      }
      await opts.store.record(request.body, Date.now());
      return { recorded: request.body.length };
    },
  );
};
