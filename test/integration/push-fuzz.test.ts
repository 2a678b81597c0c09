import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
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
import { createProcessor, type Processor } from '../../processing';
import { countRows } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { openTestStore, type TestStore } from '../helpers/store';

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-fuzz-'));
let store: TestStore;
let app: FastifyInstance;
let base: string;
let processor: Processor;
let key = '';
let tried = 0;

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
  key = issueKey(join(dir, 'keys.json'), 'shanghai').key;
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(join(dir, 'keys.json')),
    ingest: {
      push: createPushIngest({
        sink: bus.sink,
        registry: createRegistryLoader(dir, createStationRegistry),
        archive: ADAPTERS['cnemc-archive'],
      }),
    },
    limits: { pushBodyLimitBytes: 65_536, pushPerMinute: 100_000 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  console.info(`push fuzzing: ${tried} requests, no 5xx, no crash`);
  await app?.close();
  await processor?.stop();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: string | Uint8Array, type = 'application/json') =>
  // (a Uint8Array is a valid fetch body; the DOM lib's BodyInit type lags behind)
  fetch(`${base}/v1/readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': type },
    body: body as string,
  }).then(async (res) => {
    tried++;
    return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
  });

const SHANGHAI = bundledVersion()
  .stations.filter((s) => s.province === 'shanghai')
  .map((s) => s.code);
const HOUR = 3_600_000;
const base0 = Date.parse('2025-04-01T01:00:00+08:00');
/** A valid reading of a Shanghai station (by construction), at a distinct hour per draw. */
const valid = fc.record({
  station: fc.constantFrom(...SHANGHAI),
  pollutant: fc.constantFrom('pm25', 'pm10', 'o3', 'no2', 'so2', 'co'),
  time: fc.integer({ min: 0, max: 24 * 365 }).map((h) => new Date(base0 + h * HOUR).toISOString()),
  value: fc.double({ min: 0, max: 500, noNaN: true }),
});
/** One field broken in a way the contract refuses (wrong type, unknown, not an hour end, foreign…). */
const broken = fc
  .tuple(
    valid,
    fc.constantFrom(
      (r: Record<string, unknown>) => ({ ...r, station: '9999A' }),
      (r: Record<string, unknown>) => ({ ...r, station: '1151A' }),
      (r: Record<string, unknown>) => ({ ...r, pollutant: 'nox' }),
      (r: Record<string, unknown>) => ({ ...r, time: '2025-04-01 10:00' }),
      (r: Record<string, unknown>) => ({ ...r, time: '2025-04-01T10:30:00+08:00' }),
      (r: Record<string, unknown>) => ({ ...r, time: '2025-02-30T10:00:00+08:00' }),
      (r: Record<string, unknown>) => ({ ...r, value: 'ten' }),
      (r: Record<string, unknown>) => ({ ...r, value: { nested: [1, 2, 3] } }),
      (r: Record<string, unknown>) => ({ ...r, status: 'final' }),
      (r: Record<string, unknown>) => {
        const { station: _s, ...rest } = r;
        return rest;
      },
    ),
  )
  .map(([r, breakIt]) => breakIt(r));

describe('push endpoint under property-based fuzzing', () => {
  it('accepts exactly the valid records of any mixed array, rejects each broken one by index with a reason, and stores what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            valid.map((r) => ({ ok: true, r })),
            broken.map((r) => ({ ok: false, r })),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        async (records) => {
          const before = await countRows(store, 'reading_revisions');
          const res = await post(JSON.stringify(records.map((x) => x.r)));
          expect(res.status).toBe(202);
          const body = res.body as {
            accepted: number;
            rejected: { index: number; code: string; field: string; reason: string }[];
          };
          const bad = records.flatMap((x, i) => (x.ok ? [] : [i]));
          expect(body.rejected.map((r) => r.index)).toEqual(bad);
          expect(body.rejected.every((r) => r.code.length > 0 && r.field.length > 0 && r.reason.length > 0)).toBe(true);
          expect(body.accepted).toBe(records.length - bad.length);
          // Stored at most once per accepted record (a repeated identity with the same value is no change).
          const after = await countRows(store, 'reading_revisions');
          expect(after - before).toBeLessThanOrEqual(body.accepted);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('answers any JSON value, any bytes and hostile shapes with a 4xx and the error shape, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
          fc.uint8Array({ maxLength: 2048 }),
          fc.string({ maxLength: 500 }),
        ),
        async (body) => {
          const res = await post(body);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect((res.body as { error: { code: string } }).error.code.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const huge = JSON.stringify([
      { station: '1141A', pollutant: 'pm25', time: '2025-04-01T10:00:00+08:00', value: 1, note: 'x'.repeat(200_000) },
    ]);
    const cases = [
      await post(deep),
      await post(huge),
      await post('[{"station":"1141A"', 'application/json'),
      await post(Buffer.from([0xff, 0xfe, 0x00, 0x5b])),
      await post('station,time\n', 'text/plain'),
    ];
    expect(cases.map((c) => c.status < 500)).toEqual([true, true, true, true, true]);
    expect(cases[1]?.status).toBe(413);
  }, 120_000);
});
