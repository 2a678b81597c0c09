import type { Reading, Reject } from '../schemas';

/**
 * Where ingest hands readings over (ARCHITECTURE.md rule 1). `publish` resolves only when the readings
 * are durable: acknowledged by all in-sync Kafka replicas, or — on the in-process bus of the
 * embedded mode — stored (ARCHITECTURE.md invariant 1).
 */
export interface ReadingSink {
  publish(readings: readonly Reading[]): Promise<void>;
  /** Rejects travel on the bus too, to the rejects table; same durability as readings. */
  publishRejects(rejects: readonly Reject[]): Promise<void>;
  close(): Promise<void>;
}
