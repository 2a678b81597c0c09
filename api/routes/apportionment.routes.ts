import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  zRegionalQuery,
  zRegionalResponse,
  zTransportQuery,
  zTransportResponse,
  zErrorBody,
  zFactorsQuery,
  zFactorsResponse,
} from '../../schemas';
import type { ApportionmentViews } from '../../views';
import { resolveRange } from '../time-range';

/** Source-apportionment views: local vs regional, province-to-province transport, source factors. */
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
    async (request) =>
      opts.views.regional(
        request.query,
        resolveRange(request.query.from, request.query.to, { fromMs: 0, toMs: 0 }, true),
      ),
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
    async (request) =>
      opts.views.transport(
        request.query,
        resolveRange(request.query.from, request.query.to, { fromMs: 0, toMs: 0 }, true),
      ),
  );
  const factors = opts.views.factors;
  if (factors) {
    app.get(
      '/v1/apportionment/factors',
      {
        schema: {
          tags: ['apportionment'],
          summary:
            'Source factors (PMF-style): profiles, contributions, Q, bootstrap, labels; supersite species when present',
          querystring: zFactorsQuery,
          response: { 200: zFactorsResponse, 400: zErrorBody, 422: zErrorBody },
        },
      },
      async (request) =>
        factors(request.query, resolveRange(request.query.from, request.query.to, { fromMs: 0, toMs: 0 }, true)),
    );
  }
};
