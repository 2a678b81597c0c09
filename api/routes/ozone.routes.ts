import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { zOzoneQuery, zOzoneResponse, type OzoneQuery, type OzoneResponse, zErrorBody } from '../../schemas';

/** `GET /v1/ozone?level=&id=&from=&to=`: what an ozone dashboard plots. */
export const ozoneRoutes: FastifyPluginAsyncZod<{ ozone: (q: OzoneQuery) => Promise<OzoneResponse> }> = async (
  app,
  opts,
) => {
  app.get(
    '/v1/ozone',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Ozone: MDA8 series, rolling 365-day P90, exceedance days, warm-season statistics and trend',
        querystring: zOzoneQuery,
        response: { 200: zOzoneResponse, 400: zErrorBody, 422: zErrorBody },
      },
    },
    async (request) => opts.ozone(request.query),
  );
};
