import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '../infra/logger';
import type { FeedStatus } from '../schemas/api/feeds';
import { installErrorHandler } from './error-handler';
import { feedsRoutes } from './routes/feeds.routes';
import { healthRoutes, type ReadinessCheck } from './routes/health.routes';

export interface AppDeps {
  logger: Logger;
  /** Named checks run by /readyz: the store and the bus must answer. */
  readiness: Record<string, ReadinessCheck>;
  /** Feed health, where this process runs the pull scheduler. */
  feeds?: () => FeedStatus[];
}

/**
 * Builds the HTTP app; never listens (the composition root does). Every route validates and
 * documents itself from schemas/ through the zod type provider; /openapi.json is generated from
 * the same schemas (STYLE.md rule 4).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger.child({ module: 'api' }) as FastifyBaseLogger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'yrd-air', version: '0.1.0', description: 'PM2.5 and ozone data of the Yangtze River Delta' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { readiness: deps.readiness });
  if (deps.feeds) await app.register(feedsRoutes, { feeds: deps.feeds });
  return app;
}
