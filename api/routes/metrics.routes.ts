import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { CentreSummary } from '../../schemas';

/**
 * `GET /metrics` (Prometheus text format) for the one registry of the process, and the HTTP
 * latency histogram labelled by route template (never the raw URL: bounded label values).
 * Called on the root instance, so the hook sees every route.
 */
export function installMetrics(app: FastifyInstance, registry: Registry): void {
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

/**
 * The centres' headline delivery figures over the last 24 hours as gauges (`yrdair_centre_*`), computed
 * when scraped and kept five minutes so frequent scrapes cost one scorecard query an interval.
 */
export function installDeliveryMetrics(
  registry: Registry,
  summaries: () => Promise<CentreSummary[]>,
  nowMs: () => number = Date.now,
): void {
  let cached: { at: number; value: Promise<CentreSummary[]> } | undefined;
  const current = (): Promise<CentreSummary[]> => {
    if (!cached || nowMs() - cached.at > 300_000) cached = { at: nowMs(), value: summaries().catch(() => []) };
    return cached.value;
  };
  const gauge = (name: string, help: string, pick: (s: CentreSummary) => number | null): void =>
    void new Gauge({
      name,
      help,
      labelNames: ['centre'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const s of await current()) {
          const v = pick(s);
          if (v !== null) this.set({ centre: s.centre }, v);
        }
      },
    });
  gauge(
    'yrdair_centre_capture_ratio',
    'Valid station-hours × pollutants over the expected, last 24 h',
    (s) => s.capture,
  );
  gauge(
    'yrdair_centre_delay_p50_minutes',
    'Median minutes from the hour’s end to publication, last 24 h',
    (s) => s.p50Minutes,
  );
  gauge(
    'yrdair_centre_delay_p90_minutes',
    '90th percentile minutes from the hour’s end to publication, last 24 h',
    (s) => s.p90Minutes,
  );
  gauge(
    'yrdair_centre_within_hour_ratio',
    'Share published within an hour of the hour’s end, last 24 h',
    (s) => s.withinHourShare,
  );
  gauge('yrdair_centre_rejects', 'Records rejected in the last 24 h', (s) => s.rejects);
}
