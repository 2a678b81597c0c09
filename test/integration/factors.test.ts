import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { createModel, SOURCE_PROFILES, SOURCES, SUPERSITE_SPECIES, type Source } from '../../tools/simulator/model';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseSpeciesStore } from '../../infra/clickhouse/species.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { factorsView } from '../../views/apportionment/factors-view';
import type { FactorJob } from '../../views/apportionment/factors';
import { runFactorJobOffThread } from '../../views/apportionment/factors-runner';
import type { FactorsResponse } from '../../schemas/api/species';
import type { Reading } from '../../schemas/reading';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * Source factors on the real engine and real HTTP: a year of two supersites' hourly data from the
 * simulator, whose every species is a known sum of five sources (SOURCE_PROFILES) under shared
 * weather and daily cycles. Shanghai's supersite also pushes its ions, OC/EC and Ca through
 * `POST /v1/species`; Nanjing's has the criteria pollutants only.
 */
const HOUR = 3_600_000;
const START = Date.parse('2024-01-01T00:00:00+08:00');
const HOURS = 366 * 24;
const model = createModel(606);
const list = bundledVersion();
const [shanghaiSite, , ,] = model.supersites(list.stations);
const nanjingSite = model.supersites(list.stations).find((s) => s.province === 'jiangsu')!;
const truth = new Map<string, Record<Source, number[]>>();
const speciesMean = new Map<string, Record<string, number>>();
let store: TestStore;
/** The latch factor jobs wait on while a test holds them (see the off-the-event-loop test). */
let gate: Int32Array | undefined;
let app: FastifyInstance;
let base: string;
const keys = mkdtempSync(join(tmpdir(), 'yrd-air-keys-'));
const keyFile = join(keys, 'centre-keys.json');
const shanghaiKey = issueKey(keyFile, 'shanghai').key;
const anhuiKey = issueKey(keyFile, 'anhui').key;

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [list]);
  const readings: Reading[] = [];
  for (const s of [shanghaiSite!, nanjingSite]) {
    const t = Object.fromEntries(SOURCES.map((src) => [src, [] as number[]])) as Record<Source, number[]>;
    truth.set(s.code, t);
    for (let h = 1; h <= HOURS; h++) {
      const x = model.stationHour(s, START + h * HOUR);
      for (const src of SOURCES) t[src].push(x.truth.sources[src]);
      const time = new Date(START + h * HOUR).toISOString();
      for (const [pollutant, value] of Object.entries(x.values)) {
        readings.push(
          aReading({
            station: s.code,
            pollutant: pollutant as Reading['pollutant'],
            value: Math.round(value * (pollutant === 'co' ? 1000 : 10)) / (pollutant === 'co' ? 1000 : 10),
            time,
            arrivedAt: '2025-02-01T00:00:00Z',
          }),
        );
      }
    }
  }
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  const messages = encodeReadings(readings);
  for (let i = 0; i < messages.length; i += 5000) {
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: messages.slice(i, i + 5000).map((m, j) => ({ ...m, partition: 0, offset: String(i + j) })),
    });
  }
  const stations = createClickHouseStationQueries(store);
  const species = createClickHouseSpeciesStore(store);
  const deps = {
    series: createClickHouseSeriesQueries(store),
    versions: () => stations.versions(),
    species,
    // The real worker thread; held on the test's latch when one is set.
    runJob: (job: FactorJob) => runFactorJobOffThread(job, { gate }),
  };
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    queries: { stations, species },
    auth: createKeyVerifier(keyFile),
    views: {
      apportionment: {
        regional: async () => Promise.reject(new Error('unused')),
        transport: async () => Promise.reject(new Error('unused')),
        factors: (q, r) => factorsView(deps, q, r),
      },
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // The supersite's speciated hours, pushed as its centre would, a month a request.
  const sums: Record<string, number> = {};
  for (let first = 1; first <= HOURS; first += 31 * 24) {
    const body = [];
    for (let h = first; h < Math.min(first + 31 * 24, HOURS + 1); h++) {
      const v = model.supersiteHour(shanghaiSite!, START + h * HOUR);
      for (const sp of SUPERSITE_SPECIES) {
        body.push({
          station: shanghaiSite!.code,
          species: sp,
          time: new Date(START + h * HOUR).toISOString(),
          value: Math.round(v[sp] * 1000) / 1000,
        });
        sums[sp] = (sums[sp] ?? 0) + v[sp] / HOURS;
      }
    }
    const res = await fetch(`${base}/v1/species`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shanghaiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: body.length, rejected: [] });
  }
  speciesMean.set(shanghaiSite!.code, sums);
}, 600_000);

afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const range = 'from=2024-01-01&to=2024-12-31';
const cosine = (a: number[], b: number[]) =>
  a.reduce((s, v, i) => s + v * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b);
function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((v, i) => ((ab += (v - ma) * (b[i]! - mb)), (aa += (v - ma) ** 2), (bb += (b[i]! - mb) ** 2)));
  return ab / Math.sqrt(aa * bb);
}

/**
 * Matches each simulated source to a factor (the pairing with the highest summed cosine) and
 * returns, per source, the cosine of the profiles and the correlation of the contributions. The
 * true profile is the source's mean contribution times its SOURCE_PROFILES row; both profiles are
 * compared with each species divided by its mean concentration, so a species in ng/m³ weighs as
 * much as one in tens of µg/m³.
 */
function recovery(r: FactorsResponse, station: string) {
  const t = truth.get(station)!;
  const species = r.factors[0]!.profile.map((p) => p.species);
  const modelled = species.map((_, j) => r.factors.reduce((s, f) => s + f.profile[j]!.value, 0));
  const rowIndex = r.times.map((time) => (Date.parse(time) - START) / HOUR - 1);
  const trueProfile = (src: Source) => {
    const mean = rowIndex.reduce((s, i) => s + t[src][i]!, 0) / rowIndex.length;
    return species.map((sp, j) => (mean * (SOURCE_PROFILES[src] as Record<string, number>)[sp]!) / modelled[j]!);
  };
  const fitted = r.factors.map((f) => f.profile.map((p, j) => p.value / modelled[j]!));
  const perms = (a: number[]): number[][] =>
    a.length <= 1 ? [a] : a.flatMap((x, i) => perms([...a.slice(0, i), ...a.slice(i + 1)]).map((rest) => [x, ...rest]));
  let best: number[] = [];
  let bestScore = -Infinity;
  for (const perm of perms(r.factors.map((_, k) => k))) {
    const score = SOURCES.reduce((s, src, i) => s + cosine(fitted[perm[i]!]!, trueProfile(src)), 0);
    if (score > bestScore) {
      bestScore = score;
      best = perm;
    }
  }
  return SOURCES.map((src, i) => {
    const f = r.factors[best[i]!]!;

    return {
      source: src,
      label: f.label,
      cosine: cosine(fitted[best[i]!]!, trueProfile(src)),
      correlation: correlation(
        f.contributions,
        rowIndex.map((idx) => t[src][idx]!),
      ),
    };
  });
}

