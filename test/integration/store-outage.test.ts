import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeReadings } from '../../bus';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { tablesOf } from '../../infra/clickhouse/tables';
import { createKafka } from '../../infra/kafka/kafka-client';
import { createKafkaDeadLetterSink, createKafkaReadingSink } from '../../infra/kafka/reading-sink.kafka';
import { createKafkaReadingSource } from '../../infra/kafka/reading-source.kafka';
import { ensureTopics, topicsFor } from '../../infra/kafka/topics';
import { createProcessor } from '../../processing';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { aReading, hourlyReadings } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const logger = silentLogger();
const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'outage-test' }, logger);
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.dispose());

/**
 * The store refuses writes for a while: the engine itself refuses inserts
 * (TOO_MANY_PARTS — ClickHouse's own back-pressure, forced by lowering `parts_to_throw_insert`
 * with merges stopped); the processor must hold its offsets, retry, and store everything exactly
 * once when the store accepts writes again.
 */
describe('the store refusing writes for a while, on the real broker', () => {
  it('commits nothing while refused, then stores every reading exactly once', async () => {
    const t = tablesOf(store.database);
    const topics = topicsFor(`outage-${randomUUID().slice(0, 8)}`, { partitions: 2 });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topics);
    // Two parts in October 2025's partition, merges stopped, and a limit of one part: inserts there now fail.
    const direct = createProcessor({
      source: { run: async () => {}, stop: async () => {} },
      store: createClickHouseReadingStore(store),
      deadLetters: { publish: async () => {} },
      logger,
    });
    for (const [i, v] of [1, 2].entries())
      await direct.handleBatch({
        topic: 'x',
        partition: 0,
        messages: encodeReadings([
          aReading({ station: '1270A', time: `2025-10-0${i + 1}T01:00:00+08:00`, value: v }),
        ]).map((m) => ({ ...m, partition: 0, offset: String(i) })),
      });
    await store.client.command({ query: `SYSTEM STOP MERGES ${t.revisions}` });
    await store.client.command({ query: `ALTER TABLE ${t.revisions} MODIFY SETTING parts_to_throw_insert = 1` });

    const sink = await createKafkaReadingSink(kafka, topics.raw.name);
    const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
    const stations = ['1141A', '1142A', '1151A', '1160A', '1271A', '1143A'];
    const all = hourlyReadings({
      stations,
      pollutants: ['pm25'],
      startMs: Date.parse('2025-10-05T01:00:00+08:00'),
      hours: 24,
      valueOf: (s, _p, h) => Number(s.slice(0, 4)) + h,
    });
    await sink.publish(all);
    const source = createKafkaReadingSource(kafka, {
      topic: topics.raw.name,
      groupId: 'outage-group',
      logger,
      retryBaseMs: 100,
      sessionTimeoutMs: 10_000,
    });
    // The real store, watched: how many inserts the engine refused (the processor's attempts).
    const real = createClickHouseReadingStore(store);
    let refused = 0;
    const watched = {
      ...real,
      insertRevisions: (rows: Parameters<typeof real.insertRevisions>[0]) =>
        real.insertRevisions(rows).catch((err: unknown) => {
          refused++;
          throw err;
        }),
    };
    const processor = createProcessor({ source, store: watched, deadLetters: dlq, logger });
    const running = processor.run();

    // Refused for eight seconds: nothing stored, no offset committed.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await countRows(store, 'reading_revisions')).toBe(2);
    const committed = await admin.fetchOffsets({ groupId: 'outage-group', topics: [topics.raw.name] });
    expect(committed.flatMap((x) => x.partitions).every((p) => p.offset === '-1')).toBe(true);
    // …while the processor kept trying (the engine refused each insert).
    expect(refused).toBeGreaterThan(2);
    console.info(`store outage: ${refused} inserts refused in 8 s, nothing committed`);

    // The store accepts writes again.
    await store.client.command({ query: `ALTER TABLE ${t.revisions} MODIFY SETTING parts_to_throw_insert = 3000` });
    await store.client.command({ query: `SYSTEM START MERGES ${t.revisions}` });
    for (
      const until = Date.now() + 60_000;
      (await countRows(store, 'reading_revisions')) < 2 + all.length && Date.now() < until;
    )
      await new Promise((r) => setTimeout(r, 300));
    await processor.stop();
    await running;
    await sink.close();
    await dlq.close();
    const after = await admin.fetchOffsets({ groupId: 'outage-group', topics: [topics.raw.name] });
    await admin.disconnect();
    expect(await countRows(store, 'reading_revisions')).toBe(2 + all.length);
    const rows = await currentReadings(store, { stations, pollutants: ['pm25'] });
    expect(rows.map((r) => r.value).sort((a, b) => (a as number) - (b as number))).toEqual(
      all.map((r) => r.value).sort((a, b) => (a as number) - (b as number)),
    );
    expect(after.flatMap((x) => x.partitions).some((p) => Number(p.offset) > 0)).toBe(true);
  }, 120_000);
});
