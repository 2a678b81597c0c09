import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { issueKey } from '../../api/auth/centre-keys';
import { feedsFileFor, startSimulator, virtualClock } from '../../tools/simulator';
import type { Scorecard } from '../../schemas/api/scorecard';
import { runCli, type CliRun } from '../helpers/cli';

const HOUR = 3_600_000;
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'yrd-air-dist-'));
  dirs.push(d);
  return d;
};
const running: CliRun[] = [];
afterAll(async () => {
  // Wait for the processes to exit: the engine writes into its folder until then.
  await Promise.all(running.map((r) => r.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true, maxRetries: 5 });
}, 60_000);

/**
 * The distributed shape on one machine: `yrd-air ingest` as one process (Kafka only, no store),
 * `yrd-air start` with KAFKA_BROKERS as another (processing and the API on the store), talking
 * only through the real broker. The simulator runs here with its clock frozen, so what it served
 * is fixed and the scorecard can be checked against its publication log.
 */
describe('distributed shape: ingest and processing+api as separate processes over the real broker', () => {
  it('brings the feeds into the store through Kafka', async () => {
    const now = Math.floor(Date.now() / HOUR) * HOUR + 40 * 60_000;
    const sim = await startSimulator({
      clock: virtualClock(now),
      originMs: Math.floor(now / HOUR) * HOUR - 6 * HOUR,
      ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 },
    });
    try {
      const feeds = join(tmp(), 'feeds.json');
      writeFileSync(feeds, JSON.stringify(feedsFileFor(sim, { schedule: '*/30 * * * *' })));
      const empty = join(tmp(), 'none.json');
      writeFileSync(empty, '{ "feeds": [] }');
      const common = {
        KAFKA_BROKERS: inject('kafkaBrokers').join(','),
        KAFKA_TOPIC_PREFIX: `dist-${randomUUID().slice(0, 8)}`,
        PORT: '0',
        CLICKHOUSE_DATABASE: 'yrd_air_test',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      };
      const storeDir = tmp();
      const key = issueKey(join(storeDir, 'centre-keys.json'), 'coordinator').key;

      // Two consumers of the processing group in the one process (PROCESSOR_CONSUMERS).
      const processing = runCli(['start'], {
        ...common,
        DATA_DIR: storeDir,
        FEEDS_FILE: empty,
        PROCESSOR_CONSUMERS: '2',
      });
      running.push(processing);
      const [, api] = await processing.waitForLine(/API at (http:\/\/\S+)/);
      const ingest = runCli(['ingest'], { ...common, DATA_DIR: tmp(), FEEDS_FILE: feeds });
      running.push(ingest);
      const [, ingestUrl] = await ingest.waitForLine(/health at (http:\/\/\S+)/);

      const fromMs = sim.originMs;
      const expected = sim
        .lastServed()
        .filter(
          (s) =>
            s.timeMs >= fromMs &&
            sim.stations.find((st) => st.code === s.station)?.province === 'shanghai' &&
            s.value !== null,
        ).length;
      expect(expected).toBeGreaterThan(100);
      const range = `from=${encodeURIComponent(new Date(fromMs).toISOString())}&to=${encodeURIComponent(new Date(now + HOUR).toISOString())}`;
      let card: Scorecard | undefined;
      const until = Date.now() + 90_000;
      while (Date.now() < until) {
        const res = await fetch(`${api}/v1/centres/shanghai/scorecard?${range}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        card = (await res.json()) as Scorecard;
        if (card.summary?.received === expected) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(card?.summary.received).toBe(expected);
      // The other three feeds finish their first pulls in their own time: wait for all four.
      type Feeds = { feeds: { name: string; errorCount: number; lastSuccessAt: string | null }[] };
      let status: Feeds = { feeds: [] };
      for (const until2 = Date.now() + 60_000; Date.now() < until2; await new Promise((r) => setTimeout(r, 500))) {
        status = (await (await fetch(`${ingestUrl}/v1/feeds`)).json()) as Feeds;
        if (status.feeds.length === 4 && status.feeds.every((f) => f.lastSuccessAt !== null)) break;
      }
      expect(status.feeds.map((f) => [f.name, f.lastSuccessAt !== null, f.errorCount])).toEqual([
        ['shanghai-sh-json', true, 0],
        ['jiangsu-js-xml', true, 0],
        ['zhejiang-zj-csv', true, 0],
        ['anhui-ah-json', true, 0],
      ]);
    } finally {
      await sim.stop();
    }
  }, 180_000);
});
