import { Counter, Histogram, type Registry } from 'prom-client';

/** Processing metrics (ARCHITECTURE.md rule 11): declared here, registered on the injected registry. */
export interface ProcessingMetrics {
  batches: Counter<'outcome'>;
  readings: Counter<'outcome'>;
  batchDuration: Histogram;
  batchMessages: Histogram;
}

export function createProcessingMetrics(registry: Registry): ProcessingMetrics {
  return {
    batches: new Counter({
      name: 'processing_batches_total',
      help: 'Bus batches handled, by outcome (stored, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    readings: new Counter({
      name: 'processing_readings_total',
      help: "Readings handled, by outcome: stored (a new revision), unchanged (identical re-arrival), dead_lettered, rejects_stored; rejudged counts stored PM revisions given a new verdict by their partner's change",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'processing_batch_duration_seconds',
      help: 'Time to decode, check and store one bus batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    batchMessages: new Histogram({
      name: 'processing_batch_messages',
      help: 'Bus messages in one batch',
      buckets: [1, 5, 10, 50, 100, 500, 1000, 5000],
      registers: [registry],
    }),
  };
}
