import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { ADAPTERS } from '../../ingest/adapters';
import { createPullScheduler, type PullScheduler } from '../../ingest/scheduler';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion, createRegistryLoader } from '../../ingest/stations/registry-files';
import { createMemoryWatermarkStore } from '../../ingest/watermarks';
import { startInProcessPipeline } from '../../infra/bus/in-process-pipeline';
import {
  createClickHouseScorecardQueries,
  createClickHouseStationQueries,
} from '../../infra/clickhouse/api-queries.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import type { FeedsResponse } from '../../schemas/api/feeds';
import type { Scorecard } from '../../schemas/api/scorecard';
import { zFeedsFile } from '../../schemas/feeds/feed-definition';
import { feedsFileFor, startSimulator, virtualClock, type Simulator, type VirtualClock } from '../../tools/simulator';
import { silentLogger } from '../helpers/logger';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** A fresh start at 09:45: the simulator has published the 48 hours before (its default origin). */
const firstPull = Date.parse('2025-05-12T09:45:00+08:00');
/** Then the feeds run hourly, at a quarter to. */
const pulls = [0, 1, 2, 3, 4].map((k) => firstPull + k * HOUR);
const dir = mkdtempSync(join(tmpdir(), 'yrd-air-catch-up-'));
let store: TestStore;
let sim: Simulator;
let clock: VirtualClock;
let scheduler: PullScheduler;
let stopPipeline: () => Promise<void>;
let app: FastifyInstance;
let base = '';
let key = '';

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  clock = virtualClock(firstPull);
  sim = await startSimulator({ seed: 11, clock, ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 } });
  const logger = silentLogger();
  const pipeline = startInProcessPipeline(store, logger, { maxBatchMessages: 2000 });
  stopPipeline = () => pipeline.stop();
  const feeds = zFeedsFile
    .parse(feedsFileFor(sim))
    .feeds.filter((f) => f.format === 'sh-json' || f.format === 'ah-json');
  scheduler = createPullScheduler({
    feeds,
    adapters: ADAPTERS,
    sink: pipeline.sink,
    registry: createRegistryLoader(dir, createStationRegistry),
    watermarks: createMemoryWatermarkStore(),
    logger,
    now: () => new Date(clock.now()),
  });
  const keysFile = join(dir, 'keys.json');
  key = issueKey(keysFile, 'coordinator').key;
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keysFile),
    ingest: { feeds: () => scheduler.status() },
    queries: { stations: createClickHouseStationQueries(store), scorecards: createClickHouseScorecardQueries(store) },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await scheduler?.stop();
  await stopPipeline?.();
  await sim?.stop();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const pullBoth = async (at: number): Promise<void> => {
  clock.set(at);
  for (const f of scheduler.status()) await scheduler.pullNow(f.name);
};
const anhuiLag = async (): Promise<number | null> => {
  const res = await fetch(`${base}/v1/feeds`);
  expect(res.status).toBe(200);
  return ((await res.json()) as FeedsResponse).feeds.find((f) => f.format === 'ah-json')!.lagMinutes;
};
/** The newest hour any Anhui station had published by `at`, from the simulator's publication plan. */
const newestAnhuiHour = (at: number): number => {
  let newest = -Infinity;
  for (const s of sim.stations.filter((st) => st.province === 'anhui')) {
    for (let t = sim.originMs; t <= at; t += HOUR) {
      const h = sim.publication.publishedHour(s, t);
      if (h && h.publishedMs <= at) newest = Math.max(newest, t);
    }
  }
  return newest;
};

describe('a fresh start through the simulator: the first pull catches up 48 hours, then hourly pulls', () => {
  it('gives the Anhui cursor feed a lag from the newest hour read (over HTTP)', async () => {
    expect(await anhuiLag()).toBeNull();
    await pullBoth(firstPull);
    // 09:00 ends at 09:00 and is out at 09:30 (the simulator publishes 30 minutes after the hour).
    expect(newestAnhuiHour(firstPull)).toBe(Date.parse('2025-05-12T09:00:00+08:00'));
    expect(await anhuiLag()).toBe((firstPull - newestAnhuiHour(firstPull)) / MINUTE);
    // Without a pull, the lag grows with the clock: it is the data's age, not the pull's.
    clock.set(firstPull + 30 * MINUTE);
    expect(await anhuiLag()).toBe(75);
  });

  it('times only the hours that ended after the first pull, by the simulator’s publication delays', async () => {
    for (const at of pulls.slice(1)) await pullBoth(at);
    const last = pulls.at(-1)!;
    expect(await anhuiLag()).toBe((last - newestAnhuiHour(last)) / MINUTE);
    // Shanghai gives no publication time: an hour's delay runs to the first pull at or after its
    // publication (30 minutes after the hour, 3 h 30 min when late).
    const firstSeen = (publishedMs: number): number => pulls.find((p) => p >= publishedMs)!;
    const delays: number[] = [];
    for (const s of sim.stations.filter((st) => st.province === 'shanghai')) {
      for (let t = firstPull - (firstPull % HOUR) + HOUR; t <= last; t += HOUR) {
        const h = sim.publication.publishedHour(s, t);
        if (!h || h.publishedMs > last) continue;
        for (const v of h.values) if (!v.malformed) delays.push((firstSeen(h.publishedMs) - t) / MINUTE);
      }
    }
    delays.sort((a, b) => a - b);
    const from = encodeURIComponent(new Date(sim.originMs).toISOString());
    const to = encodeURIComponent(new Date(last + HOUR).toISOString());
    const res = await fetch(`${base}/v1/centres/shanghai/scorecard?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    const t = ((await res.json()) as Scorecard).summary.timeliness;
    // Four hours (10:00 … 13:00) of every station and pollutant, not the 48 caught up at 09:45.
    expect(delays.length).toBeGreaterThan(300);
    expect(t.n).toBe(delays.length);
    // Most hours are out at :30 and read at :45; few are late, so the median is 45 minutes.
    expect(delays[Math.floor(delays.length / 2)]).toBe(45);
    expect(t.p50Minutes).toBe(45);
    expect(t.withinHourShare).toBe(delays.filter((d) => d <= 60).length / delays.length);
  });
});
