import { createHash } from 'node:crypto';
import type { RateLimitOptions } from '@fastify/rate-limit';

/**
 * The rate limit of the push routes (`POST /v1/readings`, `POST /v1/species`): `perMinute`
 * requests a minute per key — a hash of the bearer header, so one centre cannot exhaust another's
 * budget. Given as the route's `config.rateLimit`; the plugin is registered with no global limit.
 */
export function perKeyRateLimit(perMinute: number): RateLimitOptions {
  return {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (req) =>
      createHash('sha256')
        .update(String(req.headers.authorization ?? req.ip))
        .digest('hex'),
  };
}
