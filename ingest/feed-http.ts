import { AppError, DependencyError } from '../kernel';
import type { FeedDefinition, Secret } from '../schemas';

const RETRY_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** A feed's non-2xx answer (401, 400, 500…): `FEED_HTTP_FAILED`, with the status it answered. */
export class FeedHttpError extends DependencyError {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
  ) {
    super('FEED_HTTP_FAILED', 'feed', message, RETRY_STATUSES.has(status));
    this.name = 'FeedHttpError';
  }
}

function secretValue(secret: Secret, what: string): string {
  if (typeof secret === 'string') return secret;
  throw new AppError('CONFIG_INVALID', `${what} refers to environment variable ${secret.env}, which was not resolved`);
}

/** Headers for the feed's credentials (docs/feeds.md: api key, basic auth, bearer). */
export function credentialHeaders(feed: FeedDefinition): Record<string, string> {
  const c = feed.credentials;
  switch (c.type) {
    case 'none':
      return {};
    case 'api-key':
      return { [c.header]: secretValue(c.key, `feed ${feed.name} api key`) };
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${c.username}:${secretValue(c.password, `feed ${feed.name} password`)}`).toString('base64')}`,
      };
    case 'bearer':
      return { authorization: `Bearer ${secretValue(c.token, `feed ${feed.name} token`)}` };
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * fetch for one feed: credentials, a timeout per request, and retries with exponential back-off
 * on network errors and transient statuses. A 2xx or 404 resolves with the response (404 = an
 * hour not yet published); other non-2xx answers (401, 400…) throw a `FeedHttpError` at once.
 * Messages name the URL, never a secret.
 */
export function createFeedFetch(
  feed: FeedDefinition,
  opts: { retryBaseMs?: number; signal?: AbortSignal } = {},
): (url: string, init?: { headers?: Record<string, string> }) => Promise<Response> {
  const auth = credentialHeaders(feed);
  const base = opts.retryBaseMs ?? 500;
  return async (url, init) => {
    let lastError: DependencyError | undefined;
    for (let attempt = 0; attempt <= feed.retries; attempt++) {
      if (attempt > 0) await sleep(base * 2 ** (attempt - 1), opts.signal);
      if (opts.signal?.aborted) break;
      try {
        const signal = opts.signal
          ? AbortSignal.any([opts.signal, AbortSignal.timeout(feed.timeoutMs)])
          : AbortSignal.timeout(feed.timeoutMs);
        const res = await fetch(url, { headers: { ...init?.headers, ...auth }, signal });
        // 404 is an answer, not a failure: an hourly document not yet published (docs/feeds.md §2, §3).
        if (res.ok || res.status === 404) return res;
        await res.body?.cancel();
        const err = new FeedHttpError(
          res.status,
          url,
          `feed ${feed.name}: GET ${url} answered ${res.status} ${res.statusText}`,
        );
        if (!RETRY_STATUSES.has(res.status)) throw err;
        lastError = err;
      } catch (err) {
        if (err instanceof FeedHttpError && !RETRY_STATUSES.has(err.status)) throw err;
        const e = err as Error;
        lastError =
          e instanceof FeedHttpError
            ? e
            : new DependencyError(
                'FEED_HTTP_FAILED',
                'feed',
                `feed ${feed.name}: GET ${url} failed: ${e.name === 'TimeoutError' ? `no answer within ${feed.timeoutMs} ms` : e.message}`,
                true,
                { cause: e },
              );
      }
    }
    throw lastError ?? new DependencyError('FEED_HTTP_FAILED', 'feed', `feed ${feed.name}: GET ${url} aborted`, true);
  };
}
