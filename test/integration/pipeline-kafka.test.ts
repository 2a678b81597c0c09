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
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
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

function startProcessor(groupId: string, readingStore: ReadingStore, dlq: Awaited<ReturnType<typeof createKafkaDeadLetterSink>>) {
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
    for (const row of rows) expect(row.value).toBe(valueOf(row.station, row.pollutant, (row.t * 1000 - startMs) / 3_600_000));
    await sink.close();
    await dlq.close();
  });

  it('sends a malformed message to the dead-letter topic with its reason and origin', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topics.raw.name, messages: [{ key: '1141A', value: '{"v":3}' }] });
    await producer.disconnect();
    const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
    const run = startProcessor('test-group', createClickHouseReadingStore(store), dlq);

    const letters: DeadLetter[] = [];
    const reader = new Kafka({ brokers, clientId: 'dlq-reader', logLevel: logLevel.NOTHING }).consumer({ groupId: `dlq-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic: topics.deadLetter.name, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void letters.push(JSON.parse(message.value?.toString() ?? '')) });
    await waitFor(async () => letters.length > 0);
    await reader.disconnect();
    await run.processor.stop();
    await run.done;
    await dlq.close();

    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ code: 'MESSAGE_MALFORMED', key: '1141A', value: '{"v":3}', origin: { topic: topics.raw.name } });
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
    const stations = ['1143A', '1144A', '1145A', '1147A', '1148A', '1149A', '1152A', '1153A', '1154A', '1155A', '1156A', '1157A'];
    const all = hourlyReadings({ stations, pollutants: ['pm25'], startMs: Date.UTC(2025, 7, 1, 0), hours: 24, valueOf: (s, _p, h) => Number(s.slice(0, 4)) + h / 100 });
    await sink.publish(all);
    // Two consumers of one group in this process, each counting the batches it handled.
    const batches = [0, 0];
    const runs = [0, 1].map((i) => {
      const source = createKafkaReadingSource(kafka, { topic: own.raw.name, groupId: 'two-consumers', logger, retryBaseMs: 50, sessionTimeoutMs: 6000 });
      const counted = { run: (onBatch: Parameters<typeof source.run>[0]) => source.run(async (b) => { batches[i]!++; await onBatch(b); }), stop: () => source.stop() };
      const processor = createProcessor({ source: counted, store: readingStore, deadLetters: dlq, logger });
      return { processor, done: processor.run() };
    });
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
});
