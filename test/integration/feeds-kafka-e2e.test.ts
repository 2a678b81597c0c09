import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADAPTERS } from '../../ingest/adapters';
import { createIngest } from '../../ingest';
import { feedsFileFor, startSimulator, virtualClock, type Simulator, type VirtualClock } from '../../tools/simulator';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createKafka } from '../../infra/kafka/kafka-client';
import { createKafkaDeadLetterSink, createKafkaReadingSink } from '../../infra/kafka/reading-sink.kafka';
import { createKafkaReadingSource } from '../../infra/kafka/reading-source.kafka';
import { ensureTopics, topicsFor, type Topics } from '../../infra/kafka/topics';
import { createProcessor, explainBatch } from '../../processing';
import { zFeedsFile } from '../../schemas/feeds/feed-definition';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
const brokers = inject('kafkaBrokers');
const logger = silentLogger();
const kafka = createKafka({ brokers, clientId: 'feeds-e2e' }, logger);
const origin = Date.parse('2025-07-01T00:00:00+08:00');
let store: TestStore;
let sim: Simulator;
let clock: VirtualClock;
let topics: Topics;
const dataDir = mkdtempSync(join(tmpdir(), 'yrd-air-feeds-e2e-'));

beforeAll(async () => {
  store = await openTestStore();
  clock = virtualClock(origin + 12 * HOUR + 40 * 60_000);
  sim = await startSimulator({
    seed: 11,
    clock,
    originMs: origin,
    ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 },
  });
  topics = topicsFor(`feeds-${randomUUID().slice(0, 8)}`);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics);
  await admin.disconnect();
});
afterAll(async () => {
  await sim?.stop();
  await store?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

async function waitUntilCommitted(groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const until = Date.now() + 60_000;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topics.raw.name);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.raw.name] });
      const at = (p: number) => Math.max(0, Number(committed?.partitions.find((c) => c.partition === p)?.offset ?? -1));
      if (ends.every((e) => at(e.partition) === Number(e.offset))) return;
      if (Date.now() > until) throw new Error('processor did not catch up');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** The store's current values equal what the simulator's publication log says was served last. */
async function expectStoreEqualsServed(): Promise<void> {
  const served = sim.lastServed();
  const rows = await currentReadings(store);
  const got = new Map(rows.map((r) => [`${r.station}|${r.pollutant}|${r.t * 1000}`, r]));
  expect(rows).toHaveLength(served.length);
  for (const s of served) {
    const row = got.get(`${s.station}|${s.pollutant}|${s.timeMs}`);
    expect(row?.value, `${s.station} ${s.pollutant} ${new Date(s.timeMs).toISOString()}`).toBe(s.value);
    expect(row?.valid).toBe(s.value !== null && !s.invalid);
  }
}

describe('the four feeds end to end through the real broker into the store', () => {
  it('store the last served value of every identity; a restart mid-stream leaves no gap and no duplicate', async () => {
    const feeds = zFeedsFile.parse(feedsFileFor(sim)).feeds;
    const sink = await createKafkaReadingSink(kafka, topics.raw.name);
    const dlq = await createKafkaDeadLetterSink(kafka, topics.deadLetter.name);
    const source = createKafkaReadingSource(kafka, { topic: topics.raw.name, groupId: 'feeds-e2e', logger });
    const processor = createProcessor({ source, store: createClickHouseReadingStore(store), deadLetters: dlq, logger });
    const running = processor.run();

    // First ingest process: pulls, then is stopped in the middle of a second round of pulls —
    // as soon as that round has handed its first page over.
    let published = 0;
    const counting = {
      ...sink,
      publish: async (rs: Parameters<typeof sink.publish>[0]) => (await sink.publish(rs), void published++),
    };
    const first = createIngest({
      sink: counting,
      feeds,
      adapters: ADAPTERS,
      dataDir,
      logger,
      judge: explainBatch,
      now: () => new Date(clock.now()),
    });
    for (const f of feeds) await first.scheduler.pullNow(f.name);
    clock.advance(4 * HOUR);
    const before = published;
    const interrupted = Promise.allSettled(feeds.map((f) => first.scheduler.pullNow(f.name)));
    while (published === before) await new Promise((r) => setTimeout(r, 5));
    await first.stop();
    const outcomes = await interrupted;
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true); // some pull really was cut short

    // A new ingest process on the same watermarks resumes; seven hours later still, corrections are out.
    clock.advance(3 * HOUR);
    const second = createIngest({
      sink,
      feeds,
      adapters: ADAPTERS,
      dataDir,
      logger,
      judge: explainBatch,
      now: () => new Date(clock.now()),
    });
    for (const f of feeds) await second.scheduler.pullNow(f.name);
    expect(second.feeds().every((f) => f.lastError === null)).toBe(true);

    await waitUntilCommitted('feeds-e2e');
    await expectStoreEqualsServed();
    // No duplicate: each stored arrival differs from the one before it for its identity and status.
    // A re-judged revision repeats its value on purpose (a new verdict: its PM partner changed).
    const rs = await store.client.query({
      query: `SELECT count() AS n FROM (SELECT station, pollutant, time, status, value, source_flag, count() AS c
               FROM \`${store.database}\`.reading_revisions WHERE kind != 're-judged' GROUP BY ALL HAVING c > 1)`,
      format: 'JSONEachRow',
    });
    expect(Number((await rs.json<{ n: string }>())[0]?.n)).toBe(0);
    expect(await countRows(store, 'rejects')).toBeGreaterThan(0); // the malformed values, with reasons

    await processor.stop();
    await running;
    await sink.close();
    await dlq.close();
  });
});
