import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createModel, TRANSPORT_LINKS } from '../../tools/simulator/model';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseRegionalQueries } from '../../infra/clickhouse/regional.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { regionalView, transportView, type ApportionmentDeps } from '../../views/apportionment/views';
import type { RegionalResponse, TransportResponse } from '../../schemas/api/apportionment';
import type { Reading } from '../../schemas/reading';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
const DAYS = 45;
const START = Date.parse('2025-01-01T00:00:00+08:00');
let store: TestStore;
let app: FastifyInstance;
let base: string;
let trueShanghaiShare = 0;
let splitInTs: ApportionmentDeps;
let splitInSql: ApportionmentDeps;
/** Hour-ending instants with a reading, per province: counted from what was loaded. */
const loadedHours = new Map<string, Set<number>>();

beforeAll(async () => {
  store = await openTestStore();
  const list = bundledVersion();
  await syncStations(store, [list]);
  const model = createModel(21);
  // Every station of Shanghai (for the regional split) and eight of each other province.
  const chosen = ['shanghai', 'jiangsu', 'zhejiang', 'anhui'].flatMap((p) => {
    const mine = list.stations.filter((s) => s.province === p && !s.stopped);
    return p === 'shanghai' ? mine : mine.slice(0, 8);
  });
  let inc = 0;
  let total = 0;
  const readings: Reading[] = [];
  for (const s of chosen) {
    for (let h = 1; h <= DAYS * 24; h++) {
      const x = model.stationHour(s, START + h * HOUR);
      readings.push(
        aReading({
          station: s.code,
          pollutant: 'pm25',
          value: Math.round(x.values.pm25 * 10) / 10,
          time: new Date(START + h * HOUR).toISOString(),
          arrivedAt: '2025-03-01T00:00:00Z',
        }),
      );
      loadedHours.set(s.province, (loadedHours.get(s.province) ?? new Set()).add(START + h * HOUR));
      if (s.city === '上海' && !s.control) {
        inc += x.truth.localIncrement;
        total += x.values.pm25;
      }
    }
  }
  trueShanghaiShare = inc / total;
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  const messages = encodeReadings(readings);
  for (let i = 0; i < messages.length; i += 50) {
    await processor.handleBatch({
      topic: 't',
      partition: 0,
      messages: messages.slice(i, i + 50).map((m, j) => ({ ...m, partition: 0, offset: String(i + j) })),
    });
  }
  const stations = createClickHouseStationQueries(store);
  const deps = {
    series: createClickHouseSeriesQueries(store),
    versions: () => stations.versions(),
    regional: createClickHouseRegionalQueries(store),
  };
  splitInTs = { series: deps.series, versions: deps.versions };
  splitInSql = deps;
  app = await buildApp({
    logger: silentLogger(),
    readiness: {},
    views: {
      apportionment: { regional: (q, r) => regionalView(deps, q, r), transport: (q, r) => transportView(deps, q, r) },
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 240_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const range = `from=2025-01-01&to=2025-02-14`;

describe('apportionment views over HTTP on the real engine, on simulator data with known ground truth (stubbed source)', () => {
  it('the transport matrix finds the simulated direction and lag between provinces, and nothing else', async () => {
    const res = await fetch(`${base}/v1/apportionment/transport?${range}`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as TransportResponse;
    expect(r.hours).toBe(DAYS * 24);
    const found = r.pairs
      .filter((p) => p.significant)
      .map((p) => `${p.from}->${p.to}@${p.lagHours}`)
      .sort();
    expect(found).toEqual(TRANSPORT_LINKS.map((l) => `${l.from}->${l.to}@${l.lagHours}`).sort());
  });

  it('says what the answer rests on, and refuses a range whose hours are mostly empty', async () => {
    // The data end with 2025-02-14 (label 24): 2025-02-13…2025-03-15 is 744 hours, 48 with data.
    const thin = await fetch(`${base}/v1/apportionment/transport?from=2025-02-13&to=2025-03-15`);
    expect(thin.status).toBe(422);
    const refusal = (await thin.json()) as { error: { code: string; message: string } };
    expect(refusal.error.code).toBe('QUERY_UNPROCESSABLE');
    expect(refusal.error.message).toContain('has data in 48 of the 744 hours');
    expect(refusal.error.message).toContain('at least 300 hours');
    // A shorter maxLag needs fewer hours (10 × (6 + 2) = 80), but 48 are still too few.
    expect((await fetch(`${base}/v1/apportionment/transport?from=2025-02-13&to=2025-03-15&maxLag=2`)).status).toBe(422);

    const res = await fetch(`${base}/v1/apportionment/transport?from=2025-01-20&to=2025-02-28`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as TransportResponse;
    const fromMs = Date.parse('2025-01-20T01:00:00+08:00');
    const toMs = Date.parse('2025-03-01T01:00:00+08:00');
    expect(r.hours).toBe((toMs - fromMs) / HOUR);
    expect(r.minHours).toBe(10 * (6 + 24));
    const counted = (p: string) => [...(loadedHours.get(p) ?? [])].filter((t) => t >= fromMs && t < toMs).length;
    expect(r.provinces).toEqual(
      ['shanghai', 'jiangsu', 'zhejiang', 'anhui'].map((p) => ({ province: p, hoursUsed: counted(p) })),
    );
    expect(counted('anhui')).toBe(26 * 24);
    // Every province has data in the same 624 consecutive hours: each area's AR(4) innovation starts at
    // its 5th hour, and the source's innovation 24 h earlier is there from the 29th: 624 − 28 = 596.
    expect(new Set(r.pairs.map((p) => p.hoursUsed))).toEqual(new Set([26 * 24 - 28]));
  });

  it('the regional view recovers Shanghai’s simulated local increment', async () => {
    const res = await fetch(
      `${base}/v1/apportionment/regional?city=${encodeURIComponent('上海')}&${range}&resolution=year`,
    );
    expect(res.status).toBe(200);
    const r = (await res.json()) as RegionalResponse;
    expect(r.stations.background).toEqual(['1146A']);
    expect(r.coverage.usedHours).toBe(DAYS * 24);
    expect(r.periods).toHaveLength(1);
    expect(Math.abs((r.periods[0]?.localShare as number) - trueShanghaiShare)).toBeLessThan(0.05);
    const monthly = (await (
      await fetch(`${base}/v1/apportionment/regional?city=${encodeURIComponent('上海')}&${range}&resolution=month`)
    ).json()) as RegionalResponse;
    expect(monthly.periods.map((p) => p.period)).toEqual(['2025-01', '2025-02']);
  });

  it('the split in one SQL statement equals the split of the hourly series in TypeScript (both methods, every resolution)', async () => {
    const range2 = { fromMs: Date.parse('2025-01-01T00:00:00+08:00'), toMs: Date.parse('2025-02-15T00:00:00+08:00') };
    for (const resolution of ['day', 'month', 'year'] as const) {
      for (const method of ['control', 'percentile'] as const) {
        const q = {
          city: '上海',
          from: '2025-01-01',
          to: '2025-02-14',
          pollutant: 'pm25' as const,
          resolution,
          method,
          percentile: 10,
          radiusKm: 50,
        };
        const sql = await regionalView(splitInSql, q, range2);
        const ts = await regionalView(splitInTs, q, range2);
        expect(sql.coverage).toEqual(ts.coverage);
        expect(sql.periods.map((x) => x.period)).toEqual(ts.periods.map((x) => x.period));
        sql.periods.forEach((x, i) => {
          const y = ts.periods[i]!;
          expect(x.hours).toBe(y.hours);
          for (const k of ['city', 'background', 'increment', 'localShare'] as const) expect(x[k]).toBeCloseTo(y[k], 9);
        });
      }
    }
  });

  it('says what it cannot answer: no control station, too short a period', async () => {
    const noControl = await fetch(`${base}/v1/apportionment/regional?city=${encodeURIComponent('南京')}&${range}`);
    expect(noControl.status).toBe(422);
    expect(((await noControl.json()) as { error: { message: string } }).error.message).toContain('method=percentile');
    const short = await fetch(`${base}/v1/apportionment/transport?from=2025-01-01&to=2025-01-05`);
    expect(short.status).toBe(422);
  });
});
