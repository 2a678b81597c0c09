import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createModel, TRANSPORT_LINKS } from '../../ingest/simulator/model';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../infra/bus/reading-messages';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { regionalView, transportView } from '../../processing/apportionment/views';
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
      readings.push(aReading({ station: s.code, pollutant: 'pm25', value: Math.round(x.values.pm25 * 10) / 10, time: new Date(START + h * HOUR).toISOString(), arrivedAt: '2025-03-01T00:00:00Z' }));
      if (s.city === '上海' && !s.control) {
        inc += x.truth.localIncrement;
        total += x.values.pm25;
      }
    }
  }
  trueShanghaiShare = inc / total;
  const processor = createProcessor({ source: { run: async () => {}, stop: async () => {} }, store: createClickHouseReadingStore(store), deadLetters: { publish: async () => {} }, logger: silentLogger() });
  const messages = encodeReadings(readings);
  for (let i = 0; i < messages.length; i += 50) {
    await processor.handleBatch({ topic: 't', partition: 0, messages: messages.slice(i, i + 50).map((m, j) => ({ ...m, partition: 0, offset: String(i + j) })) });
  }
  const stations = createClickHouseStationQueries(store);
  const deps = { series: createClickHouseSeriesQueries(store), versions: () => stations.versions() };
  app = await buildApp({ logger: silentLogger(), readiness: {}, apportionment: { regional: (q, r) => regionalView(deps, q, r), transport: (q, r) => transportView(deps, q, r) } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 240_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

const range = `from=2025-01-01&to=2025-02-14`;

describe('apportionment views over HTTP on the real engine, on simulator data with known ground truth', () => {
  it('the transport matrix finds the simulated direction and lag between provinces, and nothing else', async () => {
    const res = await fetch(`${base}/v1/apportionment/transport?${range}`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as TransportResponse;
    expect(r.hours).toBe(DAYS * 24);
    const found = r.pairs.filter((p) => p.significant).map((p) => `${p.from}->${p.to}@${p.lagHours}`).sort();
    expect(found).toEqual(TRANSPORT_LINKS.map((l) => `${l.from}->${l.to}@${l.lagHours}`).sort());
  });

  it('the regional view recovers Shanghai’s simulated local increment', async () => {
    const res = await fetch(`${base}/v1/apportionment/regional?city=${encodeURIComponent('上海')}&${range}&resolution=year`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as RegionalResponse;
    expect(r.stations.background).toEqual(['1146A']);
    expect(r.coverage.usedHours).toBe(DAYS * 24);
    expect(r.periods).toHaveLength(1);
    expect(Math.abs((r.periods[0]?.localShare as number) - trueShanghaiShare)).toBeLessThan(0.05);
    const monthly = (await (await fetch(`${base}/v1/apportionment/regional?city=${encodeURIComponent('上海')}&${range}&resolution=month`)).json()) as RegionalResponse;
    expect(monthly.periods.map((p) => p.period)).toEqual(['2025-01', '2025-02']);
  });

  it('says what it cannot answer: no control station, too short a period', async () => {
    const noControl = await fetch(`${base}/v1/apportionment/regional?city=${encodeURIComponent('南京')}&${range}`);
    expect(noControl.status).toBe(422);
    expect(((await noControl.json()) as { error: { message: string } }).error.message).toContain('method=percentile');
    const short = await fetch(`${base}/v1/apportionment/transport?from=2025-01-01&to=2025-01-05`);
    expect(short.status).toBe(422);
  });
});
