import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey } from '../../api/auth/centre-keys';
import { runCli, type CliRun } from '../helpers/cli';

/**
 * Every route has a test through HTTP on a real instance: `yrd-air start` as users run
 * it (built-in simulator, embedded store), every route of its own OpenAPI document called with
 * valid parameters, and the one error shape for 400, 401, 403, 404, 413, 422 and 429.
 */
const dir = mkdtempSync(join(tmpdir(), 'yrd-air-routes-'));
let run: CliRun;
let api: string;
let coordinator = '';
let shanghai = '';

beforeAll(async () => {
  coordinator = issueKey(join(dir, 'centre-keys.json'), 'coordinator').key;
  shanghai = issueKey(join(dir, 'centre-keys.json'), 'shanghai').key;
  run = runCli(['start'], {
    PORT: '0',
    DATA_DIR: dir,
    CLICKHOUSE_DATABASE: 'yrd_air_test',
    PUSH_BODY_LIMIT_BYTES: '65536',
    PUSH_RATE_PER_MINUTE: '20',
  });
  [, api] = (await run.waitForLine(/API at (http:\/\/\S+)/, 90_000)) as unknown as [string, string];
}, 120_000);
afterAll(async () => {
  await run?.stop();
  rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
}, 60_000);

const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const monthAgo = new Date(Date.now() + 8 * 3_600_000 - 30 * 86_400_000).toISOString().slice(0, 10);
const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
const SH = encodeURIComponent('上海');

/** A valid call of every route (method, path with query, body?). */
const CALLS: Record<
  string,
  { method?: string; url: string; body?: unknown; key?: 'coordinator' | 'shanghai'; status?: number }
> = {
  '/healthz': { url: '/healthz' },
  '/readyz': { url: '/readyz' },
  '/v1/feeds': { url: '/v1/feeds' },
  '/v1/stations': { url: '/v1/stations?province=shanghai' },
  '/v1/readings': {
    method: 'POST',
    url: '/v1/readings',
    key: 'shanghai',
    body: [{ station: '1141A', pollutant: 'pm25', time: hour, value: 33 }],
  },
  '/v1/rejects': { url: '/v1/rejects', key: 'shanghai' },
  '/v1/changes': { url: `/v1/changes?since=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}` },
  '/v1/centres/summary': { url: '/v1/centres/summary' },
  '/v1/centres/{centre}/scorecard': {
    url: `/v1/centres/shanghai/scorecard?from=${monthAgo}&to=${today}`,
    key: 'shanghai',
  },
  '/v1/series': { url: `/v1/series?level=city&id=${SH}&pollutant=pm25,o3&from=${monthAgo}&to=${today}&resolution=day` },
  '/v1/aqi': { url: `/v1/aqi?level=city&id=${SH}&date=${today}` },
  '/v1/aqi/hourly': { url: `/v1/aqi/hourly?level=city&id=${SH}&from=${monthAgo}&to=${today}&window=24h` },
  '/v1/aqi/latest': { url: '/v1/aqi/latest?level=region&id=yrd' },
  '/v1/flags': { url: '/v1/flags', key: 'shanghai' },
  '/v1/forecasts': {
    method: 'POST',
    url: '/v1/forecasts',
    key: 'shanghai',
    body: [
      {
        city: '上海',
        source: 'shanghai',
        issuedAt: new Date().toISOString(),
        validDate: today,
        aqiLow: 40,
        aqiHigh: 60,
        primary: ['pm25'],
      },
    ],
  },
  '/v1/forecasts/verification': { url: `/v1/forecasts/verification?level=city&id=${SH}&from=${today}&to=${today}` },
  '/v1/forecasts/consultation': { url: `/v1/forecasts/consultation?validDate=${today}` },
  '/v1/compliance': { url: `/v1/compliance?level=city&id=${SH}&year=${today.slice(0, 4)}` },
  '/v1/compliance/forecast': { url: `/v1/compliance/forecast?level=city&id=${SH}&year=${today.slice(0, 4)}` },
  // A fresh instance holds two days, not the 24 months a trend needs: the route answers 422 here
  // (test/integration/forecast.test.ts has its 200 over HTTP on nine real years).
  '/v1/trends': { url: `/v1/trends?level=city&id=${SH}&from=${monthAgo}&to=${today}`, status: 422 },
  '/v1/ozone': { url: `/v1/ozone?level=province&id=shanghai&from=${monthAgo}&to=${today}` },
  '/v1/exceptional-days': {
    method: 'POST',
    url: '/v1/exceptional-days',
    key: 'coordinator',
    body: [{ city: '上海', day: today, source: 'routes test' }],
  },
  '/v1/apportionment/regional': { url: `/v1/apportionment/regional?city=${SH}&from=${monthAgo}&to=${today}` },
  // A fresh instance has two days of a month's hours with data; transport needs 300 hours with data
  // (its 200 is tested on 45 simulated days, test/integration/apportionment.test.ts).
  '/v1/apportionment/transport': { url: `/v1/apportionment/transport?from=${monthAgo}&to=${today}`, status: 422 },
  // A fresh instance has two days; the factor analysis needs a week (its 200 is tested on a simulated year).
  '/v1/apportionment/factors': {
    url: `/v1/apportionment/factors?level=station&id=1141A&from=${monthAgo}&to=${today}`,
    status: 422,
  },
  '/v1/species': {
    method: 'POST',
    url: '/v1/species',
    key: 'shanghai',
    body: [{ station: '1141A', species: 'so4', time: hour, value: 3.2 }],
  },
};

