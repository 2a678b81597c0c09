import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import type { ReadingSink } from '../../ingest';
import type { DeadLetterSink } from '../../processing';
import type { DeadLetter } from '../../schemas/dead-letter';
import type { Reading } from '../../schemas/reading';
import type { Reject } from '../../schemas/reject';
import { encodeReadings, encodeRejects, type OutgoingMessage } from '../bus/reading-messages';
import { translateKafkaError } from './kafka-errors';

/**
 * Idempotent producer with acks from all in-sync replicas: `send` resolves only once the broker
 * has the messages durably (DESIGN.md invariant 1). kafkajs guarantees idempotence only with one
 * request in flight.
 */
async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  try {
    await producer.connect();
  } catch (err) {
    throw translateKafkaError(err, 'connecting the producer');
  }
  return producer;
}

export async function createKafkaReadingSink(kafka: Kafka, topic: string): Promise<ReadingSink> {
  const producer = await connectProducer(kafka);
  const send = async (messages: OutgoingMessage[], doing: string): Promise<void> => {
    if (messages.length === 0) return;
    try {
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
    } catch (err) {
      throw translateKafkaError(err, doing);
    }
  };
  return {
    publish: (readings: readonly Reading[]) => send(encodeReadings(readings), 'publishing readings'),
    publishRejects: (rejects: readonly Reject[]) => send(encodeRejects(rejects), 'publishing rejects'),
    close: () => producer.disconnect(),
  };
}

export async function createKafkaDeadLetterSink(kafka: Kafka, topic: string): Promise<DeadLetterSink & { close(): Promise<void> }> {
  const producer = await connectProducer(kafka);
  return {
    async publish(letters: readonly DeadLetter[]): Promise<void> {
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: letters.map((l) => ({ key: l.key, value: JSON.stringify(l), headers: { code: l.code } })),
        });
      } catch (err) {
        throw translateKafkaError(err, 'publishing dead letters');
      }
    },
    close: () => producer.disconnect(),
  };
}
