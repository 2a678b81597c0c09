import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PushRequest } from '../../ingest';
import { DAY_MS } from '../../kernel';
import { zErrorBody, zPushQuery, zPushResult, type PushResult } from '../../schemas';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import { perKeyRateLimit } from '../auth/push-rate-limit';

export interface PushRouteOptions {
  push: (req: PushRequest) => Promise<PushResult>;
  verifier: KeyVerifier;
  bodyLimitBytes: number;
  /** Requests per key per minute. */
  ratePerMinute: number;
}

const IDEMPOTENCY_TTL_MS = DAY_MS;
const IDEMPOTENCY_MAX_ENTRIES = 10_000;

/**
 * `POST /v1/readings`: a centre's bearer key, its own stations only (the coordinator
 * any), a JSON array or archive CSV (`text/csv`), a size limit, a rate limit per key, and an
 * `Idempotency-Key` so a retried push returns the first answer. Answers 202 once the accepted
 * readings are durable.
 */
export const readingsPushRoutes: FastifyPluginAsyncZod<PushRouteOptions> = async (app, opts) => {
  const answered = new Map<string, { at: number; result: PushResult }>();
  app.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'buffer', bodyLimit: opts.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/readings',
    {
      bodyLimit: opts.bodyLimitBytes,
      config: {
        rateLimit: perKeyRateLimit(opts.ratePerMinute),
      },
      schema: {
        tags: ['push'],
        summary: 'Push hourly readings (JSON array of readings, or archive CSV as text/csv)',
        security: [{ bearer: [] }],
        querystring: zPushQuery,
        body: z.unknown().describe('JSON array of { station, pollutant, time, value, status?, flag? }, or archive CSV'),
        response: { 202: zPushResult, 400: zErrorBody, 401: zErrorBody, 413: zErrorBody, 429: zErrorBody },
      },
    },
    async (request, reply) => {
      const caller = authenticate(request, opts.verifier);
      const idem = request.headers['idempotency-key'];
      const idemKey =
        typeof idem === 'string' && idem.length > 0 && idem.length <= 200 ? `${caller.centre}|${idem}` : undefined;
      const now = Date.now();
      const earlier = idemKey ? answered.get(idemKey) : undefined;
      if (earlier && now - earlier.at < IDEMPOTENCY_TTL_MS)
        return reply.status(202).header('idempotent-replay', 'true').send(earlier.result);
      const csv = Buffer.isBuffer(request.body);
      const result = await opts.push({
        centre: caller.centre,
        format: csv ? 'archive-csv' : 'json',
        body: request.body,
        status: request.query.status,
      });
      if (idemKey) {
        if (answered.size >= IDEMPOTENCY_MAX_ENTRIES) answered.delete(answered.keys().next().value as string);
        answered.set(idemKey, { at: now, result });
      }
      request.log.info(
        { centre: caller.centre, keyId: caller.keyId, accepted: result.accepted, rejected: result.rejected.length },
        'push received',
      );
      return reply.status(202).send(result);
    },
  );
};
