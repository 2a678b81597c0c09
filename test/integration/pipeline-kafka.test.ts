import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createKafka } from '../../infra/kafka/kafka-client';
import { createKafkaDeadLetterSink, createKafkaReadingSink } from '../../infra/kafka/reading-sink.kafka';
import { createKafkaReadingSource } from '../../infra/kafka/reading-source.kafka';
import { ensureTopics, topicsFor, type Topics } from '../../infra/kafka/topics';
import { createProcessor, type ReadingStore } from '../../processing';
import type { DeadLetter } from '../../schemas/dead-letter';
import { zReadingBatch } from '../../bus/decode';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { createLogger } from '../../kernel/logger';
import { hourlyReadings } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const brokers = inject('kafkaBrokers');
const logger = silentLogger();
const kafka = createKafka({ brokers, clientId: 'yrd-air-test' }, logger);
let store: TestStore;
let topics: Topics;

beforeAll(async () => {
  store = await openTestStore();
  topics = topicsFor(`test-${randomUUID().slice(0, 8)}`, { partitions: 4 });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  await admin.disconnect();
});
afterAll(async () => store?.dispose());

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startProcessor(
  groupId: string,
  readingStore: ReadingStore,
  dlq: Awaited<ReturnType<typeof createKafkaDeadLetterSink>>,
) {
  const source = createKafkaReadingSource(kafka, { topic: topics.raw.name, groupId, logger, retryBaseMs: 50 });
  const processor = createProcessor({ source, store: readingStore, deadLetters: dlq, logger });
  const done = processor.run();
  return { processor, done };
}

