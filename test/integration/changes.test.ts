import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import {
  createClickHouseChangeQueries,
  createClickHouseStationQueries,
} from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import type { Reading } from '../../schemas/reading';
import { silentLogger } from '../helpers/logger';
import { hourlyReadings } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

let store: TestStore;
let app: FastifyInstance;
type Page = {
  changes: { station: string; pollutant: string; time: string; value: number; status: string; arrivedAt: string }[];
  next: string | null;
};

const T0 = '2025-03-01T00:00:00Z';
const first = hourlyReadings({
  stations: ['1141A', '1151A'],
  pollutants: ['pm25', 'no2'],
  startMs: Date.parse('2025-03-01T01:00:00+08:00'),
  hours: 24,
  valueOf: (_s, _p, h) => h,
  arrivedAt: '2025-03-02T00:00:00Z',
});
/** Later: 5 corrections, 3 audited replacements and 4 re-arrivals that change nothing. */
const later: Reading[] = [
  ...first.slice(0, 5).map((r) => ({ ...r, value: (r.value as number) + 100, arrivedAt: '2025-03-03T00:00:00Z' })),
  ...first
    .slice(10, 13)
    .map((r) => ({ ...r, value: 7, status: 'audited' as const, arrivedAt: '2025-04-05T00:00:00Z' })),
  ...first.slice(20, 24).map((r) => ({ ...r, arrivedAt: '2025-04-06T00:00:00Z' })),
];

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  let offset = 0;
  for (const batch of [first, later]) {
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: encodeReadings(batch).map((m) => ({ ...m, partition: 0, offset: String(offset++) })),
    });
  }
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    queries: { changes: createClickHouseChangeQueries(store), stations: createClickHouseStationQueries(store) },
  });
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const page = async (qs: string): Promise<Page> => {
  const res = await app.inject(`/v1/changes?${qs}`);
  expect(res.statusCode).toBe(200);
  return res.json() as Page;
};

describe('GET /v1/changes (stubbed source)', () => {
  it('returns exactly the readings that changed since an instant, audited replacements included', async () => {
    const p = await page(`since=${encodeURIComponent('2025-03-02T12:00:00Z')}`);
    expect(p.changes).toHaveLength(8); // 5 corrections + 3 audited; the 4 identical re-arrivals are no change
    expect(p.changes.filter((c) => c.status === 'audited').map((c) => c.value)).toEqual([7, 7, 7]);
    expect(p.next).toBeNull();
  });

  it('pages in arrival order without repeating or skipping', async () => {
    const all: Page['changes'] = [];
    let after = '';
    for (let i = 0; i < 50; i++) {
      const p = await page(`since=${encodeURIComponent(T0)}&limit=7${after ? `&after=${after}` : ''}`);
      all.push(...p.changes);
      if (!p.next) break;
      after = p.next;
    }
    expect(all).toHaveLength(first.length + 8);
    expect(new Set(all.map((c) => `${c.station}|${c.pollutant}|${c.time}|${c.status}|${c.arrivedAt}`)).size).toBe(
      all.length,
    );
    expect([...all].sort((a, b) => a.arrivedAt.localeCompare(b.arrivedAt)).map((c) => c.arrivedAt)).toEqual(
      all.map((c) => c.arrivedAt),
    );
    // Instants written as JavaScript writes them: UTC with milliseconds (the replays of 6 April changed nothing).
    expect(new Set(all.map((c) => c.arrivedAt))).toEqual(
      new Set(['2025-03-02T00:00:00.000Z', '2025-03-03T00:00:00.000Z', '2025-04-05T00:00:00.000Z']),
    );
  });

  it('filters by province and pollutant, and refuses a forged cursor', async () => {
    const p = await page(`since=${encodeURIComponent(T0)}&province=jiangsu&pollutant=no2`);
    expect(p.changes.length).toBeGreaterThan(0);
    expect(p.changes.every((c) => c.station === '1151A' && c.pollutant === 'no2')).toBe(true);
    const bad = await app.inject(`/v1/changes?since=${encodeURIComponent(T0)}&after=xyz`);
    expect(bad.statusCode).toBe(400);
  });
});
