import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectStore, type StoreConnection } from '../../infra/clickhouse/client';
import { loadConfig } from '../../infra/config/load-config';
import { HOUR_MS } from '../../kernel';
import { createModel, createPublication, simulatedStations } from '../../tools/simulator';
import { runCli, type CliRun } from '../helpers/cli';

const DB = 'yrd_air_test';
const SEED = 20_250_301;
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'yrd-air-history-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true, maxRetries: 5 })));

/** The log line of `msg` (pino JSON on stdout), parsed, or undefined. */
function logLine(run: CliRun, msg: string): Record<string, unknown> | undefined {
  const line = run
    .stdout()
    .split('\n')
    .find((l) => l.includes(`"msg":"${msg}"`));
  return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
}

async function sql(store: StoreConnection, query: string): Promise<Record<string, string>[]> {
  return (await store.client.query({ query, format: 'JSONEachRow' })).json<Record<string, string>>();
}

describe('a first start with a simulated history (real CLI, real HTTP, real engine)', () => {
  it('loads it in the background while the API answers, resumes after a kill, and `history remove` takes exactly it', async () => {
    const dataDir = tempDir();
    const env = {
      PORT: '0',
      DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: DB,
      LOG_LEVEL: 'info',
      HISTORY_ON_FIRST_START: 'true',
      HISTORY_DAYS: '4',
    };

    // A fresh start: the API answers at once while the history is still loading; killed mid-load.
    const first = runCli(['start'], env);
    const [, api] = (await first.waitForLine(/API at (http:\/\/\S+)/, 90_000)) as unknown as [string, string];
    const health = await fetch(`${api}/healthz`);
    const loadedBeforeHealth = logLine(first, 'simulated history loaded') !== undefined;
    expect(health.status).toBe(200);
    expect(loadedBeforeHealth).toBe(false);
    await first.waitForLine(/loading the simulated history in the background/, 30_000);
    first.proc.kill('SIGKILL');
    await first.exited;
    const logged = logLine(first, 'loading the simulated history in the background') as { from: string; to: string };
    const plan = { from: logged.from, to: logged.to };
    const fromMs = Date.parse(plan.from);
    const toMs = Date.parse(plan.to);
    expect(toMs - fromMs).toBe(4 * 24 * HOUR_MS);

    // The next start resumes the same plan and finishes it.
    const second = runCli(['start'], env);
    const [, api2] = (await second.waitForLine(/API at (http:\/\/\S+)/, 90_000)) as unknown as [string, string];
    await second.waitForLine(/"msg":"simulated history loaded"/, 240_000);
    expect(logLine(second, 'loading the simulated history in the background')).toMatchObject(plan);

    // /v1/series shows the history: every valid hour of a station is the value the simulator published.
    const station = simulatedStations().find((s) => s.province === 'shanghai');
    if (!station) throw new Error('no simulated Shanghai station');
    const publication = createPublication(SEED, createModel(SEED));
    const q = new URLSearchParams({
      level: 'station',
      id: station.code,
      pollutant: 'pm25',
      resolution: 'hour',
      from: plan.from,
      to: new Date(toMs - HOUR_MS).toISOString(),
    });
    const series = (await (await fetch(`${api2}/v1/series?${q}`)).json()) as {
      rows: { time: string; value: number | null }[];
    };
    const shown = series.rows.filter((r) => r.value !== null);
    expect(shown.length).toBeGreaterThan(4 * 20);
    for (const r of shown) {
      const v = publication.publishedHour(station, Date.parse(r.time))?.values[0];
      expect(v?.pollutant).toBe('pm25');
      expect(r.value).toBe(v?.value);
    }
    await second.stop();

    // Independently of the loader: the simulator's published, well-formed values of the plan's hours.
    let published = 0;
    for (const s of simulatedStations())
      for (let t = fromMs; t < toMs; t += HOUR_MS)
        for (const v of publication.publishedHour(s, t)?.values ?? [])
          if (!v.malformed && v.value !== null) published++;

    const config = loadConfig({ DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB });
    const source = `startsWith(source_id, 'simulated-history')`;
    let store = await connectStore(config);
    let feedRevisions: number;
    try {
      const [h] = await sql(
        store,
        `SELECT count() AS n, toUnixTimestamp(min(time)) AS lo, toUnixTimestamp(max(time)) AS hi
         FROM ${DB}.reading_revisions WHERE ${source}`,
      );
      // Read twice (the killed file again) and still one revision per published value.
      expect(Number(h?.n)).toBe(published);
      expect(Number(h?.lo) * 1000).toBe(fromMs);
      expect(Number(h?.hi) * 1000).toBe(toMs - HOUR_MS);
      const [f] = await sql(
        store,
        `SELECT count() AS n, toUnixTimestamp(min(time)) AS lo FROM ${DB}.reading_revisions WHERE source_kind = 'feed'`,
      );
      feedRevisions = Number(f?.n);
      // The live feeds begin where the history ends (an hour later if the restart crossed an hour).
      expect(feedRevisions).toBeGreaterThan(0);
      expect(Number(f?.lo) * 1000).toBeGreaterThanOrEqual(toMs);
      expect(Number(f?.lo) * 1000).toBeLessThanOrEqual(toMs + HOUR_MS);
    } finally {
      await store.close();
    }

    const remove = runCli(['history', 'remove'], { DATA_DIR: dataDir, CLICKHOUSE_DATABASE: DB });
    expect((await remove.exited).code, remove.stderr()).toBe(0);
    expect(remove.stdout()).toContain(`removed ${published} revisions of the simulated history`);
    store = await connectStore(config);
    try {
      for (const table of ['reading_revisions', 'readings', 'rejects'])
        expect(Number((await sql(store, `SELECT count() AS n FROM ${DB}.${table} WHERE ${source}`))[0]?.n)).toBe(0);
      const [f] = await sql(store, `SELECT count() AS n FROM ${DB}.reading_revisions WHERE source_kind = 'feed'`);
      expect(Number(f?.n)).toBe(feedRevisions);
    } finally {
      await store.close();
    }

    // Removed stays removed: the next start does not load it again.
    const third = runCli(['start'], env);
    await third.waitForLine(/API at (http:\/\/\S+)/, 90_000);
    await new Promise((r) => setTimeout(r, 3_000));
    await third.stop();
    expect(logLine(third, 'loading the simulated history in the background')).toBeUndefined();
  }, 600_000);

  it('HISTORY_ON_FIRST_START=false starts with the live simulator only', async () => {
    const dataDir = tempDir();
    const run = runCli(['start'], {
      PORT: '0',
      DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: DB,
      LOG_LEVEL: 'info',
      HISTORY_ON_FIRST_START: 'false',
    });
    await run.waitForLine(/API at (http:\/\/\S+)/, 90_000);
    await new Promise((r) => setTimeout(r, 3_000));
    await run.stop();
    expect(logLine(run, 'loading the simulated history in the background')).toBeUndefined();
    expect(existsSync(join(dataDir, 'history'))).toBe(false);
  }, 120_000);
});