describe(`first end-to-end path on a real Kafka broker (${inject('kafkaSource')})`, () => {
  it('stores every reading produced to the raw topic exactly once, across a consumer restart', async () => {
    const sink = await createKafkaReadingSink(kafka, topics.raw.name);
    const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
    const readingStore = createClickHouseReadingStore(store);
    const stations = ['1141A', '1142A', '1151A', '1160A', '1270A', '1271A'];
    const startMs = Date.UTC(2025, 5, 1, 0);
    const valueOf = (s: string, p: string, h: number) => Number(s.slice(0, 4)) * 100 + h + (p === 'no2' ? 0.25 : 0);
    const all = hourlyReadings({ stations, pollutants: ['pm25', 'no2'], startMs, hours: 48, valueOf });
    const half = all.length / 2;

    await sink.publish(all.slice(0, half));
    const first = startProcessor('test-group', readingStore, dlq);
    await waitFor(async () => (await countRows(store, 'reading_revisions')) >= half);
    await first.processor.stop();
    await first.done;

    // Published while no consumer runs, plus a replay of the first half: the restarted group
    // resumes after its committed offsets, and the replay changes nothing.
    await sink.publish(all.slice(half));
    await sink.publish(all.slice(0, half));
    const second = startProcessor('test-group', readingStore, dlq);
    await waitFor(async () => (await countRows(store, 'reading_revisions')) >= all.length);
    // Let the replayed first half be consumed too before counting again.
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(async () => {
      const ends = await admin.fetchTopicOffsets(topics.raw.name);
      const [committed] = await admin.fetchOffsets({ groupId: 'test-group', topics: [topics.raw.name] });
      // A partition that never held a message has end offset 0 and no commit (-1).
      const at = (p: number) => Math.max(0, Number(committed?.partitions.find((c) => c.partition === p)?.offset ?? -1));
      return ends.every((e) => at(e.partition) === Number(e.offset));
    });
    await admin.disconnect();
    await second.processor.stop();
    await second.done;

    expect(await countRows(store, 'reading_revisions')).toBe(all.length);
    const rows = await currentReadings(store, { stations });
    expect(rows).toHaveLength(all.length);
    for (const row of rows)
      expect(row.value).toBe(valueOf(row.station, row.pollutant, (row.t * 1000 - startMs) / 3_600_000));
    await sink.close();
    await dlq.close();
  });

  it('sends a malformed message to the dead-letter topic with its reason and origin', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topics.raw.name, messages: [{ key: '1141A', value: '{"v":9}' }] });
    await producer.disconnect();
    const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
    const run = startProcessor('test-group', createClickHouseReadingStore(store), dlq);

    const letters: DeadLetter[] = [];
    const reader = new Kafka({ brokers, clientId: 'dlq-reader', logLevel: logLevel.NOTHING }).consumer({
      groupId: `dlq-${randomUUID()}`,
    });
    await reader.connect();
    await reader.subscribe({ topic: topics.deadLetter.name, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => void letters.push(JSON.parse(message.value?.toString() ?? '')),
    });
    await waitFor(async () => letters.length > 0);
    await reader.disconnect();
    await run.processor.stop();
    await run.done;
    await dlq.close();

    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      code: 'MESSAGE_MALFORMED',
      key: '1141A',
      value: '{"v":9}',
      origin: { topic: topics.raw.name },
    });
    expect(letters[0]?.reason).toMatch(/^not a reading batch: v: /);
  });

  it('shares the partitions among several consumers of one group in one process (PROCESSOR_CONSUMERS)', async () => {
    const own = topicsFor(`test-${randomUUID().slice(0, 8)}`, { partitions: 6 });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, own);
    await admin.disconnect();
    const sink = await createKafkaReadingSink(kafka, own.raw.name);
    const dlq = await createKafkaDeadLetterSink(kafka, own.deadLetter.name);
    const readingStore = createClickHouseReadingStore(store);
    const before = await countRows(store, 'reading_revisions');
    const stations = [
      '1143A',
      '1144A',
      '1145A',
      '1147A',
      '1148A',
      '1149A',
      '1152A',
      '1153A',
      '1154A',
      '1155A',
      '1156A',
      '1157A',
    ];
    const all = hourlyReadings({
      stations,
      pollutants: ['pm25'],
      startMs: Date.UTC(2025, 7, 1, 0),
      hours: 24,
      valueOf: (s, _p, h) => Number(s.slice(0, 4)) + h / 100,
    });
    // Two consumers of one group in this process, each counting the batches it handled.
    const batches = [0, 0];
    const runs = [0, 1].map((i) => {
      const source = createKafkaReadingSource(kafka, {
        topic: own.raw.name,
        groupId: 'two-consumers',
        logger,
        retryBaseMs: 50,
        sessionTimeoutMs: 6000,
      });
      const counted = {
        run: (onBatch: Parameters<typeof source.run>[0]) =>
          source.run(async (b) => {
            batches[i]!++;
            await onBatch(b);
          }),
        stop: () => source.stop(),
      };
      const processor = createProcessor({ source: counted, store: readingStore, deadLetters: dlq, logger });
      return { processor, done: processor.run() };
    });
    // Published once both have joined: a day of twelve stations is a message or two a
    // partition, which the first consumer alone would take before the second joined.
    const groups = kafka.admin();
    await groups.connect();
    await waitFor(async () => {
      const [group] = (await groups.describeGroups(['two-consumers'])).groups;
      return group?.state === 'Stable' && group.members.length === 2;
    }, 60_000);
    await groups.disconnect();
    await sink.publish(all);
    await waitFor(async () => (await countRows(store, 'reading_revisions')) >= before + all.length, 60_000);
    for (const r of runs) await r.processor.stop();
    await Promise.all(runs.map((r) => r.done));
    await sink.close();
    await dlq.close();
    expect(await countRows(store, 'reading_revisions')).toBe(before + all.length);
    const rows = await currentReadings(store, { stations, pollutants: ['pm25'] });
    expect(rows).toHaveLength(all.length);
    // Both consumers took a share of the six partitions.
    expect(batches[0]).toBeGreaterThan(0);
    expect(batches[1]).toBeGreaterThan(0);
  }, 120_000);

  it('puts each station on the partition a message keyed by its code goes to, and groups again when partitions are added', async () => {
    const topic = `test-${randomUUID().slice(0, 8)}.routing`;
    const reference = `${topic}.keyed`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 2 },
        { topic: reference, numPartitions: 2 },
      ],
    });
    // Where Kafka's own keyed routing puts a station: one keyed message each, to a topic alike,
    // by a producer that reads the topic's partitions when it first sends.
    const keyedPartitions = async (stations: string[]): Promise<Map<string, number>> => {
      const producer = kafka.producer();
      await producer.connect();
      const out = new Map<string, number>();
      for (const station of stations) {
        const [meta] = await producer.send({ topic: reference, messages: [{ key: station, value: 'x' }] });
        out.set(station, meta?.partition ?? -1);
      }
      await producer.disconnect();
      return out;
    };
    const stations = [
      '1141A',
      '1142A',
      '1143A',
      '1144A',
      '1145A',
      '1147A',
      '1148A',
      '1149A',
      '1150A',
      '1151A',
      '1152A',
      '1153A',
    ];
    const hourOf = (h: number) =>
      hourlyReadings({
        stations,
        pollutants: ['pm25', 'o3'],
        startMs: Date.UTC(2025, 8, 1, h),
        hours: 1,
        valueOf: () => h,
      });
    const first = await createKafkaReadingSink(kafka, topic);
    await first.publish(hourOf(0));
    await first.close();
    const before = await keyedPartitions(stations);
    // A sink that read two partitions when it started; a third is added before it publishes.
    const lines: string[] = [];
    const second = await createKafkaReadingSink(
      kafka,
      topic,
      createLogger({
        level: 'info',
        destination: { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream,
      }),
    );
    await admin.createPartitions({
      topicPartitions: [
        { topic, count: 3 },
        { topic: reference, count: 3 },
      ],
    });
    // the broker's metadata shows the third partition before the sink's producer first reads it
    await waitFor(async () =>
      (await admin.fetchTopicMetadata({ topics: [topic, reference] })).topics.every((t) => t.partitions.length === 3),
    );
    await second.publish(hourOf(1));
    await second.close();
    const after = await keyedPartitions(stations);

    // Read back: the partitions each station-hour's readings were written to.
    const seen = new Map<string, Set<number>>();
    let count = 0;
    const reader = kafka.consumer({ groupId: `routing-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        const batch = zReadingBatch.parse(JSON.parse(message.value?.toString() ?? ''));
        for (const r of batch.readings) {
          const k = `${r.station} ${Date.parse(r.time)}`;
          seen.set(k, (seen.get(k) ?? new Set()).add(partition));
          count++;
        }
      },
    });
    await waitFor(async () => count >= stations.length * 4);
    await reader.disconnect();
    await admin.deleteTopics({ topics: [topic, reference] }).catch(() => undefined);
    await admin.disconnect();

    expect(count).toBe(stations.length * 4);
    // the keyed routing moved some station when the third partition came: the check bites
    expect(stations.some((s) => before.get(s) !== after.get(s))).toBe(true);
    for (const s of stations) {
      expect([...(seen.get(`${s} ${Date.UTC(2025, 8, 1, 0)}`) ?? [])]).toEqual([before.get(s)]);
      expect([...(seen.get(`${s} ${Date.UTC(2025, 8, 1, 1)}`) ?? [])]).toEqual([after.get(s)]);
    }
    expect(lines.map((l) => JSON.parse(l) as { msg: string; from: number; to: number })).toContainEqual(
      expect.objectContaining({ msg: 'partition count changed: readings grouped again', from: 2, to: 3 }),
    );
  }, 60_000);
});
