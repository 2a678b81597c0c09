import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { zRegionalQuery, zRegionalResponse, zTransportQuery, zTransportResponse, type RegionalQuery, type RegionalResponse, type TransportQuery, type TransportResponse } from '../../schemas/api/apportionment';
import { zErrorBody } from '../../schemas/errors';
import { resolveRange, type Range } from '../time-range';

export interface ApportionmentViews {
  regional: (q: RegionalQuery, range: Range) => Promise<RegionalResponse>;
  transport: (q: TransportQuery, range: Range) => Promise<TransportResponse>;
}

/** Source-apportionment views (issue 6): local vs regional, and province-to-province transport. */
export const apportionmentRoutes: FastifyPluginAsyncZod<{ views: ApportionmentViews }> = async (app, opts) => {
  app.get(
    '/v1/apportionment/regional',
    {
      schema: {
        tags: ['apportionment'],
        summary: 'Regional background and local increment of a city (urban-increment method)',
        querystring: zRegionalQuery,
        response: { 200: zRegionalResponse, 400: zErrorBody, 422: zErrorBody },
      },
    },
    async (request) => opts.views.regional(request.query, resolveRange(request.query.from, request.query.to, { fromMs: 0, toMs: 0 }, true)),
  );
  app.get(
    '/v1/apportionment/transport',
    {
      schema: {
        tags: ['apportionment'],
        summary: 'Province-to-province influence: best lag, effect and significance per pair',
        querystring: zTransportQuery,
        response: { 200: zTransportResponse, 400: zErrorBody, 422: zErrorBody },
      },
    },
    async (request) => opts.views.transport(request.query, resolveRange(request.query.from, request.query.to, { fromMs: 0, toMs: 0 }, true)),
  );
};
