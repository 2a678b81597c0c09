import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeedDefinition } from '../schemas/feeds/feed-definition';
import { createFeedFetch, FeedHttpError } from './feed-http';

const feed: FeedDefinition = {
  name: 'sh',
  format: 'sh-json',
  baseUrl: 'http://feed.invalid',
  province: 'shanghai',
  schedule: '*/5 * * * *',
  credentials: { type: 'none' },
  lookbackHours: 48,
  timeoutMs: 1000,
  retries: 1,
  enabled: true,
  options: {},
};

/** The error a fetch of the feed rejects with, fetch itself answering as `answer` says. */
async function failure(answer: () => Promise<Response>): Promise<unknown> {
  vi.stubGlobal('fetch', vi.fn(answer));
  return createFeedFetch(feed, { retryBaseMs: 1 })('http://feed.invalid/hourly').then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('a feed fetch that fails', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('names an error status FEED_HTTP_FAILED, retriable only for a transient status', async () => {
    const denied = await failure(async () => new Response('', { status: 401, statusText: 'Unauthorized' }));
    expect(denied).toBeInstanceOf(FeedHttpError);
    expect(denied).toMatchObject({ code: 'FEED_HTTP_FAILED', status: 401, retriable: false, dependency: 'feed' });
    const down = await failure(async () => new Response('', { status: 503 }));
    expect(down).toMatchObject({ code: 'FEED_HTTP_FAILED', status: 503, retriable: true });
  });

  it('names no answer at all FEED_HTTP_FAILED too, with the URL and the cause', async () => {
    const refused = await failure(() => Promise.reject(new TypeError('fetch failed')));
    expect(refused).toMatchObject({
      code: 'FEED_HTTP_FAILED',
      message: 'feed sh: GET http://feed.invalid/hourly failed: fetch failed',
    });
  });
});
