import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../../kernel';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

const LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose log lines go through our pino logger (object first, constant message). */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ module: 'kafka' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...fields } = entry;
        log[LEVEL[level] ?? 'info']({ namespace, ...fields }, message);
      },
  });
}
