import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import type { FeedAdapter } from '../../ingest/feed-adapter';
import { createPushIngest } from '../../ingest/push';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion, createRegistryLoader } from '../../ingest/stations/registry-files';
import { startInProcessPipeline } from '../../infra/bus/in-process-pipeline';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseFlagQueries } from '../../infra/clickhouse/flags.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { CONSTANT_RUN, explainBatch, MAX_PLAUSIBLE, PM_TOLERANCE, SPIKE } from '../../processing';
import type { FlagsResponse } from '../../schemas/api/flags';
import { silentLogger } from '../helpers/logger';
import { openTestStore, type TestStore } from '../helpers/store';

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-flags-'));
const keysFile = join(dir, 'centre-keys.json');
const keys: Record<string, string> = {};
let store: TestStore;
let app: FastifyInstance;
let base: string;
let stopPipeline: () => Promise<void>;
const noArchive: FeedAdapter = { format: 'cnemc-archive', toReadings: () => ({ readings: [], problems: [] }) };
const arrivedAt = new Date(Date.now() - 60_000).toISOString();

/**
 * What was sent, and what quality control must make of it by docs/standards.md §2.4 (the limits
 * written here from the document, not read from the code): PM2.5 at most 1000 µg/m³, CO at most
 * 300 mg/m³, no concentration below 0. Each value in an hour of its own, so no neighbour check
 * (constant run, spike) applies. 1141A is a Shanghai station, 1151A a Jiangsu one.
 */
const SENT = [
  { station: '1141A', pollutant: 'pm25', time: '2025-03-01T10:00:00+08:00', value: -5, flags: ['negative'] },
  { station: '1141A', pollutant: 'pm25', time: '2025-03-02T10:00:00+08:00', value: 5000, flags: ['out_of_range'] },
  { station: '1141A', pollutant: 'co', time: '2025-03-03T10:00:00+08:00', value: 4000, flags: ['out_of_range'] },
  { station: '1141A', pollutant: 'pm25', time: '2025-03-04T10:00:00+08:00', value: 35, flags: [] },
  { station: '1151A', pollutant: 'pm25', time: '2025-03-01T10:00:00+08:00', value: 9000, flags: ['out_of_range'] },
] as const;
const utc = (cst: string): string => new Date(cst).toISOString().replace('.000Z', 'Z');

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const logger = silentLogger();
  const pipeline = startInProcessPipeline(store, logger);
  stopPipeline = () => pipeline.stop();
  for (const centre of ['shanghai', 'jiangsu', 'coordinator'] as const) keys[centre] = issueKey(keysFile, centre).key;
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keysFile),
    // The push path as app/ wires it, onto the real in-process bus and processor.
    ingest: {
      push: createPushIngest({
        sink: pipeline.sink,
        registry: createRegistryLoader(dir, createStationRegistry),
        judge: explainBatch,
        archive: noArchive,
        now: () => new Date(arrivedAt),
      }),
    },
    queries: { flags: createClickHouseFlagQueries(store), stations: createClickHouseStationQueries(store) },
    qcLimits: { maxPlausible: MAX_PLAUSIBLE, pmTolerance: PM_TOLERANCE, constantRun: CONSTANT_RUN, spike: SPIKE },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  // Each centre pushes its values over HTTP; every one is accepted (quality control flags, never refuses).
  for (const centre of ['shanghai', 'jiangsu'] as const) {
    const body = SENT.filter((s) => (s.station === '1141A') === (centre === 'shanghai')).map(
      ({ station, pollutant, time, value }) => ({ station, pollutant, time, value }),
    );
    const res = await fetch(`${base}/v1/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[centre]}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(body.length);
  }
});
afterAll(async () => {
  await app?.close();
  await stopPipeline?.();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, centre: string) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${keys[centre]}` } });
