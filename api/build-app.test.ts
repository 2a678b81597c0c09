import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../test/helpers/logger';
import { Registry } from 'prom-client';
import { createProcessingMetrics } from '../processing/metrics';
import { buildApp } from './build-app';

let app: FastifyInstance | undefined;
afterEach(async () => app?.close());

describe('the HTTP app', () => {
  it('answers /healthz and /readyz when every dependency answers', async () => {
    app = await buildApp({ logger: silentLogger(), readiness: { store: async () => {}, bus: async () => {} } });
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', bus: 'ok' } });
  });

  it('answers /readyz with 503 naming the failing dependency', async () => {
    app = await buildApp({
      logger: silentLogger(),
      readiness: { store: async () => {}, bus: async () => Promise.reject(new Error('connection refused')) },
    });
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not ready', checks: { store: 'ok', bus: 'failing: connection refused' } });
  });

  it('uses the one error shape for an unknown route', async () => {
    app = await buildApp({ logger: silentLogger(), readiness: {} });
    const res = await app.inject('/v1/nothing?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /v1/nothing' } });
  });

  it("answers the router's own refusal (a percent-escape that is not UTF-8) in the one error shape", async () => {
    app = await buildApp({ logger: silentLogger(), readiness: {} });
    const res = await app.inject('/v1/centres/%E0%A4%A/scorecard');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'QUERY_INVALID',
        message:
          "the URL cannot be decoded: '/v1/centres/%E0%A4%A/scorecard' is not a valid url component; percent-encode each byte of non-ASCII text in the URL (上海 is %E4%B8%8A%E6%B5%B7)",
      },
    });
  });

  it('hands routes an unencoded + offset (a space once decoded) as the + it was', async () => {
    app = await buildApp({ logger: silentLogger(), readiness: {} });
    app.get('/echo', async (request) => request.query);
    const res = await app.inject('/echo?from=2025-01-01T00:00:00+08:00&id=a+b');
    expect(res.json()).toEqual({ from: '2025-01-01T00:00:00+08:00', id: 'a b' });
  });

  it('serves feed health and documents it in /openapi.json', async () => {
    const status = {
      name: 'shanghai-sh-json',
      format: 'sh-json' as const,
      province: 'shanghai' as const,
      enabled: true,
      schedule: '*/5 * * * *',
      running: false,
      lastAttemptAt: null,
      lastSuccessAt: null,
      watermark: null,
      lagMinutes: null,
      errorCount: 0,
      consecutiveErrors: 0,
      lastError: null,
      lastPull: null,
    };
    app = await buildApp({ logger: silentLogger(), readiness: {}, ingest: { feeds: () => [status] } });
    expect((await app.inject('/v1/feeds')).json()).toEqual({ feeds: [status] });
    const doc = (await app.inject('/openapi.json')).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/readyz', '/v1/feeds']);
    expect((await app.inject('/docs')).statusCode).toBeLessThan(400);
  });

  it('serves Prometheus metrics: HTTP latency by route template, and what roles registered', async () => {
    const registry = new Registry();
    createProcessingMetrics(registry).readings.inc({ outcome: 'stored' }, 42);
    app = await buildApp({ logger: silentLogger(), readiness: {}, metrics: registry });
    await app.inject('/healthz');
    await app.inject('/v1/nothing/here');
    const res = await app.inject('/metrics');
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('processing_readings_total{outcome="stored"} 42');
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 1/,
    );
    expect(res.body).not.toContain('/v1/nothing/here');
  });
});
