import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { zAqiQuery, zAqiResponse, type AqiQuery, type AqiResponse, zErrorBody } from '../../schemas';

/** `GET /v1/aqi?level=&id=&date=`: daily AQI, IAQI per pollutant, category and primary pollutant(s). */
export const aqiRoutes: FastifyPluginAsyncZod<{ aqi: (q: AqiQuery) => Promise<AqiResponse> }> = async (app, opts) => {
  app.get(
    '/v1/aqi',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Daily AQI of a station, city, province or region',
        querystring: zAqiQuery,
        response: { 200: zAqiResponse, 400: zErrorBody },
      },
    },
    async (request) => opts.aqi(request.query),
  );
};
