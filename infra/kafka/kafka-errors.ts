import { DependencyError } from '../errors';

/** kafkajs errors carry `retriable`; anything else from the driver is treated as transient. */
export function translateKafkaError(err: unknown, doing: string): DependencyError {
  if (err instanceof DependencyError) return err;
  const e = err as { retriable?: boolean; message?: string; name?: string };
  return new DependencyError('BUS_UNAVAILABLE', 'kafka', `Kafka failed while ${doing}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, e.retriable !== false, {
    cause: err,
  });
}
