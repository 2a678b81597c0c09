import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { issueKey, revokeKeys, createKeyVerifier } from '../../api/auth/centre-keys';
import { createPushIngest } from '../../ingest/push';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion, createRegistryLoader } from '../../ingest/stations/registry-files';
import { createInProcessBus } from '../../infra/bus/in-process-bus';
import {
  createClickHouseRejectQueries,
  createClickHouseStationQueries,
} from '../../infra/clickhouse/api-queries.clickhouse';
import { createStoreDeadLetterSink } from '../../infra/clickhouse/dead-letters.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor, explainBatch, type Processor } from '../../processing';
import type { FeedAdapter } from '../../ingest/feed-adapter';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { openTestStore, type TestStore } from '../helpers/store';

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-api-'));
const keysFile = join(dir, 'centre-keys.json');
let store: TestStore;
let app: FastifyInstance;
let base: string;
let processor: Processor;
const keys: Record<string, string> = {};
const noArchive: FeedAdapter = { format: 'cnemc-archive', toReadings: () => ({ readings: [], problems: [] }) };

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
  for (const centre of ['shanghai', 'jiangsu', 'coordinator', 'anhui'] as const)
    keys[centre] = issueKey(keysFile, centre).key;
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keysFile),
    ingest: {
      push: createPushIngest({
        sink: bus.sink,
        registry: createRegistryLoader(dir, createStationRegistry),
        judge: explainBatch,
        archive: noArchive,
      }),
    },
    queries: { rejects: createClickHouseRejectQueries(store), stations: createClickHouseStationQueries(store) },
    limits: { pushBodyLimitBytes: 4096, pushPerMinute: 5 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await processor?.stop();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const push = (centre: string | undefined, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/readings`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(centre ? { authorization: `Bearer ${keys[centre]}` } : {}),
      ...headers,
    },
    body,
  });
const get = (path: string, centre?: string) =>
  fetch(`${base}${path}`, { headers: centre ? { authorization: `Bearer ${keys[centre]}` } : {} });

type RejectsBody = { rejects: { centre: string; station: string }[] };
type ErrorJson = { error: { code: string; message: string } };
const json = <T>(res: Response): Promise<T> => res.json() as Promise<T>;

const reading = (station: string, value: number, time = '2025-03-01T10:00:00+08:00') => ({
  station,
  pollutant: 'pm25',
  time,
  value,
});

describe('push and rejects over real HTTP, into the real engine', () => {
  it('answers 202 once the readings are stored, with each rejection and its reason', async () => {
    const res = await push(
      'shanghai',
      JSON.stringify([reading('1141A', 41), reading('1151A', 50), reading('9999A', 1)]),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      accepted: 1,
      rejected: [
        {
          index: 1,
          station: '1151A',
          code: 'READING_STATION_NOT_OWNED',
          field: 'station',
          reason: 'station 1151A belongs to jiangsu, not shanghai',
          time: '2025-03-01T10:00:00+08:00',
        },
        {
          index: 2,
          station: '9999A',
          code: 'READING_UNKNOWN_STATION',
          field: 'station',
          reason: 'station 9999A is not in the station registry',
          time: '2025-03-01T10:00:00+08:00',
        },
      ],
      flagged: [],
      skipped: { otherStations: 0, cells: 0, outsideRegistry: 0 },
    });
    // Durable when answered: already in the store.
    expect((await currentReadings(store, { stations: ['1141A'] })).map((r) => r.value)).toEqual([41]);
  });

  it('lets the coordinator push for any province', async () => {
    const res = await push('coordinator', JSON.stringify([reading('1151A', 50)]));
    expect(await res.json()).toEqual({
      accepted: 1,
      rejected: [],
      flagged: [],
      skipped: { otherStations: 0, cells: 0, outsideRegistry: 0 },
    });
  });

  it('refuses a missing, unknown or revoked key with 401 and the error shape', async () => {
    expect((await push(undefined, '[]')).status).toBe(401);
    const bad = await push(undefined, '[]', { authorization: 'Bearer yrd_shanghai_nope' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      error: { code: 'AUTH_KEY_INVALID', message: 'a valid centre key is required: Authorization: Bearer <key>' },
    });
    revokeKeys(keysFile, 'anhui');
    expect((await push('anhui', '[]')).status).toBe(401);
  });

  it('shows a centre only its own rejects; another centre gets 403; the coordinator sees all', async () => {
    await push('jiangsu', JSON.stringify([reading('1141A', 3)])); // a Shanghai station: rejected, accountable to jiangsu
    const own = await json<RejectsBody>(await get('/v1/rejects', 'shanghai'));
    expect(own.rejects.map((r) => [r.centre, r.station]).sort()).toEqual([
      ['shanghai', '1151A'],
      ['shanghai', '9999A'],
    ]);
    const forbidden = await get('/v1/rejects?centre=shanghai', 'jiangsu');
    expect(forbidden.status).toBe(403);
    expect((await json<ErrorJson>(forbidden)).error.code).toBe('AUTH_FORBIDDEN');
    const all = await json<RejectsBody>(await get('/v1/rejects', 'coordinator'));
    expect(new Set(all.rejects.map((r) => r.centre))).toEqual(new Set(['shanghai', 'jiangsu']));
  });

  it('replays the first answer for a repeated Idempotency-Key, storing nothing twice', async () => {
    const before = await countRows(store, 'reading_revisions');
    const body = JSON.stringify([reading('1142A', 7, '2025-03-02T10:00:00+08:00')]);
    const first = await push('shanghai', body, { 'idempotency-key': 'batch-42' });
    const again = await push('shanghai', body, { 'idempotency-key': 'batch-42' });
    expect(await again.json()).toEqual(await first.json());
    expect(again.headers.get('idempotent-replay')).toBe('true');
    expect(await countRows(store, 'reading_revisions')).toBe(before + 1);
  });

  it('refuses a body over the limit with 413', async () => {
    const big = JSON.stringify(Array.from({ length: 100 }, (_, i) => reading('1141A', i)));
    const res = await push('coordinator', big);
    expect(res.status).toBe(413);
    expect((await json<ErrorJson>(res)).error.code).toBe('BODY_TOO_LARGE');
  });

  it('rate-limits per key with 429 and leaves other keys alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await push('jiangsu', '[]')).status);
    expect(statuses.slice(-1)).toEqual([429]);
    expect((await push('shanghai', '[]')).status).toBe(202);
  });

  it('lists the stations of a province from the registry mirror', async () => {
    const body = await json<{ version: string; stations: unknown[] }>(await get('/v1/stations?province=shanghai'));
    expect(body.version).toBe('yrd-2022');
    expect(body.stations).toHaveLength(20);
    expect((await get('/v1/stations?province=hubei')).status).toBe(400);
  });
});