const call = (
  c: { method?: string; url: string; body?: unknown; key?: 'coordinator' | 'shanghai' },
  extra: Record<string, string> = {},
) =>
  fetch(`${api}${c.url}`, {
    method: c.method ?? 'GET',
    headers: {
      ...(c.key ? { authorization: `Bearer ${c.key === 'coordinator' ? coordinator : shanghai}` } : {}),
      ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...extra,
    },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });

/** Writes `request` as bytes on a socket and returns what the server answered, once it closes. */
function rawRequest(host: string, port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.write(Buffer.from(request, 'utf8')));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('every route over real HTTP on a running instance', () => {
  it('answers each route of its OpenAPI document with 2xx', async () => {
    const doc = (await (await fetch(`${api}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.keys(doc.paths).sort();
    // Every documented route has a call here (a new route must add one).
    expect(routes.filter((r) => !CALLS[r])).toEqual([]);
    for (const route of routes) {
      const c = CALLS[route] as (typeof CALLS)[string];
      const res = await call(c);
      if (c.status !== undefined) {
        expect(res.status, route).toBe(c.status);
        continue;
      }
      expect(res.status, `${route}: ${await res.clone().text()}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${route}: ${await res.clone().text()}`).toBeLessThan(300);
    }
    // The undocumented ones too: the page, its assets, the docs and the metrics.
    for (const path of ['/', '/assets/dashboard.js', '/assets/echarts.min.js', '/docs', '/openapi.json', '/metrics'])
      expect((await fetch(`${api}${path}`)).status, path).toBe(200);
  }, 120_000);

  it('gives one error shape for 400, 401, 403, 404, 413, 422, 429 and 431, each with its code', async () => {
    // The codes and statuses as docs/errors.md gives them for each refusal.
    const cases: [number, string, Promise<Response>][] = [
      [400, 'QUERY_INVALID', fetch(`${api}/v1/series?level=city&id=${SH}&pollutant=nox&from=${today}&to=${today}`)],
      [
        401,
        'AUTH_KEY_INVALID',
        call({ method: 'POST', url: '/v1/readings', body: [] }, { authorization: 'Bearer not-a-key' }),
      ],
      [403, 'AUTH_FORBIDDEN', call({ url: '/v1/rejects?centre=jiangsu', key: 'shanghai' })],
      [404, 'NOT_FOUND', fetch(`${api}/v1/nothing-here`)],
      // A percent-escape that is not UTF-8: the router's own refusal, before any route.
      [400, 'QUERY_INVALID', fetch(`${api}/v1/centres/%E0%A4%A/scorecard`)],
      // A request line past Node's header size limit (16 KiB): the HTTP parser's own refusal.
      [431, 'HEADERS_TOO_LARGE', fetch(`${api}/v1/series?level=station&id=${'1141A,'.repeat(4000)}&pollutant=pm25`)],
      [
        413,
        'BODY_TOO_LARGE',
        call({
          method: 'POST',
          url: '/v1/readings',
          key: 'coordinator',
          body: Array.from({ length: 2000 }, () => ({ station: '1141A', pollutant: 'pm25', time: hour, value: 1 })),
        }),
      ],
      [
        422,
        'QUERY_UNKNOWN_AREA',
        fetch(`${api}/v1/series?level=city&id=${encodeURIComponent('纽约')}&pollutant=pm25&from=${today}&to=${today}`),
      ],
    ];
    for (const [status, code, pending] of cases) {
      const res = await pending;
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ status: res.status, code: body.error.code }, body.error.message).toEqual({ status, code });
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    // 429: past PUSH_RATE_PER_MINUTE (20) for one key.
    let limited: Response | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      const res = await call({
        method: 'POST',
        url: '/v1/readings',
        key: 'shanghai',
        body: [{ station: '1141A', pollutant: 'pm25', time: hour, value: 33 }],
      });
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(((await limited?.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  }, 120_000);

  it('answers a query of raw (unencoded) UTF-8 bytes, which the HTTP parser refuses, in the one error shape', async () => {
    // fetch would encode the bytes, so the request is written on a socket as a script might send it.
    const { port, hostname } = new URL(api);
    const raw = await rawRequest(
      hostname,
      Number(port),
      `GET /v1/series?level=city&id=上海 HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(body)).toEqual({
      error: {
        code: 'QUERY_INVALID',
        message:
          'the URL holds characters HTTP does not allow; percent-encode each byte of non-ASCII text in the URL (上海 is %E4%B8%8A%E6%B5%B7)',
      },
    });
  });

  it('reads an unencoded +08:00 (a space once decoded) as the offset it was', async () => {
    // The hour pushed by the first test, as CST wall time; `+` sent raw, as a script writing the URL by hand does.
    const cst = (ms: number): string => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
    const [from, to] = [cst(Date.parse(hour) - 3_600_000), cst(Date.parse(hour) + 3_600_000)];
    const query = `level=station&id=1141A&pollutant=pm25&resolution=hour`;
    const unencoded = await fetch(`${api}/v1/series?${query}&from=${from}&to=${to}`);
    const encoded = await fetch(
      `${api}/v1/series?${query}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    );
    expect(unencoded.status, await unencoded.clone().text()).toBe(200);
    const rows = ((await unencoded.json()) as { rows: { time: string; value: number | null }[] }).rows;
    expect(rows).toEqual(((await encoded.json()) as { rows: unknown[] }).rows);
    expect(rows.map((r) => Date.parse(r.time))).toContain(Date.parse(hour));
    const since = await fetch(`${api}/v1/changes?since=${cst(Date.now() - 86_400_000)}`);
    expect(since.status, await since.clone().text()).toBe(200);
  });
});
