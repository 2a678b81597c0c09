import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { percentile } from '../../views/stats/percentile';
import { createIngest } from '../../ingest';
import { ADAPTERS } from '../../ingest/adapters';
import { feedsFileFor, startSimulator, virtualClock, type Simulator } from '../../tools/simulator';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { createInProcessBus } from '../../infra/bus/in-process-bus';
import {
  createClickHouseScorecardQueries,
  createClickHouseStationQueries,
} from '../../infra/clickhouse/api-queries.clickhouse';
import { createStoreDeadLetterSink } from '../../infra/clickhouse/dead-letters.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor, explainBatch } from '../../processing';
import { zFeedsFile } from '../../schemas/feeds/feed-definition';
import type { Scorecard } from '../../schemas/api/scorecard';
import { silentLogger } from '../helpers/logger';
import { SHARED_DATA_DIR } from '../helpers/shared-data';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
const origin = Date.parse('2025-05-10T00:00:00+08:00');
/** Two pulls: the first sees some values before their corrections and late hours are out. */
const firstPull = origin + 21 * HOUR + 45 * 60_000;
const pullAt = origin + 30 * HOUR + 45 * 60_000; // after every quirk of the first day is out
const dir = mkdtempSync(join(tmpdir(), 'yrd-air-scorecard-'));
let store: TestStore;
let sim: Simulator;
let app: FastifyInstance;
let key = '';

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const clock = virtualClock(firstPull);
  sim = await startSimulator({
    seed: 5,
    clock,
    originMs: origin,
    ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 },
  });
  const logger = silentLogger();
  const bus = createInProcessBus({ logger, maxBatchMessages: 2000 });
  const readingStore = createClickHouseReadingStore(store);
  const processor = createProcessor({
    source: bus.source,
    store: readingStore,
    deadLetters: createStoreDeadLetterSink(readingStore),
    logger,
  });
  void processor.run();
  const feeds = zFeedsFile.parse(feedsFileFor(sim)).feeds;
  const ingest = createIngest({
    sink: bus.sink,
    feeds,
    adapters: ADAPTERS,
    dataDir: dir,
    logger,
    judge: explainBatch,
    now: () => new Date(clock.now()),
  });
  for (const f of feeds) await ingest.scheduler.pullNow(f.name);
  clock.set(pullAt);
  for (const f of feeds) await ingest.scheduler.pullNow(f.name);
  const keysFile = join(dir, 'keys.json');
  key = issueKey(keysFile, 'coordinator').key;
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keysFile),
    queries: {
      stations: createClickHouseStationQueries(store),
      scorecards: createClickHouseScorecardQueries(store),
    },
  });
});
afterAll(async () => {
  await app?.close();
  await sim?.stop();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Stations in service of a province, read from the shared list with a plain split. */
function inService(province: string): number {
  return readFileSync(`${SHARED_DATA_DIR}yrd_stations.csv`, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter((c) => c[4] === province && c[8]?.trim() === 'N').length;
}

async function scorecard(centre: string): Promise<Scorecard> {
  const res = await app.inject({
    url: `/v1/centres/${centre}/scorecard?from=2025-05-10&to=2025-05-10`,
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json() as Scorecard;
}

let seenCorrections = 0;

describe('delivery scorecards against the simulator’s publication log', () => {
  const from = Date.parse('2025-05-10T01:00:00+08:00');
  const to = Date.parse('2025-05-11T01:00:00+08:00');
  const served = (province: string) =>
    sim
      .lastServed(pullAt)
      .filter(
        (s) =>
          s.timeMs >= from && s.timeMs < to && sim.stations.find((st) => st.code === s.station)?.province === province,
      );

  it.each([['shanghai'], ['jiangsu'], ['zhejiang'], ['anhui']])('counts what %s delivered', async (province) => {
    const card = await scorecard(province);
    const log = served(province);
    expect(card.stations).toBe(inService(province.replace(/^./, (c) => c.toUpperCase())));
    expect(card.summary.expected).toBe(24 * 6 * card.stations);
    expect(card.summary.received).toBe(log.filter((s) => s.value !== null).length);
    expect(card.summary.valid).toBe(log.filter((s) => s.value !== null && !s.invalid).length);
    // A correction is seen when the first value was read before it: Anhui's log carries both
    // events; the other feeds show a snapshot, so only corrections published between the pulls.
    const corrections = sim.stations
      .filter((s) => s.province === province)
      .flatMap((s) => Array.from({ length: 24 }, (_, i) => sim.publication.publishedHour(s, from + i * HOUR)))
      .filter(
        (h) =>
          h?.correction &&
          h.correction.publishedMs <= pullAt &&
          (province === 'anhui' || (h.publishedMs <= firstPull && h.correction.publishedMs > firstPull)),
      ).length;
    expect(card.summary.corrected).toBe(corrections);
    seenCorrections += corrections;
    expect(card.summary.auditedShare).toBe(0);
  });

  it('saw corrections at all (so the counts above are tested on something)', () => {
    expect(seenCorrections).toBeGreaterThan(10);
  });

  // The hours ending before a feed's first pull are its start's catch-up, not timed (scorecard.sql.ts).
  it('times Shanghai by arrival (its feed gives no publication time), from its first pull on', async () => {
    const card = await scorecard('shanghai');
    const firstSeen = (s: { station: string; timeMs: number }) =>
      sim.publication.publishedHour(
        sim.stations.find((st) => st.code === s.station)!,
        s.timeMs,
      )!.publishedMs <= firstPull
        ? firstPull
        : pullAt;
    const delays = served('shanghai')
      .filter((s) => s.timeMs >= firstPull)
      .map((s) => (firstSeen(s) - s.timeMs) / 60_000)
      .sort((a, b) => a - b);
    expect(delays.length).toBeGreaterThan(100);
    expect(card.summary.timeliness.n).toBe(delays.length);
    expect(card.summary.timeliness.p50Minutes).toBe(Math.round((percentile(delays, 50) as number) * 10) / 10);
  });

  it('times Jiangsu by the document’s own publication time, from its first pull on', async () => {
    const card = await scorecard('jiangsu');
    const stations = sim.stations.filter((s) => s.province === 'jiangsu');
    const delays: number[] = [];
    // The document's publishTime when first read: the latest of its station-hours out by then.
    const docPublished = (t: number, at: number) =>
      Math.max(
        ...stations
          .map((s) => sim.publication.publishedHour(s, t))
          .filter((h) => h && h.publishedMs <= at)
          .map((h) => h!.publishedMs),
      );
    for (let t = from; t < to; t += HOUR) {
      if (t < firstPull) continue;
      for (const s of stations) {
        const h = sim.publication.publishedHour(s, t);
        if (!h || h.publishedMs > pullAt) continue;
        const seenAt = h.publishedMs <= firstPull ? firstPull : pullAt;
        for (const v of h.values) if (!v.malformed) delays.push((docPublished(t, seenAt) - t) / 60_000);
      }
    }
    delays.sort((a, b) => a - b);
    expect(card.summary.timeliness.n).toBe(delays.length);
    expect(card.summary.timeliness.p90Minutes).toBe(Math.round((percentile(delays, 90) as number) * 10) / 10);
    const malformed = stations
      .flatMap((s) => Array.from({ length: 24 }, (_, i) => sim.publication.publishedHour(s, from + i * HOUR)))
      .flatMap((h) => (h && h.publishedMs <= pullAt ? h.values.filter((v) => v.malformed) : [])).length;
    expect(card.summary.rejectsByCode).toEqual(malformed > 0 ? { READING_INVALID: malformed } : {});
  });

  it('the public summary carries each centre’s headline figures, equal to its scorecard', async () => {
    const card = await scorecard('shanghai');
    const res = await app.inject(`/v1/centres/summary?hours=24&to=${encodeURIComponent('2025-05-11T00:00:00+08:00')}`);
    expect(res.statusCode).toBe(200);
    const sh = (
      res.json() as {
        centres: { centre: string; capture: number | null; p90Minutes: number | null; stations: number }[];
      }
    ).centres.find((c) => c.centre === 'shanghai');
    expect(sh).toMatchObject({
      stations: card.stations,
      capture: card.summary.capture,
      p90Minutes: card.summary.timeliness.p90Minutes,
    });
  });
});