const flagsOf = async (path: string, centre: string): Promise<FlagsResponse> => {
  const res = await get(path, centre);
  expect(res.status).toBe(200);
  return (await res.json()) as FlagsResponse;
};
const expected = (station: string) =>
  SENT.filter((s) => s.station === station && s.flags.length > 0).map((s) => ({
    station: s.station,
    pollutant: s.pollutant,
    time: utc(s.time),
    value: s.value,
    flags: [...s.flags],
  }));
const sortKey = (r: { pollutant: string; time: string }) => `${r.time}|${r.pollutant}`;
const bySortKey = <T extends { pollutant: string; time: string }>(rows: T[]): T[] =>
  [...rows].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));

describe('GET /v1/flags over real HTTP, on values the real processor flagged in the engine', () => {
  it('lists exactly the three flagged values a centre sent, not the clean one nor another province’s', async () => {
    const body = await flagsOf('/v1/flags', 'shanghai');
    expect(body.truncated).toBe(false);
    const got = body.flags.map(({ station, pollutant, time, value, flags }) => ({
      station,
      pollutant,
      time,
      value,
      flags,
    }));
    expect(bySortKey(got)).toEqual(bySortKey(expected('1141A')));
    for (const f of body.flags) {
      expect(f).toMatchObject({ valid: false, status: 'provisional', sourceKind: 'push', sourceId: 'shanghai' });
      expect(f.arrivedAt).toBe(arrivedAt);
      expect(f.unit).toBe(f.pollutant === 'co' ? 'mg/m³' : 'µg/m³');
    }
  });

  it('gives each flag a reason naming the rule and the pollutant’s limit', async () => {
    const body = await flagsOf('/v1/flags', 'shanghai');
    const reason = (pollutant: string, value: number) =>
      body.flags.find((f) => f.pollutant === pollutant && f.value === value)?.reasons;
    expect(reason('pm25', -5)).toEqual([expect.stringMatching(/negative.*at least 0 µg\/m³/)]);
    expect(reason('pm25', 5000)).toEqual([expect.stringMatching(/5000 µg\/m³.*plausible maximum 1000 µg\/m³/)]);
    expect(reason('co', 4000)).toEqual([expect.stringMatching(/4000 mg\/m³.*plausible maximum 300 mg\/m³/)]);
    for (const f of body.flags) expect(f.reasons[0]).toMatch(/kept out of statistics/);
  });

  it('the coordinator sees every province, or one by `centre`; a centre key only its own', async () => {
    expect((await flagsOf('/v1/flags', 'coordinator')).flags).toHaveLength(4);
    const jiangsu = await flagsOf('/v1/flags?centre=jiangsu', 'coordinator');
    expect(jiangsu.flags.map((f) => [f.station, f.value])).toEqual([['1151A', 9000]]);
    expect((await flagsOf('/v1/flags', 'jiangsu')).flags.map((f) => f.station)).toEqual(['1151A']);
    const refused = await get('/v1/flags?centre=jiangsu', 'shanghai');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('AUTH_FORBIDDEN');
    expect((await fetch(`${base}/v1/flags`)).status).toBe(401);
  });

  it('filters by flag, pollutant, station and arrival time, and truncates at the limit', async () => {
    const only = async (q: string) => (await flagsOf(`/v1/flags?${q}`, 'coordinator')).flags.map((f) => f.value);
    expect(await only('flag=negative')).toEqual([-5]);
    expect((await only('flag=out_of_range')).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([4000, 5000, 9000]);
    expect(await only('pollutant=co')).toEqual([4000]);
    expect((await only('station=1151A')).length).toBe(1);
    const after = encodeURIComponent(new Date(Date.parse(arrivedAt) + 1).toISOString());
    expect(await only(`from=${after}`)).toEqual([]);
    const cut = await flagsOf('/v1/flags?limit=2', 'coordinator');
    expect(cut.flags).toHaveLength(2);
    expect(cut.truncated).toBe(true);
  });
});
