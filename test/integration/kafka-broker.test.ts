// Proves the kafkajs features the pipeline relies on work against the real Kafka broker
// that tools/kafka-broker starts from Maven Central jars (no Docker).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, Partitioners, logLevel, type Consumer, type EachBatchPayload } from 'kafkajs';
import { startLocalKafka, type LocalKafka } from '../../tools/kafka-broker/local-broker';

const STATIONS = [
  '1141A',
  '1142A',
  '1143A',
  '1149A',
  '1150A',
  '1151A',
  '1158A',
  '1160A',
  '1223A',
  '1229A',
  '1233A',
  '1245A',
];
const PARTITIONS = 4;

interface Reading {
  station: string;
  seq: number;
  pm25: number;
}
interface Seen extends Reading {
  partition: number;
  offset: string;
}

let broker: LocalKafka;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startLocalKafka({ brokers: 1 });
  kafka = new Kafka({ clientId: 'kafka-broker-test', brokers: broker.bootstrap, logLevel: logLevel.ERROR });
}, 180_000);

afterAll(async () => {
  await broker?.stop();
}, 60_000);

function readings(fromSeq: number, count: number): Reading[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = fromSeq + i;
    return { station: STATIONS[seq % STATIONS.length]!, seq, pm25: 20 + (seq % 50) };
  });
}

async function produce(topic: string, batch: Reading[]): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const meta = await producer.send({
      topic,
      acks: -1,
      messages: batch.map((r) => ({ key: r.station, value: JSON.stringify(r) })),
    });
    expect(meta.every((m) => m.errorCode === 0)).toBe(true);
  } finally {
    await producer.disconnect();
  }
}

/**
 * Runs one consumer of `groupId` with eachBatch and manual commits until `expected` messages
 * arrived, committing per partition only past messages for which `commitIf` holds.
 */
async function consume(
  topic: string,
  groupId: string,
  expected: number,
  commitIf: (r: Reading) => boolean,
): Promise<Seen[]> {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const seen: Seen[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true }); // fromBeginning only matters without a committed offset
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat }: EachBatchPayload) => {
      let commitOffset: string | undefined;
      for (const m of batch.messages) {
        const r = JSON.parse(m.value!.toString()) as Reading;
        expect(m.key?.toString()).toBe(r.station);
        seen.push({ ...r, partition: batch.partition, offset: m.offset });
        if (commitIf(r)) commitOffset = (BigInt(m.offset) + 1n).toString();
      }
      if (commitOffset) await consumer.commitOffsets([{ topic, partition: batch.partition, offset: commitOffset }]);
      await heartbeat();
      if (seen.length >= expected) done();
    },
  });
  const timeout = new Promise<never>((_, fail) =>
    setTimeout(() => fail(new Error(`only ${seen.length}/${expected} consumed`)), 60_000),
  );
  try {
    await Promise.race([finished, timeout]);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

const bySeq = (a: Reading, b: Reading): number => a.seq - b.seq;
const strip = ({ station, seq, pm25 }: Reading): Reading => ({ station, seq, pm25 });

describe('local Kafka broker (Maven jars) with kafkajs 2.2.4', () => {
  it('creates topics through the admin client', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [{ topic: 'admin-check', numPartitions: PARTITIONS }],
          waitForLeaders: true,
        }),
      ).toBe(true);
      const [meta] = (await admin.fetchTopicMetadata({ topics: ['admin-check'] })).topics;
      expect(meta?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  it('delivers idempotent acks=-1 messages to an eachBatch group and resumes after committed offsets', async () => {
    const topic = `air-readings-${Date.now()}`;
    const groupId = `${topic}-group`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });

      // Round 1: consume everything, but commit only the readings with seq < 60.
      const first = readings(0, 120);
      await produce(topic, first);
      const seen1 = await consume(topic, groupId, first.length, (r) => r.seq < 60);
      expect(seen1.map(strip).sort(bySeq)).toEqual(first);
      // Keyed by station: each station sticks to one partition, and several partitions are used.
      const partitionOf = new Map<string, Set<number>>();
      for (const s of seen1) partitionOf.set(s.station, (partitionOf.get(s.station) ?? new Set()).add(s.partition));
      expect([...partitionOf.values()].every((p) => p.size === 1)).toBe(true);
      expect(new Set(seen1.map((s) => s.partition)).size).toBeGreaterThan(1);
      // Per-partition order is produce order (idempotent producer, one request in flight).
      for (let p = 0; p < PARTITIONS; p++) {
        const seqs = seen1.filter((s) => s.partition === p).map((s) => s.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }

      // The broker stored exactly the manual commits: offset after the last seq < 60 per partition.
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const { partition, offset } of committed!.partitions) {
        const kept = seen1.filter((s) => s.partition === partition && s.seq < 60);
        const want = kept.length ? (BigInt(kept[kept.length - 1]!.offset) + 1n).toString() : '-1';
        expect({ partition, offset }).toEqual({ partition, offset: want });
      }

      // Round 2: a new consumer of the same group gets the uncommitted tail plus new data, nothing older.
      const second = readings(120, 40);
      await produce(topic, second);
      const expected = [...first.filter((r) => r.seq >= 60), ...second];
      const seen2 = await consume(topic, groupId, expected.length, () => true);
      expect(seen2.map(strip).sort(bySeq)).toEqual(expected);

      // Everything is committed now: group offsets equal the partitions' high watermarks.
      const ends = await admin.fetchTopicOffsets(topic);
      const [after] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPart = new Map(after!.partitions.map((p) => [p.partition, p.offset]));
      for (const e of ends) expect(byPart.get(e.partition) ?? '-1').toBe(Number(e.high) > 0 ? e.high : '-1');
    } finally {
      await admin.disconnect();
    }
  }, 150_000);
});
