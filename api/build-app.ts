import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { Logger } from '../kernel';
import type { QcLimits } from '../schemas';
import type { Views } from '../views';
import type { KeyVerifier } from './auth/centre-keys';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './error-handler';
import { openApiTransforms } from './openapi';
import type { IngestPorts, StoreQueries } from './ports';
import { parseQueryString } from './query-string';
import { aqiRoutes } from './routes/aqi.routes';
import { changesRoutes } from './routes/changes.routes';
import { complianceRoutes } from './routes/compliance.routes';
import { feedsRoutes } from './routes/feeds.routes';
import { installDeliveryMetrics, installMetrics } from './routes/metrics.routes';
import { centreSummaries } from './scorecard';
import { healthRoutes, type ReadinessCheck } from './routes/health.routes';
import { readingsPushRoutes } from './routes/readings-push.routes';
import { rejectsRoutes } from './routes/rejects.routes';
import { flagsRoutes } from './routes/flags.routes';
import { scorecardRoutes } from './routes/scorecard.routes';
import { seriesRoutes } from './routes/series.routes';
import { ozoneRoutes } from './routes/ozone.routes';
import { dashboardRoutes } from './routes/dashboard.routes';
import { exceptionalDaysRoutes } from './routes/exceptional-days.routes';
import { apportionmentRoutes } from './routes/apportionment.routes';
import { speciesRoutes } from './routes/species.routes';
import { forecastRoutes } from './routes/forecast.routes';
import { forecastsRoutes } from './routes/forecasts.routes';
import { stationsRoutes } from './routes/stations.routes';

/**
 * What the app serves, in groups. Every group and member is optional where a role may leave it
 * out: the ingest role gives `ingest.feeds` and `metrics` only; the api role has no `ingest.feeds`.
 */
export interface AppDeps {
  logger: Logger;
  /** Named checks run by /readyz: the store and the bus must answer. */
  readiness: Record<string, ReadinessCheck>;
  /** The process's one metrics registry, served at /metrics. */
  metrics?: Registry;
  /** The dashboard page at `/` (default on). */
  dashboard?: boolean;
  /** Centre keys: needed by the routes a centre calls (push, species, rejects, scorecards, exceptional days). */
  auth?: KeyVerifier;
  /** The store's reads and records behind the listing and upload routes. */
  queries?: StoreQueries;
  /** The request-time views (views/): each route is served when its view is given. */
  views?: Partial<Views>;
  ingest?: IngestPorts;
  limits?: { pushBodyLimitBytes: number; pushPerMinute: number };
  /** The limits quality control applies (processing's), to word `GET /v1/flags`'s reasons. */
  qcLimits?: QcLimits;
}

/**
 * Builds the HTTP app; never listens (the composition root does). Every route validates and
 * documents itself from schemas/ through the zod type provider; /openapi.json is generated from
 * the same schemas (ARCHITECTURE.md rule 4). Routes whose ports are absent are not registered, so each
 * role serves what it can answer.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ module: 'api' }) as FastifyBaseLogger,
    // The refusals made before any route (the router's, Node's HTTP parser's) in the one error shape.
    frameworkErrors,
    clientErrorHandler,
    // An instant's `+08:00` sent unencoded arrives as a space: read it as the `+` it was.
    routerOptions: { querystringParser: parseQueryString },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  if (deps.metrics) installMetrics(app, deps.metrics);
  await app.register(cors, { origin: true, methods: ['GET', 'POST'] });
  await app.register(compress, { global: true, threshold: 1024 });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'yrd-air', version: '0.1.0', description: 'PM2.5 and ozone data of the Yangtze River Delta' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A centre key from `yrd-air keys issue <centre>`' },
        },
      },
    },
    // Named schemas as components and `$ref`s, for client generators (api/openapi.ts).
    ...openApiTransforms(),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (deps.dashboard !== false) await app.register(dashboardRoutes);
  await app.register(healthRoutes, { readiness: deps.readiness });
  const { feeds, push } = deps.ingest ?? {};
  const { stations, rejects, scorecards, changes, exceptionalDays, species } = deps.queries ?? {};
  const flags = deps.queries?.flags;
  const views = deps.views ?? {};
  const verifier = deps.auth;
  if (feeds) await app.register(feedsRoutes, { feeds });
  if (stations) await app.register(stationsRoutes, { stations });
  if (views.aqi) await app.register(aqiRoutes, { aqi: views.aqi, hourly: views.aqiHourly, latest: views.aqiLatest });
  if (changes && stations) await app.register(changesRoutes, { changes, stations });
  if (views.compliance) await app.register(complianceRoutes, { compliance: views.compliance });
  if (views.series) await app.register(seriesRoutes, { series: views.series });
  if (views.ozone) await app.register(ozoneRoutes, { ozone: views.ozone });
  if (views.apportionment) await app.register(apportionmentRoutes, { views: views.apportionment });
  if (views.forecast && views.trends)
    await app.register(forecastRoutes, { forecast: views.forecast, trends: views.trends });
  if (verifier && rejects) await app.register(rejectsRoutes, { rejects, verifier });
  if (verifier && flags && stations && deps.qcLimits)
    await app.register(flagsRoutes, { flags, stations, verifier, limits: deps.qcLimits });
  if (deps.metrics && scorecards && stations) {
    const scorecardDeps = { scorecards, stations };
    installDeliveryMetrics(deps.metrics, () => centreSummaries(scorecardDeps, 24, Date.now()));
  }
  if (verifier && scorecards && stations) await app.register(scorecardRoutes, { scorecards, stations, verifier });
  if (verifier && exceptionalDays && stations)
    await app.register(exceptionalDaysRoutes, { store: exceptionalDays, stations, verifier });
  const limits = deps.limits ?? { pushBodyLimitBytes: 16 * 1024 * 1024, pushPerMinute: 120 };
  if (verifier && species && stations) {
    await app.register(speciesRoutes, {
      store: species,
      stations,
      verifier,
      bodyLimitBytes: limits.pushBodyLimitBytes,
      ratePerMinute: limits.pushPerMinute,
    });
  }
  const forecasts = deps.queries?.forecasts;
  if (verifier && forecasts && stations) {
    await app.register(forecastsRoutes, {
      store: forecasts,
      stations,
      verifier,
      verification: views.forecastVerification,
      consultation: views.forecastConsultation,
      bodyLimitBytes: limits.pushBodyLimitBytes,
      ratePerMinute: limits.pushPerMinute,
    });
  }
  if (verifier && push) {
    await app.register(readingsPushRoutes, {
      push,
      verifier,
      bodyLimitBytes: limits.pushBodyLimitBytes,
      ratePerMinute: limits.pushPerMinute,
    });
  }
  return app;
}
