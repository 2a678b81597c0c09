import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../infra/logger';
import { installErrorHandler } from './error-handler';
import { healthRoutes, type ReadinessCheck } from './routes/health.routes';

export interface AppDeps {
  logger: Logger;
  /** Named checks run by /readyz: the store and the bus must answer. */
  readiness: Record<string, ReadinessCheck>;
}

/** Builds the HTTP app; never listens (the composition root does). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger.child({ module: 'api' }) as FastifyBaseLogger });
  installErrorHandler(app);
  await app.register(healthRoutes, { readiness: deps.readiness });
  return app;
}
