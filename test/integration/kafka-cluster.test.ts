import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createKafka } from '../../infra/kafka/kafka-client';
import { createKafkaDeadLetterSink, createKafkaReadingSink } from '../../infra/kafka/reading-sink.kafka';
import { createKafkaReadingSource } from '../../infra/kafka/reading-source.kafka';
import { ensureTopics, topicsFor } from '../../infra/kafka/topics';
import { startLocalKafka, type LocalKafka } from '../../tools/kafka-broker/local-broker';
import { createProcessor } from '../../processing';
import { isRetriable } from '../../kernel/errors';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { hourlyReadings } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const logger = silentLogger();
let cluster: LocalKafka;
let store: TestStore;

beforeAll(async () => {
  // Its own three-node KRaft cluster: replication factor 3, min in-sync replicas 2.
  cluster = await startLocalKafka({ brokers: 3, heap: '384m' });
  store = await openTestStore();
}, 240_000);
afterAll(async () => {
  await store?.dispose();
  await cluster?.stop();
}, 120_000);

/**
 * A broker of three stops during ingest and comes back; the producer (acks from all
 * in-sync replicas, idempotent) and the consumer group ride through it. Counted against what was
 * produced, not against the pipeline's logs.
 */
describe('a three-broker cluster losing a broker during ingest', () => {
  it('loses nothing and duplicates nothing', async () => {
    const kafka = createKafka({ brokers: cluster.bootstrap, clientId: 'cluster-test' }, logger);
    const topics = topicsFor(`cluster-${randomUUID().slice(0, 8)}`, { replicationFactor: 3 });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topics);
    await admin.disconnect();
    const sink = await createKafkaReadingSink(kafka, topics.raw.name);
    const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
    const source = createKafkaReadingSource(kafka, {
      topic: topics.raw.name,
      groupId: 'cluster-processing',
      logger,
      retryBaseMs: 100,
      sessionTimeoutMs: 10_000,
    });
    const processor = createProcessor({ source, store: createClickHouseReadingStore(store), deadLetters: dlq, logger });
    const running = processor.run();

    const stations = ['1141A', '1142A', '1151A', '1160A', '1270A', '1271A', '1143A', '1152A'];
    const all = hourlyReadings({
      stations,
      pollutants: ['pm25', 'o3'],
      startMs: Date.UTC(2025, 8, 1, 0),
      hours: 60,
      valueOf: (s, p, h) => Number(s.slice(0, 4)) + h / 100 + (p === 'o3' ? 0.5 : 0),
    });
    const perHour = stations.length * 2;
    let stopped = false;
    let resent = 0;
    for (let h = 0; h < 60; h++) {
      if (h === 15) {
        await cluster.stopBroker(1);
        stopped = true;
      }
      if (h === 40) {
        await cluster.startBroker(1);
        stopped = false;
      }
      // One hour of every station at a time, as feeds deliver; publish resolves once acked by the
      // in-sync replicas. A transient failure is retried as the feed scheduler does (its watermark
      // does not move); a re-sent hour is dropped as unchanged by the processor.
      const hour = all.filter((r) => Date.parse(r.time) === Date.UTC(2025, 8, 1, 0) + h * 3_600_000);
      for (let attempt = 0; ; attempt++) {
        try {
          await sink.publish(hour);
          break;
        } catch (err) {
          if (!isRetriable(err) || attempt >= 10) throw err;
          resent++;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
    expect(stopped).toBe(false);
    console.info(`three-broker cluster: broker 2 stopped for hours 15–39 of 60; ${resent} publishes retried`);
    const until = Date.now() + 90_000;
    while ((await countRows(store, 'reading_revisions')) < all.length && Date.now() < until)
      await new Promise((r) => setTimeout(r, 500));
    await processor.stop();
    await running;
    await sink.close();
    await dlq.close();
    expect(perHour * 60).toBe(all.length);
    // Exactly what was produced: every identity once, with its value.
    expect(await countRows(store, 'reading_revisions')).toBe(all.length);
    const rows = await currentReadings(store, { stations, pollutants: ['pm25', 'o3'] });
    expect(rows).toHaveLength(all.length);
    const expected = new Map(all.map((r) => [`${r.station}|${r.pollutant}|${Date.parse(r.time) / 1000}`, r.value]));
    for (const row of rows) expect(row.value).toBe(expected.get(`${row.station}|${row.pollutant}|${row.t}`));
  }, 300_000);
});
