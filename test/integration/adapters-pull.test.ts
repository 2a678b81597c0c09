import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ahJson } from '../../ingest/adapters/ah-json';
import { jsXml } from '../../ingest/adapters/js-xml';
import { shJson } from '../../ingest/adapters/sh-json';
import { zjCsv } from '../../ingest/adapters/zj-csv';
import type { FeedAdapter, PullContext, RawPage, Watermark } from '../../ingest/feed-adapter';
import { createFeedFetch } from '../../ingest/feed-http';
import { zFeedDefinition, type FeedDefinition } from '../../schemas/feeds/feed-definition';
import { fixture } from '../helpers/fixtures';

/**
 * Each pulling adapter's `pull` over real HTTP against a tiny local server serving the recorded
 * fixture pages (docs/feeds.md §1–4): the URLs it asks for, the pages it yields and their watermarks.
 * Credentials come from the feed's fetch (ingest/feed-http.ts), never from the adapter.
 */

interface Answer {
  status?: number;
  body?: Buffer | string;
}
interface LocalServer {
  base: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(answer: (url: URL) => Answer): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: `${url.pathname}${url.search}`, headers: req.headers });
    const a = answer(url);
    res.writeHead(a.status ?? 200).end(a.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local: LocalServer = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  servers.push(local);
  return local;
}

const feedOf = (fields: Record<string, unknown>): FeedDefinition =>
  zFeedDefinition.parse({ retries: 0, timeoutMs: 2_000, ...fields });
const at =
  (iso: string): PullContext['now'] =>
  () =>
    new Date(iso);

async function pullAll(
  adapter: FeedAdapter,
  feed: FeedDefinition,
  from: Watermark | undefined,
  now: PullContext['now'],
): Promise<RawPage[]> {
  const pages: RawPage[] = [];
  for await (const page of adapter.pull!(feed, from, { now, fetch: createFeedFetch(feed, { retryBaseMs: 1 }) }))
    pages.push(page);
  return pages;
}
const summary = (pages: RawPage[]) => pages.map((p) => [p.label, p.watermark]);
const NOT_FOUND: Answer = { status: 404, body: 'not published' };

describe('sh-json pull (docs/feeds.md §1)', () => {
  it('pages until page × pageSize ≥ total; only the last page moves the watermark, to the newest hour seen', async () => {
    const srv = await serve((url) => ({ body: fixture(`sh-json-page${url.searchParams.get('page')}.json`) }));
    const feed = feedOf({
      name: 'sh',
      format: 'sh-json',
      baseUrl: `${srv.base}/`,
      province: 'shanghai',
      lookbackHours: 2,
      credentials: { type: 'api-key', key: 'k-123' },
      options: { pageSize: 3 },
    });
    const pages = await pullAll(shJson, feed, { time: '2025-03-01T02:00:00+08:00' }, at('2025-03-01T03:20:00+08:00'));
    // since = watermark 02:00 minus the 2-hour look-back, with its offset, URL-encoded.
    expect(srv.requests.map((r) => r.path)).toEqual([
      '/hourly?since=2025-03-01T00%3A00%3A00%2B08%3A00&page=1&pageSize=3',
      '/hourly?since=2025-03-01T00%3A00%3A00%2B08%3A00&page=2&pageSize=3',
    ]);
    expect(srv.requests.every((r) => r.headers['x-api-key'] === 'k-123')).toBe(true);
    // Page 1 holds 01:00 and "24:00" (2 March 00:00); page 2 only an unreadable time.
    expect(summary(pages)).toEqual([
      ['sh-json page 1 since=2025-03-01T00:00:00+08:00', undefined],
      ['sh-json page 2 since=2025-03-01T00:00:00+08:00', { time: '2025-03-02T00:00:00+08:00' }],
    ]);
    expect(Buffer.from(pages[0]!.body).equals(fixture('sh-json-page1.json'))).toBe(true);
  });

  it('starts a new feed at now minus the look-back, and keeps the watermark when nothing was seen', async () => {
    const srv = await serve(() => ({
      body: JSON.stringify({ code: 0, msg: 'ok', page: 1, pageSize: 500, total: 0, data: [] }),
    }));
    const feed = feedOf({ name: 'sh', format: 'sh-json', baseUrl: srv.base, province: 'shanghai' });
    const pages = await pullAll(shJson, feed, undefined, at('2025-03-01T10:20:00+08:00'));
    expect(srv.requests.map((r) => r.path)).toEqual([
      '/hourly?since=2025-02-27T10%3A00%3A00%2B08%3A00&page=1&pageSize=500',
    ]);
    expect(summary(pages)).toEqual([['sh-json page 1 since=2025-02-27T10:00:00+08:00', undefined]]);
  });

  it('stops with an error naming the feed, the URL and the reason — never the key', async () => {
    const envelope = await serve(() => ({ body: fixture('sh-json-error.json') }));
    const feed = feedOf({
      name: 'sh',
      format: 'sh-json',
      baseUrl: envelope.base,
      province: 'shanghai',
      credentials: { type: 'api-key', key: 'k-123' },
    });
    const err = await pullAll(shJson, feed, undefined, at('2025-03-01T10:20:00+08:00')).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      new RegExp(`^feed sh: GET ${envelope.base}/hourly\\?since=.*: the feed answered code 401: invalid api key$`),
    );
    expect((err as Error).message).not.toContain('k-123');
    const missing = await serve(() => NOT_FOUND);
    const err404 = await pullAll(
      shJson,
      { ...feed, baseUrl: missing.base },
      undefined,
      at('2025-03-01T10:20:00+08:00'),
    ).catch((e: Error) => e);
    expect((err404 as Error).message).toMatch(/^feed sh: GET http:\/\/127\.0\.0\.1:\d+\/hourly\?since=.* answered 404/);
  });
});

