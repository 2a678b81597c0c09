import { DependencyError } from '../../kernel';

/**
 * Transient for kafkajs: the error or any cause in its chain says `retriable` — e.g. a
 * KafkaJSNumberOfRetriesExceeded (not retriable itself) around a KafkaJSBrokerNotFound after a
 * broker of the cluster stopped (kafkajs on GitHub: #802, #1452): the client recovers by refreshing
 * its metadata once restarted.
 */
export function isTransientKafkaError(err: unknown): boolean {
  let e = err as { retriable?: boolean; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 6; depth++, e = e.cause as typeof e) if (e.retriable === true) return true;
  return false;
}

/** kafkajs errors carry `retriable`; anything else from the driver is treated as transient. */
export function translateKafkaError(err: unknown, doing: string): DependencyError {
  if (err instanceof DependencyError) return err;
  const e = err as { retriable?: boolean; message?: string; name?: string };
  return new DependencyError(
    'BUS_UNAVAILABLE',
    'kafka',
    `Kafka failed while ${doing}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
    e.retriable !== false || isTransientKafkaError(err),
    {
      cause: err,
    },
  );
}
