import { DependencyError, toCstIso } from '../../kernel';
import type { Pollutant } from '../../schemas';
import type { FeedAdapter, MappedPage, RawPage } from '../feed-adapter';
import { bodyOf, cstHourEnding, pageProblem, parseNumber, pullStartMs, readingMaker } from './common';

/**
 * Shanghai: paged JSON, CST times without offset, values as strings (docs/feeds.md §1). Only these
 * fields are readings; `AQI` and `PrimaryPollutant` are derived by the centre and skipped.
 */
const FIELDS: Record<string, Pollutant> = { PM2_5: 'pm25', PM10: 'pm10', O3: 'o3', NO2: 'no2', SO2: 'so2', CO: 'co' };
/** Values that mean "no value" (docs/feeds.md §1); they become null readings naming the marker. */
const MISSING_MARKERS = new Set(['—', '', '-99']);
/** CST without offset; the hour label is the END of the averaging hour, `24:00:00` allowed. */
const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):00:00$/;
const DEFAULT_PAGE_SIZE = 500;

interface Envelope {
  code?: unknown;
  msg?: unknown;
  pageSize?: unknown;
  total?: unknown;
  data?: unknown;
}

function parseTime(s: unknown): string | undefined {
  const m = typeof s === 'string' ? TIME.exec(s) : null;
  return m ? cstHourEnding(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])) : undefined;
}

/**
 * The page's records, or why the whole page is unusable: undecodable (not JSON, no data) or the
 * centre's error envelope, an error answer like a failing HTTP status.
 */
function readEnvelope(
  body: Uint8Array,
): { env: Envelope; data: unknown[] } | { error: string; code: 'FEED_PARSE_FAILED' | 'FEED_HTTP_FAILED' } {
  let env: Envelope;
  try {
    env = JSON.parse(Buffer.from(body).toString('utf8')) as Envelope;
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}`, code: 'FEED_PARSE_FAILED' };
  }
  if (env === null || typeof env !== 'object' || Array.isArray(env))
    return { error: 'not a JSON object', code: 'FEED_PARSE_FAILED' };
  // `code` other than 0 is the centre's error envelope, with the reason in `msg` (docs/feeds.md §1).
  if (env.code !== 0)
    return { error: `the feed answered code ${String(env.code)}: ${String(env.msg)}`, code: 'FEED_HTTP_FAILED' };
  if (!Array.isArray(env.data)) return { error: 'no data array', code: 'FEED_PARSE_FAILED' };
  return { env, data: env.data };
}

export const shJson: FeedAdapter = {
  format: 'sh-json',

  async *pull(feed, from, ctx) {
    const requested = feed.options.pageSize ?? DEFAULT_PAGE_SIZE;
    const since = toCstIso(pullStartMs(from?.time, feed.startAt, feed.lookbackHours, ctx.now().getTime(), feed.name));
    let maxTime = from?.time ? Date.parse(from.time) : -Infinity;
    for (let page = 1; ; page++) {
      if (ctx.signal?.aborted) return;
      const url = `${feed.baseUrl.replace(/\/+$/, '')}/hourly?since=${encodeURIComponent(since)}&page=${page}&pageSize=${requested}`;
      const body = await bodyOf(await ctx.fetch(url), feed.name, url);
      // Paging needs `total`: a page that cannot be read stops the pull (the watermark stays put).
      const read = readEnvelope(body);
      if ('error' in read)
        throw new DependencyError(read.code, 'feed', `feed ${feed.name}: GET ${url}: ${read.error}`, false);
      for (const r of read.data) {
        const t = parseTime((r as { time?: unknown } | null)?.time);
        if (t !== undefined) maxTime = Math.max(maxTime, Date.parse(t));
      }
      // The centre may serve fewer per page than asked: page by what it says it served.
      const pageSize = typeof read.env.pageSize === 'number' && read.env.pageSize > 0 ? read.env.pageSize : requested;
      const last = read.data.length === 0 || page * pageSize >= Number(read.env.total);
      const out: RawPage = { label: `sh-json page ${page} since=${since}`, body };
      // Pages are not ordered by time: only the last page moves the watermark, to the newest hour seen.
      if (last && Number.isFinite(maxTime)) out.watermark = { time: toCstIso(maxTime) };
      yield out;
      if (last) return;
    }
  },

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    const read = readEnvelope(page.body);
    if ('error' in read) return { readings: [], problems: [pageProblem(read.error, page.body)] };
    const make = readingMaker(ctx);
    read.data.forEach((raw: unknown, index) => {
      const r = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const record = JSON.stringify(raw) ?? '';
      if (typeof r.stationCode !== 'string' || r.stationCode.trim() === '') {
        out.problems.push({
          index,
          field: 'stationCode',
          reason: `stationCode ${JSON.stringify(r.stationCode) ?? 'is absent'} is not a station code`,
          record,
        });
        return;
      }
      const station = r.stationCode.trim();
      const time = parseTime(r.time);
      if (time === undefined) {
        out.problems.push({
          index,
          station,
          field: 'time',
          reason: `time ${JSON.stringify(r.time)} is not "yyyy-MM-dd HH:00:00"`,
          record,
        });
        return;
      }
      for (const [field, pollutant] of Object.entries(FIELDS)) {
        if (!(field in r)) continue; // no field, no value sent: nothing to record (a sent marker is a null reading)
        const text = r[field];
        if (typeof text !== 'string') {
          out.problems.push({
            index,
            station,
            pollutant,
            time,
            field,
            reason: `expected a string value, got ${JSON.stringify(text)}`,
            record,
          });
        } else if (MISSING_MARKERS.has(text.trim())) {
          out.readings.push(
            make({ station, pollutant, time, value: null, missingReason: `"${text}" (missing marker)` }),
          );
        } else {
          const value = parseNumber(text);
          if (value === undefined)
            out.problems.push({ index, station, pollutant, time, field, reason: `"${text}" is not a number`, record });
          else out.readings.push(make({ station, pollutant, time, value }));
        }
      }
    });
    return out;
  },
};
