import type { TestProject } from 'vitest/node';
import { startLocalKafka, type LocalKafka } from '../../tools/kafka-broker/local-broker';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    kafkaSource: 'env' | 'testcontainers' | 'local';
  }
}

/** Is a Docker engine answering? Only then is the testcontainers path tried. */
async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5_000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * One real Kafka broker for the whole integration run, resolved in this order:
 * KAFKA_BROKERS if set; else a testcontainers Kafka where a Docker engine answers; else the
 * local broker started from Maven Central's jars (tools/kafka-broker). Never a mock.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The test harness honours KAFKA_BROKERS: an operator-provided broker comes first.
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) {
    project.provide(
      'kafkaBrokers',
      fromEnv.split(',').map((b) => b.trim()),
    );
    project.provide('kafkaSource', 'env');
    return async () => {};
  }
  if (await dockerAnswers()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('apache/kafka:4.1.1').withKraft().start();
    project.provide('kafkaBrokers', [`${container.getHost()}:${container.getMappedPort(9093)}`]);
    project.provide('kafkaSource', 'testcontainers');
    return async () => void (await container.stop());
  }
  const kafka: LocalKafka = await startLocalKafka({ brokers: 1 });
  project.provide('kafkaBrokers', kafka.bootstrap);
  project.provide('kafkaSource', 'local');
  return () => kafka.stop();
}
