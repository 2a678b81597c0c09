import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { zFeedsResponse, type FeedStatus } from '../../schemas';

/** `GET /v1/feeds`: each feed's last success, lag behind now, error count and last error. */
export const feedsRoutes: FastifyPluginAsyncZod<{ feeds: () => FeedStatus[] }> = async (app, opts) => {
  app.get(
    '/v1/feeds',
    { schema: { tags: ['feeds'], summary: 'Health of the pulled feeds', response: { 200: zFeedsResponse } } },
    async () => ({ feeds: opts.feeds() }),
  );
};
