import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../api/auth/centre-keys';
import { runCli, type CliRun } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-sec-'));
const keys = { shanghai: '', coordinator: '' };
const WRONG_KEY = 'yrdair_wrongkey_SECRET_4c1d2e';
const FEED_PASSWORD = 'feed-pass-SECRET-9f8e7d';
let run: CliRun;
let api: string;
let probes = 0;

beforeAll(async () => {
  keys.shanghai = issueKey(join(dir, 'centre-keys.json'), 'shanghai').key;
  keys.coordinator = issueKey(join(dir, 'centre-keys.json'), 'coordinator').key;
  // A feed whose server is not there, with a password: its failures get logged, its password must not.
  writeFileSync(
    join(dir, 'feeds.json'),
    JSON.stringify({
      feeds: [
        {
          name: 'dead-feed',
          format: 'sh-json',
          baseUrl: 'http://127.0.0.1:9',
          province: 'shanghai',
          schedule: '* * * * *',
          lookbackHours: 2,
          timeoutMs: 1000,
          retries: 0,
          credentials: { type: 'basic', username: 'centre', password: FEED_PASSWORD },
        },
      ],
    }),
  );
  run = runCli(['start'], {
    PORT: '0',
    DATA_DIR: dir,
    FEEDS_FILE: join(dir, 'feeds.json'),
    CLICKHOUSE_DATABASE: 'yrd_air_test',
    LOG_LEVEL: 'trace',
  });
  [, api] = (await run.waitForLine(/API at (http:\/\/\S+)/, 90_000)) as unknown as [string, string];
}, 120_000);
afterAll(async () => {
  await run?.stop();
  rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
}, 60_000);

const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
const push = (key: string, body: unknown) =>
  fetch(`${api}/v1/readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Plausible values for every query parameter the routes take, so one probe at a time reaches the handler. */
const PLAUSIBLE: Record<string, string> = {
  level: 'city',
  id: '上海',
  city: '上海',
  province: 'shanghai',
  centre: 'shanghai',
  pollutant: 'pm25',
  from: '2025-01-01',
  to: '2025-01-20',
  year: '2025',
  date: '2025-01-01',
  since: '2025-01-01T00:00:00Z',
  resolution: 'day',
  format: 'json',
  limit: '10',
  code: 'READING_INVALID',
};
const PROBES = [
  "' OR '1'='1",
  "1'); DROP TABLE yrd_air_test.readings; --",
  "上海' UNION SELECT name FROM system.tables --",
  '{stations:Array(String)}',
  "\\'; SELECT 1; --",
  '%27%20OR%201=1',
];

describe('security on a running instance', () => {
  it('keeps centres apart: a centre pushes only its own stations and reads only its own rejects', async () => {
    const own = await push(keys.shanghai, [{ station: '1141A', pollutant: 'pm25', time: hour, value: 35 }]);
    expect(own.status).toBe(202);
    const foreign = await push(keys.shanghai, [{ station: '1151A', pollutant: 'pm25', time: hour, value: 35 }]);
    expect(foreign.status).toBe(202);
    expect(
      ((await foreign.json()) as { accepted: number; rejected: { code: string }[] }).rejected.map((r) => r.code),
    ).toEqual(['READING_STATION_NOT_OWNED']);
    expect((await push(WRONG_KEY, [{ station: '1141A', pollutant: 'pm25', time: hour, value: 1 }])).status).toBe(401);
    const others = await fetch(`${api}/v1/rejects?centre=jiangsu`, {
      headers: { authorization: `Bearer ${keys.shanghai}` },
    });
    expect(others.status).toBe(403);
    const exceptional = await fetch(`${api}/v1/exceptional-days`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.shanghai}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ city: '上海', day: '2025-01-01', source: 'x' }]),
    });
    expect(exceptional.status).toBe(403);
  });

  it('leaves SQL-injection probes in every query parameter inert', async () => {
    const doc = (await (await fetch(`${api}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
    };
    const before = (await (await fetch(`${api}/v1/stations`)).json()) as { stations: unknown[] };
    for (const [path, item] of Object.entries(doc.paths)) {
      const params = (item.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      if (path.includes('{') || params.length === 0) continue;
      for (const target of params) {
        for (const probe of PROBES) {
          const qs = new URLSearchParams(
            Object.fromEntries(
              params
                .filter((p) => PLAUSIBLE[p] !== undefined || p === target)
                .map((p) => [p, p === target ? probe : (PLAUSIBLE[p] as string)]),
            ),
          );
          const res = await fetch(`${api}${path}?${qs}`, { headers: { authorization: `Bearer ${keys.coordinator}` } });
          probes++;
          expect(res.status, `${path} ${target}=${probe}: ${await res.clone().text()}`).toBeLessThan(500);
        }
      }
    }
    expect(probes).toBeGreaterThan(100);
    const after = (await (await fetch(`${api}/v1/stations`)).json()) as { stations: unknown[] };
    expect(after.stations.length).toBe(before.stations.length);
    // The pushed reading is still there: no table was dropped.
    const series = (await (
      await fetch(
        `${api}/v1/series?level=station&id=1141A&pollutant=pm25&from=${encodeURIComponent(hour)}&to=${encodeURIComponent(new Date(Date.parse(hour) + 3_600_000).toISOString())}`,
      )
    ).json()) as { rows: { value: number }[] };
    expect(series.rows.map((r) => r.value)).toEqual([35]);
  }, 120_000);

  it('writes no key, bearer token or feed password into its logs, even at trace level', async () => {
    // Let the dead feed fail at least once.
    for (const until = Date.now() + 70_000; Date.now() < until && !/dead-feed/.test(run.stdout() + run.stderr());)
      await new Promise((r) => setTimeout(r, 1000));
    await run.stop();
    const logs = run.stdout() + run.stderr();
    expect(logs).toMatch(/dead-feed/); // the feed's failure is logged…
    expect(logs).toMatch(/\/v1\/readings/); // …and the requests are
    for (const secret of [
      keys.shanghai,
      keys.coordinator,
      WRONG_KEY,
      FEED_PASSWORD,
      Buffer.from(`centre:${FEED_PASSWORD}`).toString('base64'),
    ])
      expect(logs).not.toContain(secret);
  }, 120_000);
});
