import { describe, expect, it } from 'vitest';
import { silentLogger } from '../test/helpers/logger';
import { aReading } from '../test/helpers/readings';
import type { FeedDefinition } from '../schemas/feeds/feed-definition';
import type { Reading } from '../schemas/reading';
import type { Reject } from '../schemas/reject';
import type { Station } from '../schemas/station';
import type { FeedAdapter, RawPage, Watermark } from './feed-adapter';
import type { ReadingSink } from './reading-sink';
import { createPullScheduler } from './scheduler';
import { createStationRegistry } from './stations/registry';
import { createMemoryWatermarkStore } from './watermarks';

const station = (code: string, province: Station['province']): Station => ({
  code,
  name: code,
  city: 'c',
  countyCity: '',
  province,
  lon: null,
  lat: null,
  control: false,
  stopped: false,
});
const registry = createStationRegistry([
  { version: 'v', validFrom: '2013-01-01', stations: [station('1141A', 'shanghai'), station('1151A', 'jiangsu')] },
]);

const feed = (name: string, format: FeedDefinition['format'] = 'sh-json'): FeedDefinition => ({
  name,
  format,
  baseUrl: 'http://127.0.0.1:1',
  province: 'shanghai',
  schedule: '*/5 * * * *',
  credentials: { type: 'none' },
  lookbackHours: 48,
  timeoutMs: 1000,
  retries: 0,
  enabled: true,
  options: {},
});

/** A scripted adapter: three pages, each carrying readings of one hour and its watermark. */
function scriptedAdapter(seenFrom: (Watermark | undefined)[]): FeedAdapter {
  const hours = ['2025-03-01T01:00:00+08:00', '2025-03-01T02:00:00+08:00', '2025-03-01T03:00:00+08:00'];
  return {
    format: 'sh-json',
    async *pull(_feed, from) {
      seenFrom.push(from);
      const start = from?.time ? hours.indexOf(from.time) + 1 : 0;
      for (const time of hours.slice(start))
        yield { label: time, body: Buffer.from(time), watermark: { time } } satisfies RawPage;
    },
    toReadings(page, ctx) {
      const time = Buffer.from(page.body).toString();
      return {
        readings: [
          aReading({ time, arrivedAt: ctx.arrivedAt, source: { kind: 'feed', id: ctx.sourceId } }),
          aReading({ station: '1151A', time }),
        ],
        problems: [],
      };
    },
  };
}

function collectingSink(failOnCall?: number): ReadingSink & { readings: Reading[]; rejects: Reject[] } {
  let calls = 0;
  const sink = {
    readings: [] as Reading[],
    rejects: [] as Reject[],
    async publish(rs: readonly Reading[]) {
      if (++calls === failOnCall) throw new Error('bus down');
      sink.readings.push(...rs);
    },
    async publishRejects(rs: readonly Reject[]) {
      sink.rejects.push(...rs);
    },
    async close() {},
  };
  return sink;
}

describe('pull scheduler', () => {
  it('publishes accepted readings, rejects the rest with reasons, and moves the watermark', async () => {
    const sink = collectingSink();
    const watermarks = createMemoryWatermarkStore();
    const s = createPullScheduler({
      feeds: [feed('sh')],
      adapters: { 'sh-json': scriptedAdapter([]) },
      sink,
      registry: () => registry,
      watermarks,
      logger: silentLogger(),
    });
    const summary = await s.pullNow('sh');
    expect(summary).toMatchObject({ pages: 3, readings: 6, accepted: 3, rejected: 3 });
    expect(sink.readings.map((r) => r.station)).toEqual(['1141A', '1141A', '1141A']);
    expect(sink.rejects.map((r) => [r.code, r.centre, r.sourceId])).toEqual(
      Array(3).fill(['READING_STATION_NOT_OWNED', 'shanghai', 'sh']),
    );
    expect(watermarks.get('sh')).toEqual({ time: '2025-03-01T03:00:00+08:00' });
  });

  it('keeps the watermark of the last durable page when publishing fails, and resumes there: no gap', async () => {
    const seen: (Watermark | undefined)[] = [];
    const adapter = scriptedAdapter(seen);
    const watermarks = createMemoryWatermarkStore();
    const failing = collectingSink(2);
    const s1 = createPullScheduler({
      feeds: [feed('sh')],
      adapters: { 'sh-json': adapter },
      sink: failing,
      registry: () => registry,
      watermarks,
      logger: silentLogger(),
    });
    await expect(s1.pullNow('sh')).rejects.toThrow('bus down');
    expect(watermarks.get('sh')).toEqual({ time: '2025-03-01T01:00:00+08:00' });
    expect(s1.status()[0]).toMatchObject({
      errorCount: 1,
      consecutiveErrors: 1,
      lastError: { message: 'bus down' },
      lastSuccessAt: null,
    });

    // A new process (same watermark store) resumes after the last durable page.
    const sink = collectingSink();
    const s2 = createPullScheduler({
      feeds: [feed('sh')],
      adapters: { 'sh-json': adapter },
      sink,
      registry: () => registry,
      watermarks,
      logger: silentLogger(),
    });
    await s2.pullNow('sh');
    expect(seen[1]).toEqual({ time: '2025-03-01T01:00:00+08:00' });
    const times = [...failing.readings, ...sink.readings].map((r) => r.time);
    expect(times).toEqual(['2025-03-01T01:00:00+08:00', '2025-03-01T02:00:00+08:00', '2025-03-01T03:00:00+08:00']);
  });

  it('does not let one failing feed block another, and reports lag per feed', async () => {
    const broken: FeedAdapter = {
      format: 'js-xml',
      async *pull() {
        throw new Error('feed jiangsu: GET http://x answered 500');
      },
      toReadings: () => ({ readings: [], problems: [] }),
    };
    const now = () => new Date('2025-03-01T05:30:00+08:00');
    const s = createPullScheduler({
      feeds: [feed('bad', 'js-xml'), feed('sh')],
      adapters: { 'sh-json': scriptedAdapter([]), 'js-xml': broken },
      sink: collectingSink(),
      registry: () => registry,
      watermarks: createMemoryWatermarkStore(),
      logger: silentLogger(),
      now,
    });
    const [bad, good] = await Promise.allSettled([s.pullNow('bad'), s.pullNow('sh')]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
    const [badStatus, goodStatus] = s.status();
    expect(badStatus).toMatchObject({
      errorCount: 1,
      lastError: { message: 'feed jiangsu: GET http://x answered 500' },
      lagMinutes: null,
    });
    expect(goodStatus).toMatchObject({ errorCount: 0, lagMinutes: 150, lastSuccessAt: '2025-02-28T21:30:00.000Z' });
  });

  it('runs one pull at a time per feed: a second request joins the running one', async () => {
    const seen: (Watermark | undefined)[] = [];
    const s = createPullScheduler({
      feeds: [feed('sh')],
      adapters: { 'sh-json': scriptedAdapter(seen) },
      sink: collectingSink(),
      registry: () => registry,
      watermarks: createMemoryWatermarkStore(),
      logger: silentLogger(),
    });
    const [a, b] = await Promise.all([s.pullNow('sh'), s.pullNow('sh')]);
    expect(a).toBe(b);
    expect(seen).toHaveLength(1);
  });
});
