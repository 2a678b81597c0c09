import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { zErrorBody, zStationsQuery, zStationsResponse } from '../../schemas';
import type { StationQueries } from '../ports';

/** `GET /v1/stations?province=&city=`: the stations of the list version in force today. */
export const stationsRoutes: FastifyPluginAsyncZod<{ stations: StationQueries }> = async (app, opts) => {
  app.get(
    '/v1/stations',
    {
      schema: {
        tags: ['stations'],
        summary: 'Monitoring stations',
        querystring: zStationsQuery,
        response: { 200: zStationsResponse, 400: zErrorBody },
      },
    },
    async (request, reply) => {
      const version = await opts.stations.current({ ...request.query, atMs: Date.now() });
      void reply.header('cache-control', 'public, max-age=300');
      return version
        ? { version: version.version, validFrom: version.validFrom, stations: version.stations }
        : { version: '', validFrom: '', stations: [] };
    },
  );
};