describe.each([
  {
    adapter: jsXml,
    format: 'js-xml',
    province: 'jiangsu',
    path: (h: string) => `/AirData.xml?time=${h}`,
    label: (h: string) => `js-xml AirData.xml?time=${h}`,
    doc: (h: string) => `js-xml-${h}.xml`,
  },
  {
    adapter: zjCsv,
    format: 'zj-csv',
    province: 'zhejiang',
    path: (h: string) => `/zj_${h}.csv`,
    label: (h: string) => `zj-csv zj_${h}.csv`,
    doc: (h: string) => `zj_${h}.csv`,
  },
])('$format pull (docs/feeds.md §2, §3)', ({ adapter, format, province, path, label, doc }) => {
  const published = new Set(['2025030101', '2025030102']);
  const hourOf = (url: URL): string =>
    url.searchParams.get('time') ?? /zj_(\d{10})\.csv$/.exec(url.pathname)?.[1] ?? '';
  const answer = (url: URL): Answer => (published.has(hourOf(url)) ? { body: fixture(doc(hourOf(url))) } : NOT_FOUND);
  const feed = (base: string, extra: Record<string, unknown> = {}) =>
    feedOf({
      name: 'hourly',
      format,
      baseUrl: base,
      province,
      credentials: { type: 'basic', username: 'user', password: 'pw' },
      ...extra,
    });

  it('reads the look-back window and every later hour; an old 404 is skipped, a 404 of the current hour ends the pull', async () => {
    const srv = await serve(answer);
    const pages = await pullAll(
      adapter,
      feed(srv.base, { lookbackHours: 1 }),
      { time: '2025-03-01T01:00:00+08:00' },
      at('2025-03-01T03:20:00+08:00'),
    );
    expect(srv.requests.map((r) => r.path)).toEqual(['2025030100', '2025030101', '2025030102', '2025030103'].map(path));
    expect(srv.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('user:pw').toString('base64')}`);
    // 01:00 is the watermark itself (re-read, unchanged); 02:00 moves it.
    expect(summary(pages)).toEqual([
      [label('2025030101'), undefined],
      [label('2025030102'), { time: '2025-03-01T02:00:00+08:00' }],
    ]);
    expect(Buffer.from(pages[0]!.body).equals(fixture(doc('2025030101')))).toBe(true);
  });

  it('stops at a 404 of the hour before the current one, without asking for the current hour', async () => {
    published.delete('2025030102');
    try {
      const srv = await serve(answer);
      const pages = await pullAll(
        adapter,
        feed(srv.base, { lookbackHours: 0 }),
        { time: '2025-03-01T01:00:00+08:00' },
        at('2025-03-01T03:20:00+08:00'),
      );
      expect(srv.requests.map((r) => r.path)).toEqual(['2025030101', '2025030102'].map(path));
      expect(summary(pages)).toEqual([[label('2025030101'), undefined]]);
    } finally {
      published.add('2025030102');
    }
  });

  it('starts a new feed at startAt, moving the watermark hour by hour', async () => {
    const srv = await serve(answer);
    const pages = await pullAll(
      adapter,
      feed(srv.base, { lookbackHours: 0, startAt: '2025-03-01T01:00:00+08:00' }),
      undefined,
      at('2025-03-01T02:10:00+08:00'),
    );
    expect(srv.requests.map((r) => r.path)).toEqual(['2025030101', '2025030102'].map(path));
    expect(summary(pages)).toEqual([
      [label('2025030101'), { time: '2025-03-01T01:00:00+08:00' }],
      [label('2025030102'), { time: '2025-03-01T02:00:00+08:00' }],
    ]);
  });

  it('catches up oldest first, at most maxHoursPerPull hours per pull', async () => {
    const srv = await serve(() => ({ body: fixture(doc('2025030101')) }));
    const pages = await pullAll(
      adapter,
      feed(srv.base, { lookbackHours: 0, options: { maxHoursPerPull: 2 } }),
      { time: '2025-02-27T20:00:00+08:00' },
      at('2025-03-01T03:20:00+08:00'),
    );
    expect(srv.requests.map((r) => r.path)).toEqual(['2025022720', '2025022721'].map(path));
    expect(summary(pages)).toEqual([
      [label('2025022720'), undefined],
      [label('2025022721'), { time: '2025-02-27T21:00:00+08:00' }],
    ]);
  });

  it('refuses any other non-2xx answer, naming the feed, the URL and the status', async () => {
    const srv = await serve(() => ({ status: 503, body: 'busy' }));
    const f = feed(srv.base, { lookbackHours: 0 });
    // The plain fetch here resolves a 503 as it is; the adapter still refuses it.
    const ctx: PullContext = { now: at('2025-03-01T03:20:00+08:00'), fetch: (url) => fetch(url) };
    const err = await (async () => {
      for await (const _ of adapter.pull!(f, { time: '2025-03-01T03:00:00+08:00' }, ctx));
    })().catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `feed hourly: GET ${srv.base}${path('2025030103')} answered 503 Service Unavailable`,
    );
  });
});

describe('ah-json pull (docs/feeds.md §4)', () => {
  const PAGES: Record<string, string> = {
    '': 'ah-json-page1.json',
    eyJvIjo2fQ: 'ah-json-page2.json',
    eyJvIjoxMX0: 'ah-json-page3.json',
  };
  const answer = (url: URL): Answer => {
    const page = PAGES[url.searchParams.get('cursor') ?? ''];
    return page ? { body: fixture(page) } : { status: 400, body: '{"error":"bad cursor"}' };
  };
  const feed = (base: string) =>
    feedOf({
      name: 'ah',
      format: 'ah-json',
      baseUrl: base,
      province: 'anhui',
      credentials: { type: 'bearer', token: 't-456' },
    });

  it('follows the cursor chain; each page carries its next cursor (the last its own) and the newest hour read', async () => {
    const srv = await serve(answer);
    const pages = await pullAll(ahJson, feed(srv.base), undefined, at('2025-03-01T03:20:00+08:00'));
    expect(srv.requests.map((r) => r.path)).toEqual([
      '/v2/observations',
      '/v2/observations?cursor=eyJvIjo2fQ',
      '/v2/observations?cursor=eyJvIjoxMX0',
    ]);
    expect(srv.requests.every((r) => r.headers.authorization === 'Bearer t-456')).toBe(true);
    // The newest on-the-hour ts with an offset read so far: page 1's 17:00Z (its 17:30Z is no hour),
    // page 2's 18:00Z (its "2025-03-01 02:00:00" has no offset), page 3's 19:00Z — in CST.
    expect(summary(pages)).toEqual([
      ['ah-json cursor=(start)', { cursor: 'eyJvIjo2fQ', time: '2025-03-01T01:00:00+08:00' }],
      ['ah-json cursor=eyJvIjo2fQ', { cursor: 'eyJvIjoxMX0', time: '2025-03-01T02:00:00+08:00' }],
      ['ah-json cursor=eyJvIjoxMX0', { cursor: 'eyJvIjoxMX0', time: '2025-03-01T03:00:00+08:00' }],
    ]);
    const ctx = { sourceId: 'ah', sourceKind: 'feed', arrivedAt: '2025-03-01T03:20:00+08:00' } as const;
    expect(pages.map((p) => ahJson.toReadings(p, ctx).readings.length)).toEqual([3, 3, 2]);
  });

  it('resumes from the watermark cursor with no look-back, and stops on a refused cursor', async () => {
    const srv = await serve(answer);
    const pages = await pullAll(ahJson, feed(srv.base), { cursor: 'eyJvIjoxMX0' }, at('2025-03-01T03:20:00+08:00'));
    expect(srv.requests.map((r) => r.path)).toEqual(['/v2/observations?cursor=eyJvIjoxMX0']);
    expect(summary(pages)).toEqual([
      ['ah-json cursor=eyJvIjoxMX0', { cursor: 'eyJvIjoxMX0', time: '2025-03-01T03:00:00+08:00' }],
    ]);
    // A newer hour kept beside the cursor is not moved back by the older items re-read.
    const kept = await pullAll(
      ahJson,
      feed(srv.base),
      { cursor: 'eyJvIjoxMX0', time: '2025-03-01T05:00:00+08:00' },
      at('2025-03-01T05:20:00+08:00'),
    );
    expect(summary(kept)).toEqual([
      ['ah-json cursor=eyJvIjoxMX0', { cursor: 'eyJvIjoxMX0', time: '2025-03-01T05:00:00+08:00' }],
    ]);
    const err = await pullAll(ahJson, feed(srv.base), { cursor: 'gone' }, at('2025-03-01T03:20:00+08:00')).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(
      /^feed ah: GET http:\/\/127\.0\.0\.1:\d+\/v2\/observations\?cursor=gone answered 400/,
    );
  });
});
