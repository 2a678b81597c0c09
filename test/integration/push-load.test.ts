import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { ADAPTERS } from '../../ingest/adapters';
import { createPushIngest } from '../../ingest/push';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion, createRegistryLoader } from '../../ingest/stations/registry-files';
import { createInProcessBus } from '../../infra/bus/in-process-bus';
import { createStoreDeadLetterSink } from '../../infra/clickhouse/dead-letters.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor, explainBatch, type Processor } from '../../processing';
import { countRows } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { openTestStore, type TestStore } from '../helpers/store';

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-load-'));
const CENTRES = ['shanghai', 'jiangsu', 'zhejiang', 'anhui', 'coordinator'] as const;
let store: TestStore;
let app: FastifyInstance;
let base: string;
let processor: Processor;
const keys: Record<string, string> = {};

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const logger = silentLogger();
  const bus = createInProcessBus({ logger });
  const readingStore = createClickHouseReadingStore(store);
  processor = createProcessor({
    source: bus.source,
    store: readingStore,
    deadLetters: createStoreDeadLetterSink(readingStore),
    logger,
  });
  void processor.run();
  for (const c of CENTRES) keys[c] = issueKey(join(dir, 'keys.json'), c).key;
  // Rate limits set high for the test, so the figure measures capacity.
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(join(dir, 'keys.json')),
    ingest: {
      push: createPushIngest({
        sink: bus.sink,
        registry: createRegistryLoader(dir, createStationRegistry),
        judge: explainBatch,
        archive: ADAPTERS['cnemc-archive'],
      }),
    },
    limits: { pushBodyLimitBytes: 1 << 20, pushPerMinute: 1_000_000 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await processor?.stop();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const start = Date.parse('2020-01-01T01:00:00+08:00');
const stationsOf = (centre: string) =>
  bundledVersion()
    .stations.filter(
      (s) => !s.stopped && (centre === 'coordinator' ? s.city === '合肥' : s.province === centre && s.city !== '合肥'),
    )
    .slice(0, 6)
    .map((s) => s.code);

describe('push endpoint under load (autocannon, all four centres and the coordinator at once)', () => {
  it('serves every request without a 5xx, and stores exactly what it accepted', async () => {
    let accepted = 0;
    let rejected = 0;
    const runs = CENTRES.map((centre, ci) => {
      const stations = stationsOf(centre);
      let n = 0;
      return autocannon({
        url: `${base}/v1/readings`,
        connections: 4,
        // A fixed number of requests, so every response is counted (a duration cuts some off in flight).
        amount: 250,
        requests: [
          {
            method: 'POST',
            headers: { authorization: `Bearer ${keys[centre]}`, 'content-type': 'application/json' },
            // Every request a new hour of the centre's stations: each accepted reading is a new identity.
            // Each centre's hours in a range of its own, all in the past (an hour ending more than
            // two hours from now is refused as READING_TIME_IN_FUTURE): 2020 to mid-2024.
            setupRequest: (req) => {
              const t = new Date(start + (ci * 10_000 + n++) * HOUR).toISOString();
              return {
                ...req,
                body: JSON.stringify(
                  stations.flatMap((station) =>
                    ['pm25', 'o3'].map((pollutant) => ({ station, pollutant, time: t, value: 30 + (n % 50) })),
                  ),
                ),
              };
            },
            onResponse: (status, body) => {
              if (status !== 202) return;
              const r = JSON.parse(body) as { accepted: number; rejected: unknown[] };
              accepted += r.accepted;
              rejected += r.rejected.length;
            },
          },
        ],
      });
    });
    const results = await Promise.all(runs);
    const requests = results.reduce((a, r) => a + r.requests.total, 0);
    const non2xx = results.reduce((a, r) => a + r.non2xx, 0);
    const errors = results.reduce((a, r) => a + r.errors + r.timeouts, 0);
    const p50 = Math.max(...results.map((r) => r.latency.p50));
    const p99 = Math.max(...results.map((r) => r.latency.p99));
    const seconds = Math.max(...results.map((r) => r.duration));
    console.info(
      `push load: ${requests} requests in ${seconds.toFixed(1)} s (${Math.round(requests / seconds)} /s) from 5 keys × 4 connections; ${accepted} readings accepted, ${rejected} rejected; non-2xx ${non2xx}, errors ${errors}; latency p50 ${p50} ms, p99 ${p99} ms (worst key)`,
    );
    expect(requests).toBe(5 * 250);
    expect(non2xx).toBe(0);
    expect(errors).toBe(0);
    expect(rejected).toBe(0);
    // 202 is answered once the readings are durable: the store holds exactly what was accepted.
    expect(await countRows(store, 'reading_revisions')).toBe(accepted);
  }, 120_000);
});
