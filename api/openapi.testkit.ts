import { silentLogger } from '../test/helpers/logger';
import { buildApp } from './build-app';

const never = (): never => {
  throw new Error('not called: this test reads the OpenAPI document only');
};

/** An OpenAPI document as GET /openapi.json serves it. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

/** GET /openapi.json of an app with every route registered (no port is called). */
export async function servedOpenApiDocument(): Promise<OpenApiDocument> {
  const app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    ingest: { feeds: () => [], push: never },
    qcLimits: {
      maxPlausible: { pm25: 1, pm10: 1, o3: 1, no2: 1, so2: 1, co: 1 },
      pmTolerance: { relative: 0, absoluteUgM3: 0 },
      constantRun: { hours: 1, floor: { pm25: 1, pm10: 1, o3: 1, no2: 1, so2: 1, co: 1 } },
      spike: { jump: { pm25: 1, pm10: 1, o3: 1, no2: 1, so2: 1, co: 1 }, ratio: 1 },
    },
    auth: { verify: () => undefined },
    queries: {
      rejects: { list: never },
      flags: { list: never },
      stations: { current: never, versions: never },
      scorecards: { perStation: never, rejectsByCode: never },
      changes: { list: never },
      exceptionalDays: { list: never, record: never },
      species: { record: never, hourly: never },
      forecasts: { record: never, inForce: never },
    },
    views: {
      aqi: never,
      aqiHourly: never,
      aqiLatest: never,
      compliance: never,
      series: never,
      ozone: never,
      apportionment: { regional: never, transport: never, factors: never },
      forecast: never,
      trends: never,
      forecastVerification: never,
      forecastConsultation: never,
    },
  });
  try {
    return (await app.inject('/openapi.json')).json() as OpenApiDocument;
  } finally {
    await app.close();
  }
}