describe('GET /v1/apportionment/factors on the real engine (stubbed source)', () => {
  it('with a supersite’s species, recovers the five simulated sources: profiles (cosine ≥ 0.95) and contributions (r ≥ 0.9), each labelled', async () => {
    const res = await fetch(
      `${base}/v1/apportionment/factors?level=station&id=${shanghaiSite!.code}&${range}&factors=5&bootstrap=5`,
    );
    expect(res.status).toBe(200);
    const r = (await res.json()) as FactorsResponse;
    expect(r.exploratory).toBe(false);
    expect(r.species.map((s) => s.species).sort()).toEqual(
      ['ca', 'cl', 'co', 'coarse', 'ec', 'nh4', 'no2', 'no3', 'o3', 'oc', 'pm25', 'so2', 'so4'].sort(),
    );
    expect(r.coverage.usedHours).toBe(HOURS);
    const found = recovery(r, shanghaiSite!.code);
    for (const f of found) {
      expect(f.cosine, `${f.source} profile`).toBeGreaterThanOrEqual(0.95);
      expect(f.correlation, `${f.source} contributions`).toBeGreaterThanOrEqual(0.9);
    }
    const labelOf = Object.fromEntries(found.map((f) => [f.source, f.label]));
    expect(labelOf).toEqual({
      secondary: 'secondary inorganic aerosol',
      coal: 'coal combustion and industry',
      traffic: 'traffic (vehicle exhaust)',
      dust: expect.stringMatching(/^dust/),
      photochemical: 'photochemical (secondary ozone)',
    });
    // Q and its expectation, EPA's way: strong values less the fitted elements.
    expect(r.q.expected).toBe(HOURS * 13 - 5 * (HOURS + 13));
    expect(r.q.ratio).toBeCloseTo(r.q.robust / r.q.expected, 3);
    // The bootstrap mapped every factor in most runs, and brackets the base profile.
    for (const f of r.factors) {
      expect(f.bootstrapMapped).toBeGreaterThanOrEqual(4);
      const pm = f.profile.find((p) => p.species === 'pm25')!;
      expect(pm.p05!).toBeLessThanOrEqual(pm.p95!);
    }
    // The same request again is served from the cache, identical.
    const again = (await (
      await fetch(
        `${base}/v1/apportionment/factors?level=station&id=${shanghaiSite!.code}&${range}&factors=5&bootstrap=5`,
      )
    ).json()) as FactorsResponse;
    expect(again.cached).toBe(true);
    expect(again.factors).toEqual(r.factors);
  }, 300_000);

  it('suggests the simulated number of factors, computing off the event loop (other requests are answered meanwhile)', async () => {
    // The job's worker waits on a latch this test releases, so /healthz is asked while the job is
    // known to be running, however fast the machine. Were the job on the event loop, the latch
    // would hold the loop too and /healthz would never answer.
    gate = new Int32Array(new SharedArrayBuffer(4));
    const order: string[] = [];
    const started = once(process, 'worker') as Promise<[Worker]>;
    const factors = fetch(
      `${base}/v1/apportionment/factors?level=station&id=${shanghaiSite!.code}&${range}&factors=5&bootstrap=0&restarts=1&chooseFactors=true`,
    ).then(async (res) => {
      order.push('factors');
      return res;
    });
    const [worker] = await started;
    let workerExited = false;
    worker.once('exit', () => (workerExited = true));
    const health = await fetch(`${base}/healthz`);
    order.push('healthz');
    expect(health.status).toBe(200);
    expect(workerExited).toBe(false);
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    gate = undefined;
    const res = await factors;
    expect(order).toEqual(['healthz', 'factors']);
    const r = (await res.json()) as FactorsResponse;
    expect(r.factorCount?.rows.map((x) => x.factors)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(r.factorCount?.suggested).toBe(5);
  }, 300_000);

  it('with the criteria pollutants only, says the factors are exploratory, and still finds the photochemical one', async () => {
    const res = await fetch(
      `${base}/v1/apportionment/factors?level=station&id=${nanjingSite.code}&${range}&factors=4&bootstrap=0`,
    );
    expect(res.status).toBe(200);
    const r = (await res.json()) as FactorsResponse;
    expect(r.exploratory).toBe(true);
    expect(r.note).toMatch(/exploratory/);
    expect(r.species.map((s) => s.species)).toEqual(['pm25', 'coarse', 'so2', 'no2', 'co', 'o3']);
    const photo = r.factors.find((f) => f.label.startsWith('photochemical'))!;
    const t = truth.get(nanjingSite.code)!;
    const rows = r.times.map((time) => (Date.parse(time) - START) / HOUR - 1);
    expect(
      correlation(
        photo.contributions,
        rows.map((i) => t.photochemical[i]!),
      ),
    ).toBeGreaterThanOrEqual(0.9);
    // Six species cannot carry six factors.
    const tooMany = await fetch(
      `${base}/v1/apportionment/factors?level=station&id=${nanjingSite.code}&${range}&factors=6`,
    );
    expect(tooMany.status).toBe(422);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(
      /factors: 6 factors need more than 6 usable species/,
    );
  }, 300_000);

  it('POST /v1/species: another centre’s station, an unknown species and a bad hour are refused with their reasons; nothing else is lost', async () => {
    const body = [
      { station: shanghaiSite!.code, species: 'so4', time: '2025-01-01T01:00:00+08:00', value: 5 },
      { station: shanghaiSite!.code, species: 'xyz', time: '2025-01-01T01:00:00+08:00', value: 5 },
      { station: shanghaiSite!.code, species: 'no3', time: '2025-01-01T01:30:00+08:00', value: 5 },
    ];
    const own = await fetch(`${base}/v1/species`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shanghaiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const result = (await own.json()) as {
      accepted: number;
      rejected: { index: number; field: string; code: string; reason: string }[];
    };
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((x) => [x.index, x.field, x.code])).toEqual([
      [1, 'species', 'READING_INVALID'],
      [2, 'time', 'READING_INVALID'],
    ]);
    const foreign = await fetch(`${base}/v1/species`, {
      method: 'POST',
      headers: { authorization: `Bearer ${anhuiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([body[0]]),
    });
    expect(((await foreign.json()) as { rejected: { code: string }[] }).rejected[0]!.code).toBe(
      'READING_STATION_NOT_OWNED',
    );
    const anonymous = await fetch(`${base}/v1/species`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([body[0]]),
    });
    expect(anonymous.status).toBe(401);
    const stored = await createClickHouseSpeciesStore(store).hourly(
      shanghaiSite!.code,
      Date.parse('2025-01-01T01:00:00+08:00'),
      Date.parse('2025-01-01T02:00:00+08:00'),
    );
    expect(stored.map((s) => [s.species, s.value])).toEqual([['so4', 5]]);
  });
});
