import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDemoForecasts } from '../../app/demo-forecasts';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { runBackfill } from '../../ingest';
import { ADAPTERS } from '../../ingest/adapters';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { startInProcessPipeline } from '../../infra/bus/in-process-pipeline';
import { createClickHouseStationQueries } from '../../infra/clickhouse/api-queries.clickhouse';
import { createClickHouseForecastStore } from '../../infra/clickhouse/forecasts.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import type { AqiResponse } from '../../schemas/api/aqi';
import type { VerificationResponse } from '../../schemas/api/forecasts';
import {
  createModel,
  createPublication,
  postForecasts,
  type SimForecaster,
  simulatedForecasts,
  simulatedStations,
  writeArchive,
} from '../../tools/simulator';
import { createViews } from '../../views';
import { silentLogger } from '../helpers/logger';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * The simulated centres' forecasts, of known skill (tools/simulator/forecasts.ts: Shanghai good,
 * Zhejiang noisy, Jiangsu biased high), posted through POST /v1/forecasts with each centre's key on
 * eight simulated days backfilled into the real engine, and verified over real HTTP against the
 * city daily AQI of /v1/aqi: at every lead 0–7 the verification ranks them good, noisy, biased
 * high, by the range midpoint's MAE and by AQI-range accuracy.
 */
const SEED = 20_250_301;
const DAYS = ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07'];
const LEADS = [0, 1, 2, 3, 4, 5, 6, 7];
const ORDER: SimForecaster[] = ['shanghai', 'zhejiang', 'jiangsu'];

const version = bundledVersion();
let store: TestStore;
let app: FastifyInstance;
let base: string;
let demoDeps: Parameters<typeof recordDemoForecasts>[0];
const dir = mkdtempSync(join(tmpdir(), 'yrd-air-sim-forecasts-'));
const keyFile = join(dir, 'centre-keys.json');

beforeAll(async () => {
  const files = writeArchive({
    dir: join(dir, 'archive'),
    fromDate: '2025-03-01',
    toDate: '2025-03-08',
    stations: simulatedStations(),
    publication: createPublication(SEED, createModel(SEED)),
  });
  store = await openTestStore();
  await syncStations(store, [version]);
  const logger = silentLogger();
  const pipeline = startInProcessPipeline(store, logger, { maxBatchMessages: 2000 });
  await runBackfill({
    files,
    sink: pipeline.sink,
    registry: createStationRegistry([version]),
    archive: ADAPTERS['cnemc-archive'],
    stateFile: join(dir, 'state.json'),
  });
  await pipeline.stop();
  const stations = createClickHouseStationQueries(store);
  const forecasts = createClickHouseForecastStore(store);
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keyFile),
    queries: { stations, forecasts },
    views: createViews({
      stats: createClickHouseStatsQueries(store),
      series: createClickHouseSeriesQueries(store),
      stations,
      forecasts,
      includeControlSites: false,
    }),
  });
  const views = createViews({
    stats: createClickHouseStatsQueries(store),
    series: createClickHouseSeriesQueries(store),
    stations,
    includeControlSites: false,
  });
  demoDeps = { aqi: views.aqi, store: forecasts, stations, logger };
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 300_000);
afterAll(async () => {
  await app?.close();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the simulated centres’ forecasts (errors drawn around the observed AQI)', () => {
  it('the demo job records them for the complete days once: each city-day with an observed AQI, at 8 leads', async () => {
    // On 2025-03-08 the last 14 complete days are 02-22…03-07; the data hold 03-01…03-07.
    let cityDays = 0;
    const forecastCities = new Set(
      version.stations.filter((s) => ORDER.includes(s.province as SimForecaster)).map((s) => s.city),
    );
    for (const date of DAYS) {
      const res = await fetch(`${base}/v1/aqi?level=region&id=yrd&date=${date}`);
      for (const r of ((await res.json()) as AqiResponse).results)
        if (r.aqi !== null && forecastCities.has(r.area)) cityDays++;
    }
    expect(cityDays).toBeGreaterThan(0);
    const at = Date.parse('2025-03-08T12:00:00+08:00');
    expect(await recordDemoForecasts(demoDeps, at)).toEqual({ stored: cityDays * LEADS.length, days: 14 });
    expect(await recordDemoForecasts(demoDeps, at)).toEqual({ stored: 0, days: 14 });
  });

  it('are ranked by their known skill at every lead', async () => {
    const observed = new Map<string, AqiResponse['results'][number]>();
    for (const date of DAYS) {
      const res = await fetch(`${base}/v1/aqi?level=region&id=yrd&date=${date}`);
      for (const r of ((await res.json()) as AqiResponse).results)
        if (r.aqi !== null) observed.set(`${r.area}|${date}`, r);
    }
    expect(observed.size).toBeGreaterThan(200);
    for (const centre of ORDER) {
      const cities = [...new Set(version.stations.filter((s) => s.province === centre).map((s) => s.city))];
      const records = simulatedForecasts({
        seed: SEED,
        centre,
        cities,
        validDates: DAYS,
        leads: LEADS,
        observed: (city, day) => observed.get(`${city}|${day}`)?.aqi ?? undefined,
        primaryOf: (city, day) => observed.get(`${city}|${day}`)?.primary,
      });
      const key = issueKey(keyFile, centre).key;
      expect(await postForecasts(base, key, records)).toEqual({ accepted: records.length, rejected: 0 });
    }
    const res = await fetch(`${base}/v1/forecasts/verification?level=region&id=yrd&from=${DAYS[0]}&to=${DAYS.at(-1)}`);
    expect(res.status).toBe(200);
    const v = (await res.json()) as VerificationResponse;
    for (const lead of LEADS) {
      const rows = ORDER.map((source) => v.results.find((r) => r.source === source && r.lead === lead));
      const mae = rows.map((r) => r?.midpointMae.value as number);
      const inRange = rows.map((r) => r?.range.rate as number);
      expect(
        rows.every((r) => (r?.n ?? 0) > 0),
        `lead ${lead}`,
      ).toBe(true);
      expect(mae[0], `lead ${lead} MAE good < noisy`).toBeLessThan(mae[1] as number);
      expect(mae[1], `lead ${lead} MAE noisy < biased high`).toBeLessThan(mae[2] as number);
      expect(inRange[0], `lead ${lead} range good > noisy`).toBeGreaterThan(inRange[1] as number);
      expect(inRange[1], `lead ${lead} range noisy > biased high`).toBeGreaterThan(inRange[2] as number);
      // Every centre names the observed primary pollutant: its skill is in the AQI alone.
      expect(
        rows.map((r) => r?.primary.rate),
        `lead ${lead} primary`,
      ).toEqual([1, 1, 1]);
    }
  });
});
