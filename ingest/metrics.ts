import { Counter, Gauge, type Registry } from 'prom-client';
import type { FeedStatus } from '../schemas';

/** Ingest metrics (ARCHITECTURE.md rule 11). Labels are fixed: feed, province, code — never a station. */
export interface IngestMetrics {
  pulls: Counter<'feed' | 'outcome'>;
  readings: Counter<'source_kind' | 'province'>;
  rejects: Counter<'source_kind' | 'code'>;
}

export function createIngestMetrics(registry: Registry, feeds?: () => FeedStatus[]): IngestMetrics {
  if (feeds) {
    new Gauge({
      name: 'ingest_feed_lag_minutes',
      help: 'Minutes from the newest hour a feed has read (its watermark) to now',
      labelNames: ['feed', 'province'],
      registers: [registry],
      collect() {
        for (const f of feeds())
          if (f.lagMinutes !== null) this.set({ feed: f.name, province: f.province }, f.lagMinutes);
      },
    });
    new Gauge({
      name: 'ingest_feed_consecutive_errors',
      help: 'Failed pulls in a row, per feed',
      labelNames: ['feed', 'province'],
      registers: [registry],
      collect() {
        for (const f of feeds()) this.set({ feed: f.name, province: f.province }, f.consecutiveErrors);
      },
    });
  }
  return {
    pulls: new Counter({
      name: 'ingest_pulls_total',
      help: 'Feed pulls, by outcome (ok, failed)',
      labelNames: ['feed', 'outcome'],
      registers: [registry],
    }),
    readings: new Counter({
      name: 'ingest_readings_published_total',
      help: 'Readings handed durably to the bus',
      labelNames: ['source_kind', 'province'],
      registers: [registry],
    }),
    rejects: new Counter({
      name: 'ingest_rejects_total',
      help: 'Records refused, by reason code',
      labelNames: ['source_kind', 'code'],
      registers: [registry],
    }),
  };
}
