import {
  CompressionTypes,
  Partitioners,
  type ICustomPartitioner,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import { DependencyError, type Logger } from '../../kernel';
import type { ReadingSink } from '../../ingest';
import type { DeadLetterSink } from '../../processing';
import type { DeadLetter, Reading, Reject } from '../../schemas';
import { encodeReadings, encodeRejects, type PartitionOf } from '../../bus';
import { translateKafkaError } from './kafka-errors';

/** The messages of one `send` were grouped for another partition count than the producer now knows. */
class PartitionCountChanged extends Error {
  readonly retriable = false;
  constructor(readonly partitions: number) {
    super(`the topic now has ${partitions} partitions`);
    this.name = 'PartitionCountChanged';
  }
}

/** A message grouped by partition: the partition count it was grouped for travels with it (not to Kafka). */
type Routed = Message & { groupedFor?: number };

function countChangedIn(err: unknown): PartitionCountChanged | undefined {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof PartitionCountChanged) return e;
  return undefined;
}

/**
 * A message grouped for a partition count goes to its partition only while the producer's own
 * metadata has that count (the producer drops messages for a partition it knows no leader of);
 * otherwise the send fails before anything is written, and the sink groups again. Anything else
 * goes where kafkajs' default partitioner puts it.
 */
const routedPartitioner = (): ReturnType<ICustomPartitioner> => {
  const byKey = Partitioners.DefaultPartitioner();
  return (args) => {
    const { groupedFor } = args.message as Routed;
    if (groupedFor === undefined) return byKey(args);
    if (groupedFor !== args.partitionMetadata.length) throw new PartitionCountChanged(args.partitionMetadata.length);
    return args.message.partition as number;
  };
};

/**
 * Idempotent producer with acks from all in-sync replicas: `send` resolves only once the broker
 * has the messages durably (ARCHITECTURE.md invariant 1). kafkajs guarantees idempotence only with one
 * request in flight.
 */
async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: routedPartitioner,
  });
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

function* bySize(messages: Routed[], maxBytes: number): Generator<Routed[]> {
  let group: Routed[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (m.key?.length ?? 0) + Buffer.byteLength(m.value as string);
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

/** A station's partition as a message keyed by its code gets it: kafkajs' default partitioner (murmur2, as the Java client's). */
function stationPartitions(topic: string, count: number): PartitionOf {
  const byKey = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from(
    { length: count },
    (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata,
  );
  const memo = new Map<string, number>();
  return (station) => {
    let p = memo.get(station);
    if (p === undefined)
      memo.set(station, (p = byKey({ topic, partitionMetadata, message: { key: station, value: null } })));
    return p;
  };
}

async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = topics[0]?.partitions.length ?? 0;
    if (count === 0) throw new DependencyError('BUS_UNAVAILABLE', 'kafka', `topic ${topic} has no partitions`, true);
    return count;
  } catch (err) {
    if (err instanceof DependencyError) throw err;
    throw translateKafkaError(err, `reading the partitions of ${topic}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Readings go out grouped by the partition their station's code hashes to, several stations to a
 * message (bus/encode.ts). The partition count is read once from the broker;
 * when the producer's metadata shows partitions were added, the readings are grouped again and
 * the publish sent again whole (a reading sent twice changes nothing: ARCHITECTURE.md invariant 2).
 */
export async function createKafkaReadingSink(kafka: Kafka, topic: string, logger?: Logger): Promise<ReadingSink> {
  let partitions = await partitionCount(kafka, topic);
  let partitionOf = stationPartitions(topic, partitions);
  const producer = await connectProducer(kafka);
  const send = async (messages: Routed[]): Promise<void> => {
    for (const group of bySize(messages, MAX_REQUEST_BYTES)) {
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: group });
    }
  };
  const publish = async (readings: readonly Reading[]): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const grouped = encodeReadings(readings, partitionOf).map((m) => ({ ...m, groupedFor: partitions }));
      try {
        return await send(grouped);
      } catch (err) {
        const changed = countChangedIn(err);
        if (!changed || attempt >= 2) throw translateKafkaError(err, 'publishing readings');
        logger?.info(
          { topic, from: partitions, to: changed.partitions },
          'partition count changed: readings grouped again',
        );
        partitions = changed.partitions;
        partitionOf = stationPartitions(topic, partitions);
      }
    }
  };
  return {
    publish,
    async publishRejects(rejects: readonly Reject[]): Promise<void> {
      try {
        await send(encodeRejects(rejects));
      } catch (err) {
        throw translateKafkaError(err, 'publishing rejects');
      }
    },
    close: () => producer.disconnect(),
  };
}

export async function createKafkaDeadLetterSink(
  kafka: Kafka,
  topic: string,
): Promise<DeadLetterSink & { close(): Promise<void> }> {
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
