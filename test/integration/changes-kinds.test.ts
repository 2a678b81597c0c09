import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { ADAPTERS } from '../../ingest/adapters';
import { createPushIngest } from '../../ingest/push';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion, createRegistryLoader } from '../../ingest/stations/registry-files';
import { startInProcessPipeline } from '../../infra/bus/in-process-pipeline';
import {
  createClickHouseChangeQueries,
  createClickHouseStationQueries,
} from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor, explainBatch, type Processor } from '../../processing';
import { encodeReadings } from '../../bus';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import type { Change } from '../../schemas';
import type { Reading } from '../../schemas/reading';
import type { SeriesResponse } from '../../schemas/api/series';
import { seriesSpec } from '../../views/stats/series';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { currentReadings } from '../helpers/current';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'yrd-air-changes-kinds-'));
const keysFile = join(dir, 'centre-keys.json');
let store: TestStore;
let app: FastifyInstance;
let base: string;
let pipeline: ReturnType<typeof startInProcessPipeline>;
let key = '';
/** The push boundary's clock: each push arrives at the instant the test sets. */
let clock = '2025-03-01T00:00:00.000Z';

beforeAll(async () => {
  store = await openTestStore();
  const list = bundledVersion();
  await syncStations(store, [list]);
  const logger = silentLogger();
  pipeline = startInProcessPipeline(store, logger);
  key = issueKey(keysFile, 'shanghai').key;
  const stations = createClickHouseStationQueries(store);
  const series = createClickHouseSeriesQueries(store);
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keysFile),
    ingest: {
      push: createPushIngest({
        sink: pipeline.sink,
        registry: createRegistryLoader(dir, createStationRegistry),
        archive: ADAPTERS['cnemc-archive'],
        judge: explainBatch,
        now: () => new Date(clock),
      }),
    },
    queries: { changes: createClickHouseChangeQueries(store), stations },
    views: { series: async (q, r) => series.page(seriesSpec(q, r, await stations.versions()), q.format) },
    limits: { pushBodyLimitBytes: 1 << 20, pushPerMinute: 1_000 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await pipeline?.stop();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

type Pushed = { pollutant: string; value: number | null; status?: 'audited'; time?: string };
/** One push request by Shanghai's centre for 1141A, arriving at `at`; answered once stored. */
async function push(at: string, readings: Pushed[], time: string): Promise<void> {
  clock = at;
  const body = readings.map((r) => ({ station: '1141A', time, ...r }));
  const res = await fetch(`${base}/v1/readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(202);
}

async function changes(since: string, pollutant?: string): Promise<Change[]> {
  const res = await fetch(
    `${base}/v1/changes?since=${encodeURIComponent(since)}${pollutant ? `&pollutant=${pollutant}` : ''}`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { changes: Change[] }).changes;
}

/** PM2.5 and PM10 of 1141A at the hour `time`, as /v1/series gives them (as of `asOf` if set). */
async function pmAt(time: string, asOf?: string): Promise<Record<string, { value: number | null; valid: boolean }>> {
  const qs = new URLSearchParams({
    level: 'station',
    id: '1141A',
    pollutant: 'pm25,pm10',
    from: '2025-03-01',
    to: '2025-03-01',
    ...(asOf ? { asOf } : {}),
  });
  const res = await fetch(`${base}/v1/series?${qs}`);
  expect(res.status, await res.clone().text()).toBe(200);
  const rows = ((await res.json()) as SeriesResponse).rows.filter((r) => Date.parse(r.time) === Date.parse(time));
  return Object.fromEntries(rows.map((r) => [r.pollutant, { value: r.value, valid: r.valid }]));
}

/** What /v1/changes says of a change, without the fields every item has alike. */
const brief = (c: Change) => ({
  pollutant: c.pollutant,
  value: c.value,
  valid: c.valid,
  status: c.status,
  arrivedAt: new Date(Date.parse(c.arrivedAt)).toISOString(),
  kind: c.kind,
  previous: c.previous,
});

// Limits by hand (docs/standards.md §2.4, 10 % of PM10 plus 5 µg/m³): beside PM10 80 a PM2.5 may
// be at most 80 × 1.1 + 5 = 93 µg/m³, beside PM10 200 at most 225 — so PM2.5 120 is set aside
// (both flagged, both invalid) with PM10 80 and valid with PM10 200.
describe("PM2.5 judged against PM10 as stored, and each revision's kind, over real HTTP on the real engine", () => {
  it('(a) a station-hour pushed in two requests, PM2.5 120 then PM10 80: both invalid in /v1/series', async () => {
    const hour = '2025-03-01T10:00:00+08:00';
    await push('2025-03-02T01:00:00.000Z', [{ pollutant: 'pm25', value: 120 }], hour);
    expect(await pmAt(hour)).toEqual({ pm25: { value: 120, valid: true } });
    await push('2025-03-02T02:00:00.000Z', [{ pollutant: 'pm10', value: 80 }], hour);
    // A series hour's value is null when not valid.
    expect(await pmAt(hour)).toEqual({ pm25: { value: null, valid: false }, pm10: { value: null, valid: false } });
    expect((await changes('2025-03-02T00:00:00Z')).map(brief)).toEqual([
      {
        pollutant: 'pm25',
        value: 120,
        valid: true,
        status: 'provisional',
        arrivedAt: '2025-03-02T01:00:00.000Z',
        kind: 'first',
        previous: null,
      },
      {
        pollutant: 'pm10',
        value: 80,
        valid: false,
        status: 'provisional',
        arrivedAt: '2025-03-02T02:00:00.000Z',
        kind: 'first',
        previous: null,
      },
      // Re-judged when PM10 arrived, with the arrival time of that PM10.
      {
        pollutant: 'pm25',
        value: 120,
        valid: false,
        status: 'provisional',
        arrivedAt: '2025-03-02T02:00:00.000Z',
        kind: 're-judged',
        previous: { value: 120, valid: true },
      },
    ]);
  });

  const hour = '2025-03-01T12:00:00+08:00';
  const B1 = '2025-03-03T01:00:00.000Z';
  const B2 = '2025-03-03T02:00:00.000Z';
  const B3 = '2025-03-03T03:00:00.000Z';

  it('(b) a PM10 correction to 80 beside an identical PM2.5 re-arrival re-judges the stored PM2.5; asOf before it sees it valid', async () => {
    await push(
      B1,
      [
        { pollutant: 'pm25', value: 120 },
        { pollutant: 'pm10', value: 200 },
      ],
      hour,
    );
    expect(await pmAt(hour)).toEqual({ pm25: { value: 120, valid: true }, pm10: { value: 200, valid: true } });
    // As a feed re-reads its window: PM2.5 again unchanged (dropped as no change), PM10 corrected.
    await push(
      B2,
      [
        { pollutant: 'pm25', value: 120 },
        { pollutant: 'pm10', value: 80 },
      ],
      hour,
    );
    expect((await changes(B1)).map(brief)).toEqual([
      {
        pollutant: 'pm10',
        value: 80,
        valid: false,
        status: 'provisional',
        arrivedAt: B2,
        kind: 'correction',
        previous: { value: 200, valid: true },
      },
      {
        pollutant: 'pm25',
        value: 120,
        valid: false,
        status: 'provisional',
        arrivedAt: B2,
        kind: 're-judged',
        previous: { value: 120, valid: true },
      },
    ]);
    expect(await pmAt(hour)).toEqual({ pm25: { value: null, valid: false }, pm10: { value: null, valid: false } });
    // 1 ms before the correction arrived, the data stood as pushed first.
    const before = new Date(Date.parse(B2) - 1).toISOString();
    expect(await pmAt(hour, before)).toEqual({ pm25: { value: 120, valid: true }, pm10: { value: 200, valid: true } });
    expect(await pmAt(hour, B2)).toEqual({ pm25: { value: null, valid: false }, pm10: { value: null, valid: false } });
  });

  it('(c) PM10 corrected back to 200 re-judges PM2.5 valid again', async () => {
    await push(B3, [{ pollutant: 'pm10', value: 200 }], hour);
    expect((await changes(B2)).map(brief)).toEqual([
      {
        pollutant: 'pm10',
        value: 200,
        valid: true,
        status: 'provisional',
        arrivedAt: B3,
        kind: 'correction',
        previous: { value: 80, valid: false },
      },
      {
        pollutant: 'pm25',
        value: 120,
        valid: true,
        status: 'provisional',
        arrivedAt: B3,
        kind: 're-judged',
        previous: { value: 120, valid: false },
      },
    ]);
    expect(await pmAt(hour)).toEqual({ pm25: { value: 120, valid: true }, pm10: { value: 200, valid: true } });
    expect(await pmAt(hour, new Date(Date.parse(B3) - 1).toISOString())).toEqual({
      pm25: { value: null, valid: false },
      pm10: { value: null, valid: false },
    });
  });

  it('(d) first, correction, audit and an audited correction, each with the value it replaces', async () => {
    const h = '2025-03-01T15:00:00+08:00';
    const at = (d: number) => `2025-03-0${d}T05:00:00.000Z`;
    await push(at(4), [{ pollutant: 'no2', value: 40 }], h);
    await push(at(5), [{ pollutant: 'no2', value: 45 }], h);
    await push(at(6), [{ pollutant: 'no2', value: 45 }], h); // identical: no change, not listed
    await push(at(7), [{ pollutant: 'no2', value: 42, status: 'audited' }], h);
    await push(at(8), [{ pollutant: 'no2', value: 43, status: 'audited' }], h);
    // By hand: 40 is the first; 45 corrects 40; audited 42 replaces the provisional 45; audited 43
    // corrects audited 42.
    expect((await changes('2025-03-04T00:00:00Z', 'no2')).map((c) => [c.value, c.status, c.kind, c.previous])).toEqual([
      [40, 'provisional', 'first', null],
      [45, 'provisional', 'correction', { value: 40, valid: true }],
      [42, 'audited', 'audit', { value: 45, valid: true }],
      [43, 'audited', 'correction', { value: 42, valid: true }],
    ]);
  });
});

describe('kinds on the bulk path (the backfill: ingest → in-process bus → processor, staged RowBinary insert)', () => {
  it('3,000 hours loaded then all corrected: 3,000 firsts, then 3,000 corrections each giving the value it replaced', async () => {
    // More rows than one batch stores row by row (the staged insert starts at 2,000 rows).
    const N = 3_000;
    const startMs = Date.parse('2024-01-01T01:00:00+08:00');
    const batch = (value: (i: number) => number, arrivedAt: string): Reading[] =>
      Array.from({ length: N }, (_, i) =>
        aReading({
          station: '1142A',
          pollutant: 'o3',
          time: new Date(startMs + i * HOUR).toISOString(),
          value: value(i),
          arrivedAt,
        }),
      );
    await pipeline.sink.publish(batch((i) => i % 200, '2025-05-01T00:00:00.000Z'));
    await pipeline.sink.publish(batch((i) => (i % 200) + 1, '2025-05-02T00:00:00.000Z'));
    const res = await fetch(`${base}/v1/changes?since=2025-04-30T00:00:00Z&pollutant=o3&limit=10000`);
    const all = ((await res.json()) as { changes: Change[] }).changes.filter((c) => c.station === '1142A');
    expect(all).toHaveLength(2 * N);
    const firsts = all.slice(0, N);
    const corrections = all.slice(N);
    expect(firsts.every((c) => c.kind === 'first' && c.previous === null)).toBe(true);
    expect(corrections.every((c) => c.kind === 'correction')).toBe(true);
    // Each correction is its hour's value + 1, so the value it replaced is its own value − 1.
    expect(corrections.every((c) => c.previous?.value === (c.value as number) - 1 && c.previous.valid)).toBe(true);
  });
});

describe('re-judging through the real processor and engine (stubbed source)', () => {
  const calls = { latestRevisionRows: 0 };
  let processor: Processor;
  let offset = 0;
  const feed = async (readings: Reading[]): Promise<void> => {
    const messages = encodeReadings(readings).map((m) => ({ ...m, partition: 0, offset: String(offset++) }));
    await processor.handleBatch({ topic: 't', partition: 0, messages });
  };
  const pm = (
    pollutant: 'pm25' | 'pm10' | 'o3',
    value: number,
    arrivedAt: string,
    time = '2025-06-01T10:00:00+08:00',
  ) => aReading({ station: '1143A', pollutant, value, arrivedAt, time });
  const current = async () =>
    (await currentReadings(store, { stations: ['1143A'], pollutants: ['pm25', 'pm10'] })).map((r) => [
      r.pollutant,
      r.value,
      r.valid,
    ]);

  beforeAll(() => {
    const real = createClickHouseReadingStore(store);
    processor = createProcessor({
      source: { run: async () => {}, stop: async () => {} },
      store: {
        ...real,
        latestRevisionRows: (keys) => {
          calls.latestRevisionRows++;
          return real.latestRevisionRows(keys);
        },
      },
      deadLetters: { publish: async () => {} },
      logger: silentLogger(),
    });
  });

  it('reads a stored row in full only when a batch changes a stored verdict', async () => {
    await feed([pm('pm25', 120, '2025-06-01T03:00:00Z'), pm('pm10', 200, '2025-06-01T03:00:00Z')]);
    // A feed re-reading its window: the pair again, unchanged, and a new O3 hour.
    await feed([
      pm('pm25', 120, '2025-06-01T04:00:00Z'),
      pm('pm10', 200, '2025-06-01T04:00:00Z'),
      pm('o3', 80, '2025-06-01T04:00:00Z'),
    ]);
    // A PM10 correction that leaves PM2.5 valid (120 ≤ 190 × 1.1 + 5 = 214).
    await feed([pm('pm10', 190, '2025-06-01T05:00:00Z')]);
    expect(calls.latestRevisionRows).toBe(0);
    // One that sets it aside (120 > 80 × 1.1 + 5 = 93).
    await feed([pm('pm10', 80, '2025-06-01T06:00:00Z')]);
    expect(calls.latestRevisionRows).toBe(1);
    expect(await current()).toEqual([
      ['pm10', 80, false],
      ['pm25', 120, false],
    ]);
  });

  it('a re-judgement never outranks a correction that arrived after the reading that caused it, processed later', async () => {
    // PM10 back to 200 (arrived 07:00) re-judges PM2.5 valid, stamped 07:00 — not the processing
    // clock (today, long after). A PM2.5 correction to 130 that arrived at 07:05 and is processed
    // after it must be the current value: the later arrival wins (ARCHITECTURE.md invariant 2).
    await feed([pm('pm10', 200, '2025-06-01T07:00:00Z')]);
    await feed([pm('pm25', 130, '2025-06-01T07:05:00Z')]);
    // 130 ≤ 200 × 1.1 + 5 = 225: valid.
    expect(await current()).toEqual([
      ['pm10', 200, true],
      ['pm25', 130, true],
    ]);
    const res = await fetch(`${base}/v1/changes?since=2025-06-01T06:30:00Z&pollutant=pm25`);
    const items = ((await res.json()) as { changes: Change[] }).changes.filter((c) => c.station === '1143A');
    expect(
      items.map((c) => [new Date(Date.parse(c.arrivedAt)).toISOString(), c.kind, c.value, c.valid, c.previous]),
    ).toEqual([
      ['2025-06-01T07:00:00.000Z', 're-judged', 120, true, { value: 120, valid: false }],
      ['2025-06-01T07:05:00.000Z', 'correction', 130, true, { value: 120, valid: true }],
    ]);
  });
});
