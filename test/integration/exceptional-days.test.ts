import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseExceptionalDays } from '../../infra/clickhouse/exceptional-days.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { areaCompliance } from '../../views/stats/compliance';
import type { ComplianceResponse } from '../../schemas/api/compliance';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
let store: TestStore;
let app: FastifyInstance;
let base: string;
const keys = mkdtempSync(join(tmpdir(), 'yrd-air-keys-'));
const keyFile = join(keys, 'centre-keys.json');
const coordinator = issueKey(keyFile, 'coordinator').key;
const shanghai = issueKey(keyFile, 'shanghai').key;
const DUST = [
  '2023-03-01',
  '2023-03-02',
  '2023-03-03',
  '2023-03-04',
  '2023-03-05',
  '2023-03-06',
  '2023-03-07',
  '2023-03-08',
  '2023-03-09',
  '2023-03-10',
];

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  // 1141A (上海's only reporting station here) PM2.5: 30 all of 2023, 300 on the ten dust days.
  const start = Date.parse('2023-01-01T01:00:00+08:00');
  const readings = Array.from({ length: 365 * 24 }, (_, i) => {
    const t = start + i * HOUR;
    const day = new Date(t - HOUR + 8 * HOUR).toISOString().slice(0, 10);
    return aReading({
      station: '1141A',
      pollutant: 'pm25',
      value: DUST.includes(day) ? 300 : 30,
      time: new Date(t).toISOString(),
      arrivedAt: '2024-01-02T00:00:00Z',
    });
  });
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  await processor.handleBatch({
    topic: 't',
    partition: 0,
    messages: encodeReadings(readings).map((m, i) => ({ ...m, partition: 0, offset: String(i) })),
  });
  const stations = createClickHouseStationQueries(store);
  const queries = createClickHouseStatsQueries(store);
  const exceptionalDays = createClickHouseExceptionalDays(store);
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    auth: createKeyVerifier(keyFile),
    queries: { stations, exceptionalDays },
    views: {
      compliance: (q) =>
        areaCompliance(
          { queries, versions: () => stations.versions(), exceptionalDays: (y) => exceptionalDays.list(y) },
          q,
        ),
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
  rmSync(keys, { recursive: true, force: true });
});

const post = (key: string, body: unknown) =>
  fetch(`${base}/v1/exceptional-days`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const compliance = async (): Promise<ComplianceResponse> => {
  const res = await fetch(`${base}/v1/compliance?level=city&id=${encodeURIComponent('上海')}&year=2023`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ComplianceResponse;
};

describe('exceptional (dust) days: statistics both ways, as official releases report them (stubbed source)', () => {
  it('only the coordinator records them, for cities of the list', async () => {
    expect((await post(shanghai, [{ city: '上海', day: '2023-03-01', source: 'x' }])).status).toBe(403);
    const unknown = await post(coordinator, [{ city: '北京', day: '2023-03-01', source: 'x' }]);
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('record 0 names 北京');
    expect((await post(coordinator, [{ city: '上海', day: '2023-02-30', source: 'x' }])).status).toBe(400);
  });

  it('without dust days recorded the answer is the one way; with them, both', async () => {
    const before = await compliance();
    expect(before.excludingExceptional).toBeNull();
    // By hand: (355·30 + 10·300)/365 = 37.40 → 37; ten days of PM2.5 300 → IAQI 350, heavy.
    const pm = (r: ComplianceResponse['pollutants']) => r.find((p) => p.pollutant === 'pm25');
    expect(pm(before.pollutants)?.mean).toBe(37);
    expect(before.days).toMatchObject({ valid: 365, good: 355, heavy: 10 });

    const res = await post(
      coordinator,
      DUST.map((day) => ({ city: '上海', day, source: 'MEE dust notice (test)' })),
    );
    expect(res.status).toBe(200);
    const listed = (await (await fetch(`${base}/v1/exceptional-days?year=2023`)).json()) as { days: { day: string }[] };
    expect(listed.days.map((d) => d.day)).toEqual(DUST);

    const after = await compliance();
    // The standard way is unchanged; without the dust days PM2.5 is 30 and no day is heavy.
    expect(pm(after.pollutants)?.mean).toBe(37);
    expect(after.excludingExceptional?.excludedCityDays).toBe(10);
    expect(pm(after.excludingExceptional?.pollutants ?? [])).toMatchObject({ mean: 30, nValid: 355 });
    expect(after.excludingExceptional?.days).toMatchObject({ valid: 355, good: 355, heavy: 0, goodRatio: 100 });
  });

  it('a removed record takes the day back', async () => {
    expect(
      (await post(coordinator, [{ city: '上海', day: '2023-03-10', source: 'corrected', removed: true }])).status,
    ).toBe(200);
    const r = await compliance();
    expect(r.excludingExceptional?.excludedCityDays).toBe(9);
    // (355·30 + 300)/356 = 30.76 → 31.
    expect(r.excludingExceptional?.pollutants.find((p) => p.pollutant === 'pm25')?.mean).toBe(31);
  });
});
