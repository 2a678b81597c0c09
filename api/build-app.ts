import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { PushRequest } from '../ingest';
import type { Logger } from '../kernel';
import type {
  FeedStatus,
  PushResult,
  AqiQuery,
  AqiResponse,
  ComplianceQuery,
  ComplianceResponse,
  ForecastQuery,
  ForecastResponse,
  TrendsQuery,
  TrendsResponse,
  OzoneQuery,
  OzoneResponse,
  SeriesQuery,
} from '../schemas';
import type { KeyVerifier } from './auth/centre-keys';
import { installErrorHandler } from './error-handler';
import type {
  ChangeQueries,
  ExceptionalDayStore,
  RejectQueries,
  ScorecardQueries,
  SpeciesStore,
  StationQueries,
} from './ports';
import { aqiRoutes } from './routes/aqi.routes';
import { changesRoutes } from './routes/changes.routes';
import { complianceRoutes } from './routes/compliance.routes';
import { feedsRoutes } from './routes/feeds.routes';
import { installDeliveryMetrics, installMetrics } from './routes/metrics.routes';
import { centreSummaries } from './scorecard';
import { healthRoutes, type ReadinessCheck } from './routes/health.routes';
import { readingsPushRoutes } from './routes/readings-push.routes';
import { rejectsRoutes } from './routes/rejects.routes';
import { scorecardRoutes } from './routes/scorecard.routes';
import { seriesRoutes } from './routes/series.routes';
import { ozoneRoutes } from './routes/ozone.routes';
import { dashboardRoutes } from './routes/dashboard.routes';
import { exceptionalDaysRoutes } from './routes/exceptional-days.routes';
import { apportionmentRoutes, type ApportionmentViews } from './routes/apportionment.routes';
import { speciesRoutes } from './routes/species.routes';
import { forecastRoutes } from './routes/forecast.routes';
import type { SeriesPage } from '../views';
import type { Range } from './time-range';
import { stationsRoutes } from './routes/stations.routes';

export interface AppDeps {
  logger: Logger;
  /** Named checks run by /readyz: the store and the bus must answer. */
  readiness: Record<string, ReadinessCheck>;
  /** Feed health, where this process runs the pull scheduler. */
  feeds?: () => FeedStatus[];
  /** Centre keys: needed by the push and rejects routes. */
  verifier?: KeyVerifier;
  /** The ingest side of pushes, where this process can publish to the bus. */
  push?: (req: PushRequest) => Promise<PushResult>;
  rejects?: RejectQueries;
  stations?: StationQueries;
  scorecards?: ScorecardQueries;
  changes?: ChangeQueries;
  aqi?: (q: AqiQuery) => Promise<AqiResponse>;
  compliance?: (q: ComplianceQuery) => Promise<ComplianceResponse>;
  series?: (q: SeriesQuery, range: Range) => Promise<SeriesPage>;
  ozone?: (q: OzoneQuery) => Promise<OzoneResponse>;
  exceptionalDays?: ExceptionalDayStore;
  apportionment?: ApportionmentViews;
  /** Speciated supersite readings: `POST /v1/species`. */
  species?: SpeciesStore;
  forecast?: (q: ForecastQuery) => Promise<ForecastResponse>;
  trends?: (q: TrendsQuery) => Promise<TrendsResponse>;
  /** The dashboard page at `/` (default on). */
  dashboard?: boolean;
  limits?: { pushBodyLimitBytes: number; pushPerMinute: number };
  /** The process's one metrics registry, served at /metrics. */
  metrics?: Registry;
}

/**
 * Builds the HTTP app; never listens (the composition root does). Every route validates and
 * documents itself from schemas/ through the zod type provider; /openapi.json is generated from
 * the same schemas (ARCHITECTURE.md rule 4). Routes whose ports are absent are not registered, so each
 * role serves what it can answer.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger.child({ module: 'api' }) as FastifyBaseLogger });
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
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (deps.dashboard !== false) await app.register(dashboardRoutes);
  await app.register(healthRoutes, { readiness: deps.readiness });
  if (deps.feeds) await app.register(feedsRoutes, { feeds: deps.feeds });
  if (deps.stations) await app.register(stationsRoutes, { stations: deps.stations });
  if (deps.aqi) await app.register(aqiRoutes, { aqi: deps.aqi });
  if (deps.changes && deps.stations)
    await app.register(changesRoutes, { changes: deps.changes, stations: deps.stations });
  if (deps.compliance) await app.register(complianceRoutes, { compliance: deps.compliance });
  if (deps.series) await app.register(seriesRoutes, { series: deps.series });
  if (deps.ozone) await app.register(ozoneRoutes, { ozone: deps.ozone });
  if (deps.apportionment) await app.register(apportionmentRoutes, { views: deps.apportionment });
  if (deps.forecast && deps.trends)
    await app.register(forecastRoutes, { forecast: deps.forecast, trends: deps.trends });
  if (deps.verifier && deps.rejects)
    await app.register(rejectsRoutes, { rejects: deps.rejects, verifier: deps.verifier });
  if (deps.metrics && deps.scorecards && deps.stations) {
    const scorecardDeps = { scorecards: deps.scorecards, stations: deps.stations };
    installDeliveryMetrics(deps.metrics, () => centreSummaries(scorecardDeps, 24, Date.now()));
  }
  if (deps.verifier && deps.scorecards && deps.stations) {
    await app.register(scorecardRoutes, {
      scorecards: deps.scorecards,
      stations: deps.stations,
      verifier: deps.verifier,
    });
  }
  if (deps.verifier && deps.exceptionalDays && deps.stations) {
    await app.register(exceptionalDaysRoutes, {
      store: deps.exceptionalDays,
      stations: deps.stations,
      verifier: deps.verifier,
    });
  }
  if (deps.verifier && deps.species && deps.stations) {
    const limits = deps.limits ?? { pushBodyLimitBytes: 16 * 1024 * 1024, pushPerMinute: 120 };
    await app.register(speciesRoutes, {
      store: deps.species,
      stations: deps.stations,
      verifier: deps.verifier,
      bodyLimitBytes: limits.pushBodyLimitBytes,
      ratePerMinute: limits.pushPerMinute,
    });
  }
  if (deps.verifier && deps.push) {
    const limits = deps.limits ?? { pushBodyLimitBytes: 16 * 1024 * 1024, pushPerMinute: 120 };
    await app.register(readingsPushRoutes, {
      push: deps.push,
      verifier: deps.verifier,
      bodyLimitBytes: limits.pushBodyLimitBytes,
      ratePerMinute: limits.pushPerMinute,
    });
  }
  return app;
}
