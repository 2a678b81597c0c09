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

/**
 * The broker refuses a record batch over `message.max.bytes` (1 MB by default), and kafkajs puts
 * everything one `send` holds for a partition into one batch: so one `send` carries at most
 * ~900 kB in all, whichever partitions its messages land on.
 */
const MAX_REQUEST_BYTES = 900_000;

function* bySize(messages: OutgoingMessage[], maxBytes: number): Generator<OutgoingMessage[]> {
  let group: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = m.key.length + Buffer.byteLength(m.value);
    if (group.length > 0 && bytes + size > maxBytes) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(m);
    bytes += size;
  }
  if (group.length > 0) yield group;
}

export async function createKafkaReadingSink(kafka: Kafka, topic: string): Promise<ReadingSink> {
  const producer = await connectProducer(kafka);
  const send = async (messages: OutgoingMessage[], doing: string): Promise<void> => {
    try {
      for (const group of bySize(messages, MAX_REQUEST_BYTES)) {
        await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: group });
      }
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
