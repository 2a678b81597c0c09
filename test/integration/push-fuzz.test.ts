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
import { createProcessor, explainBatch, type Processor } from '../../processing';
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
        judge: explainBatch,
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
const anHour = fc.integer({ min: 0, max: 24 * 365 }).map((h) => new Date(base0 + h * HOUR).toISOString());
/** A valid reading of a Shanghai station (by construction): mostly plausible, sometimes negative or far too high. */
const valid = fc.record({
  station: fc.constantFrom(...SHANGHAI),
  pollutant: fc.constantFrom('pm25', 'pm10', 'o3', 'no2', 'so2', 'co'),
  time: anHour,
  value: fc.oneof(
    { weight: 4, arbitrary: fc.double({ min: 0, max: 500, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: -50, max: -0.001, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: 200, max: 20_000, noNaN: true }) },
  ),
});
/** PM2.5 and PM10 of one station-hour, the PM2.5 a little under or over what the PM10 allows. */
const pmPair = fc
  .record({
    station: fc.constantFrom(...SHANGHAI),
    time: anHour,
    pm10: fc.double({ min: 0, max: 300, noNaN: true }),
    excess: fc.double({ min: -40, max: 40, noNaN: true }),
  })
  .map(({ station, time, pm10, excess }) => [
    { station, pollutant: 'pm25', time, value: Math.max(0, pm10 * 1.1 + 5 + excess) },
    { station, pollutant: 'pm10', time, value: pm10 },
  ]);

/**
 * docs/standards.md §2.4, written out here: the plausible maxima (µg/m³, CO mg/m³), and PM2.5 above
 * PM10 by more than 10 % of PM10 plus 5 µg/m³ flags both.
 */
const MAX: Record<string, number> = { pm25: 1000, pm10: 1200, o3: 2400, no2: 7680, so2: 5240, co: 300 };
type Drawn = { ok: boolean; r: Record<string, unknown> };

/** The flags each valid record should get, by index, from the limits above. */
function expectedFlags(records: readonly Drawn[]): [number, string[]][] {
  const key = (r: Record<string, unknown>, pollutant = r.pollutant) =>
    `${String(r.station)}|${String(pollutant)}|${String(r.time)}`;
  const values = new Map(records.filter((x) => x.ok).map((x) => [key(x.r), x.r.value as number]));
  return records.flatMap((x, i): [number, string[]][] => {
    if (!x.ok) return [];
    const v = x.r.value as number;
    const flags: string[] = [];
    if (v < 0) flags.push('negative');
    if (v > (MAX[x.r.pollutant as string] as number)) flags.push('out_of_range');
    const pm25 = values.get(key(x.r, 'pm25'));
    const pm10 = values.get(key(x.r, 'pm10'));
    if (
      (x.r.pollutant === 'pm25' || x.r.pollutant === 'pm10') &&
      pm25 !== undefined &&
      pm10 !== undefined &&
      pm25 > pm10 * 1.1 + 5
    )
      flags.push('pm25_above_pm10');
    return flags.length > 0 ? [[i, flags]] : [];
  });
}

/** One record per identity (station, pollutant, hour), so a PM pair in the body is unambiguous. */
function oncePerIdentity(records: readonly Drawn[]): Drawn[] {
  const seen = new Set<string>();
  return records.filter((x) => {
    const k = `${String(x.r.station)}|${String(x.r.pollutant)}|${String(x.r.time)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
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
  it('accepts exactly the valid records of any mixed array, rejects each broken one by index with a reason, reports each value QC sets aside with its reason, and stores what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(
            fc.oneof(
              valid.map((r): Drawn[] => [{ ok: true, r }]),
              broken.map((r): Drawn[] => [{ ok: false, r }]),
              pmPair.map((rs): Drawn[] => rs.map((r) => ({ ok: true, r }))),
            ),
            { minLength: 1, maxLength: 20 },
          )
          .map((groups) => oncePerIdentity(groups.flat())),
        async (records) => {
          const before = await countRows(store, 'reading_revisions');
          const res = await post(JSON.stringify(records.map((x) => x.r)));
          expect(res.status).toBe(202);
          const body = res.body as {
            accepted: number;
            rejected: { index: number; code: string; field: string; reason: string }[];
            flagged: { index: number; pollutant: string; value: number; flags: string[]; reason: string }[];
          };
          const bad = records.flatMap((x, i) => (x.ok ? [] : [i]));
          expect(body.rejected.map((r) => r.index)).toEqual(bad);
          expect(body.rejected.every((r) => r.code.length > 0 && r.field.length > 0 && r.reason.length > 0)).toBe(true);
          expect(body.accepted).toBe(records.length - bad.length);
          expect(body.flagged.map((f) => [f.index, f.flags])).toEqual(expectedFlags(records));
          for (const f of body.flagged) {
            expect(f.value).toBe(records[f.index]?.r.value);
            if (f.flags.includes('out_of_range'))
              expect(f.reason).toContain(`the plausible maximum ${MAX[f.pollutant]}`);
            if (f.flags.includes('negative')) expect(f.reason).toContain('is negative');
            if (f.flags.includes('pm25_above_pm10')) expect(f.reason).toContain('% of PM10 plus 5 µg/m³');
          }
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
