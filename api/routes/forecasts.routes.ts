import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkForecasts } from '../../ingest';
import { InputError } from '../../kernel';
import {
  type ConsultationQuery,
  type ConsultationResponse,
  type Province,
  type VerificationQuery,
  type VerificationResponse,
  zConsultationQuery,
  zConsultationResponse,
  zErrorBody,
  zForecastPushResult,
  zForecastsQuery,
  zForecastsResponse,
  zVerificationQuery,
  zVerificationResponse,
} from '../../schemas';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import { perKeyRateLimit } from '../auth/push-rate-limit';
import type { ForecastStore, StationQueries } from '../ports';

/** The most forecasts one `GET /v1/forecasts` answers; a wider query is refused (422). */
const MAX_FORECAST_ROWS = 100_000;

export interface ForecastRouteOptions {
  store: ForecastStore;
  stations: StationQueries;
  verifier: KeyVerifier;
  verification?: (q: VerificationQuery) => Promise<VerificationResponse>;
  consultation?: (q: ConsultationQuery) => Promise<ConsultationResponse>;
  bodyLimitBytes: number;
  ratePerMinute: number;
}

/**
 * The centres' daily city AQI forecasts (预测预报): `POST /v1/forecasts` (a centre's key for its own
 * province's cities, the coordinator's for any; JSON or `text/csv`), `GET /v1/forecasts` (the issues
 * in force, or in force at `asOf`), `GET /v1/forecasts/verification` and `/v1/forecasts/consultation`.
 * Forecasts are few (41 cities × a few sources × 8 leads a day) and not readings: they skip the bus
 * and quality control, and the API stores them itself, answering once the insert has returned
 * (ARCHITECTURE.md invariant 1), as `POST /v1/species` does.
 */
export const forecastsRoutes: FastifyPluginAsyncZod<ForecastRouteOptions> = async (app, opts) => {
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'buffer', bodyLimit: opts.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/forecasts',
    {
      bodyLimit: opts.bodyLimitBytes,
      config: { rateLimit: perKeyRateLimit(opts.ratePerMinute) },
      schema: {
        tags: ['forecasts'],
        summary: 'Post city AQI forecasts (JSON array, or text/csv with the same field names)',
        security: [{ bearer: [] }],
        body: z
          .unknown()
          .describe(
            'JSON array of { city, source, issuedAt, validDate, aqiLow, aqiHigh, category?, primary: [], pm25?, o3_mda8? }, or CSV with that header (primary separated by ;)',
          ),
        response: { 202: zForecastPushResult, 400: zErrorBody, 401: zErrorBody, 413: zErrorBody, 429: zErrorBody },
      },
    },
    async (request, reply) => {
      const caller = authenticate(request, opts.verifier);
      const now = Date.now();
      const list = await opts.stations.current({ atMs: now });
      const cities = new Map<string, Province>((list?.stations ?? []).map((s) => [s.city, s.province]));
      const { accepted, rejected } = checkForecasts({
        centre: caller.centre,
        body: request.body,
        format: Buffer.isBuffer(request.body) ? 'csv' : 'json',
        cities,
        receivedAtMs: now,
      });
      await opts.store.record(accepted);
      request.log.info(
        { centre: caller.centre, keyId: caller.keyId, accepted: accepted.length, rejected: rejected.length },
        'forecasts received',
      );
      return reply.status(202).send({ accepted: accepted.length, rejected });
    },
  );

  app.get(
    '/v1/forecasts',
    {
      schema: {
        tags: ['forecasts'],
        summary: 'The forecasts in force (each identity’s latest issue), or in force at asOf',
        querystring: zForecastsQuery,
        response: { 200: zForecastsResponse, 400: zErrorBody, 422: zErrorBody },
      },
    },
    async (request) => {
      const q = request.query;
      const forecasts = await opts.store.inForce({
        asOfMs: q.asOf === undefined ? undefined : Date.parse(q.asOf),
        fromDay: q.validDate,
        toDay: q.validDate,
        cities: q.city === undefined ? undefined : [q.city],
        source: q.source,
        lead: q.lead,
        limit: MAX_FORECAST_ROWS + 1,
      });
      if (forecasts.length > MAX_FORECAST_ROWS)
        throw new InputError(
          'QUERY_UNPROCESSABLE',
          `more than ${MAX_FORECAST_ROWS} forecasts: narrow by validDate, city, source or lead`,
          { limit: MAX_FORECAST_ROWS },
        );
      return { asOf: q.asOf ?? null, forecasts };
    },
  );

  const verification = opts.verification;
  if (verification) {
    app.get(
      '/v1/forecasts/verification',
      {
        schema: {
          tags: ['forecasts'],
          summary: 'Forecast verification per source and lead against the observed city daily AQI',
          querystring: zVerificationQuery,
          response: { 200: zVerificationResponse, 400: zErrorBody, 422: zErrorBody },
        },
      },
      async (request) => verification(request.query),
    );
  }

  const consultation = opts.consultation;
  if (consultation) {
    app.get(
      '/v1/forecasts/consultation',
      {
        schema: {
          tags: ['forecasts'],
          summary: 'Consultation (会商): every city’s forecasts for a day side by side, with disagreement flags',
          querystring: zConsultationQuery,
          response: { 200: zConsultationResponse, 400: zErrorBody },
        },
      },
      async (request) => consultation(request.query),
    );
  }
};
