import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  zForecastQuery,
  zForecastResponse,
  zTrendsQuery,
  zTrendsResponse,
  type ForecastQuery,
  type ForecastResponse,
  type TrendsQuery,
  type TrendsResponse,
  zErrorBody,
} from '../../schemas';

/** `GET /v1/compliance/forecast` and `GET /v1/trends`. */
export const forecastRoutes: FastifyPluginAsyncZod<{
  forecast: (q: ForecastQuery) => Promise<ForecastResponse>;
  trends: (q: TrendsQuery) => Promise<TrendsResponse>;
}> = async (app, opts) => {
  app.get(
    '/v1/compliance/forecast',
    {
      schema: {
        tags: ['statistics'],
        summary:
          'Where the year’s PM2.5 stands against its target: year to date, remaining budget, projection, chance, verdict',
        querystring: zForecastQuery,
        response: { 200: zForecastResponse, 400: zErrorBody, 422: zErrorBody },
      },
    },
    async (request) => opts.forecast(request.query),
  );
  app.get(
    '/v1/trends',
    {
      schema: {
        tags: ['statistics'],
        summary:
          'Theil–Sen trend of monthly means with its interval, per year and per cent per year, and the year of reaching the target',
        querystring: zTrendsQuery,
        response: { 200: zTrendsResponse, 400: zErrorBody, 422: zErrorBody },
      },
    },
    async (request) => opts.trends(request.query),
  );
};
