import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectStore } from '../../infra/clickhouse/client';
import { loadConfig } from '../../infra/config/load-config';
import { createKafka } from '../../infra/kafka/kafka-client';
import { createKafkaReadingSink } from '../../infra/kafka/reading-sink.kafka';
import { ensureTopics, topicsFor } from '../../infra/kafka/topics';
import { runCli } from '../helpers/cli';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { hourlyReadings } from '../helpers/readings';

const DB = 'yrd_air_test';
const dataDir = mkdtempSync(join(tmpdir(), 'yrd-air-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }));

/**
 * Killing the processor mid-batch and restarting it loses nothing and
 * duplicates nothing. `yrd-air process` runs as its own process on the embedded store and the
 * real broker; it is SIGKILLed at staggered moments while it consumes, then restarted.
 * Expectations come from what was produced, not from the pipeline's logs.
 */
describe('processor killed mid-batch on the real broker', () => {
  it('stores every produced reading exactly once after repeated SIGKILLs', async () => {
    const brokers = inject('kafkaBrokers');
    const prefix = `crash-${randomUUID().slice(0, 8)}`;
    const kafka = createKafka({ brokers, clientId: 'crash-test' }, silentLogger());
    const topics = topicsFor(prefix);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topics);

    const stations = Array.from({ length: 60 }, (_, i) => `${1141 + i}A`);
    const startMs = Date.UTC(2024, 0, 1);
    const valueOf = (s: string, p: string, h: number) =>
      (Number(s.slice(0, 4)) % 97) + h / 1000 + (p === 'o3' ? 0.5 : 0);
    const readings = hourlyReadings({ stations, pollutants: ['pm25', 'o3'], startMs, hours: 24 * 30, valueOf });
    const sink = await createKafkaReadingSink(kafka, topics.raw.name);
    for (let i = 0; i < readings.length; i += 5_000) await sink.publish(readings.slice(i, i + 5_000));
    await sink.close();

    const env = {
      PORT: '0',
      DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: DB,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
    /** Messages committed by the group, and messages on the topic. */
    const progress = async (): Promise<{ committed: number; total: number }> => {
      const ends = await admin.fetchTopicOffsets(topics.raw.name);
      const [committed] = await admin.fetchOffsets({ groupId: `${prefix}.processing`, topics: [topics.raw.name] });
      const at = (p: number) => Math.max(0, Number(committed?.partitions.find((c) => c.partition === p)?.offset ?? -1));
      return {
        committed: ends.reduce((n, e) => n + at(e.partition), 0),
        total: ends.reduce((n, e) => n + Number(e.offset), 0),
      };
    };
    const committedAll = async (): Promise<boolean> => {
      const p = await progress();
      return p.committed === p.total;
    };

    // Kill as soon as a run has committed something new: the processor is then mid-stream, with
    // batches in flight. Three such kills, then a run to the end.
    const killedMidStream: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = (await progress()).committed;
      const run = runCli(['process'], env);
      const until = Date.now() + 60_000;
      while ((await progress()).committed === before && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      run.proc.kill('SIGKILL');
      await run.exited;
      const p = await progress();
      if (p.committed > before && p.committed < p.total) killedMidStream.push(p.committed);
    }
    const last = runCli(['process'], env);
    const until = Date.now() + 120_000;
    while (!(await committedAll())) {
      if (Date.now() > until) throw new Error(`not all committed; stderr:\n${last.stderr()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    last.proc.kill('SIGTERM');
    expect((await last.exited).code).toBe(0);
    await admin.disconnect();
    // The kills landed while the stream was partly consumed (not before, not after).
    expect(killedMidStream.length).toBeGreaterThanOrEqual(2);

    const store = await connectStore(loadConfig({ DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB }));
    try {
      expect(await countRows(store, 'reading_revisions', true)).toBe(readings.length);
      const rows = await currentReadings(store);
      expect(rows).toHaveLength(readings.length);
      const expected = new Map(
        readings.map((r) => [`${r.station}|${r.pollutant}|${Date.parse(r.time) / 1000}`, r.value]),
      );
      for (const row of rows) expect(row.value).toBe(expected.get(`${row.station}|${row.pollutant}|${row.t}`));
    } finally {
      await store.close();
    }
  }, 300_000);
});
