import type { Pollutant } from '../../schemas/pollutant';
import type { FeedAdapter, MappedPage, RawPage } from '../feed-adapter';
import { bodyOf, cstInstant, makeReading, pageProblem, parseNumber, pullStartMs, toCstIso } from './common';

/** Shanghai: paged JSON, CST times without offset, values as strings (FEEDS.md §1). */
const FIELDS: Record<string, Pollutant> = { PM2_5: 'pm25', PM10: 'pm10', O3: 'o3', NO2: 'no2', SO2: 'so2', CO: 'co' };
const MISSING_MARKERS = new Set(['—', '', '-99']);
const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):00:00$/;
const DEFAULT_PAGE_SIZE = 500;

interface Envelope {
  code?: unknown;
  msg?: unknown;
  total?: unknown;
  data?: unknown;
}

function parseTime(s: unknown): string | undefined {
  const m = typeof s === 'string' ? TIME.exec(s) : null;
  if (!m) return undefined;
  const [, y, mo, d, h] = m.map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24) return undefined;
  // "24:00:00" is allowed by the convention and rolls over to the next day's 00:00.
  return cstInstant(y, mo, d, h);
}

export const shJson: FeedAdapter = {
  format: 'sh-json',

  async *pull(feed, from, ctx) {
    const pageSize = feed.options.pageSize ?? DEFAULT_PAGE_SIZE;
    const since = toCstIso(pullStartMs(from?.time, feed.startAt, feed.lookbackHours, ctx.now().getTime()));
    let maxTime = from?.time ? Date.parse(from.time) : -Infinity;
    for (let page = 1; ; page++) {
      const url = `${feed.baseUrl.replace(/\/$/, '')}/hourly?since=${encodeURIComponent(since)}&page=${page}&pageSize=${pageSize}`;
      const body = await bodyOf(await ctx.fetch(url), feed.name, url);
      const env = JSON.parse(Buffer.from(body).toString('utf8')) as Envelope;
      if (env.code !== 0) throw new Error(`feed ${feed.name}: ${url} answered code ${String(env.code)}: ${String(env.msg)}`);
      const records = Array.isArray(env.data) ? (env.data as { time?: unknown }[]) : [];
      for (const r of records) {
        const t = parseTime(r.time);
        if (t !== undefined) maxTime = Math.max(maxTime, Date.parse(t));
      }
      const last = records.length === 0 || page * pageSize >= Number(env.total);
      const out: RawPage = { label: `sh-json page ${page} since=${since}`, body };
      // Pages are not ordered by time: only the last page moves the watermark, to the newest hour seen.
      if (last && Number.isFinite(maxTime)) out.watermark = { time: toCstIso(maxTime) };
      yield out;
      if (last) return;
    }
  },

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    let env: Envelope;
    try {
      env = JSON.parse(Buffer.from(page.body).toString('utf8')) as Envelope;
    } catch (err) {
      return { readings: [], problems: [pageProblem(`not JSON: ${(err as Error).message}`, page.body)] };
    }
    if (env === null || typeof env !== 'object') return { readings: [], problems: [pageProblem('not a JSON object', page.body)] };
    if (env.code !== 0) return { readings: [], problems: [pageProblem(`the feed answered code ${String(env.code)}: ${String(env.msg)}`, page.body)] };
    if (!Array.isArray(env.data)) return { readings: [], problems: [pageProblem('no data array', page.body)] };
    env.data.forEach((raw: unknown, index) => {
      const r = (raw ?? {}) as Record<string, unknown>;
      const record = JSON.stringify(raw) ?? '';
      const station = typeof r.stationCode === 'string' ? r.stationCode : '';
      const time = parseTime(r.time);
      if (time === undefined) {
        out.problems.push({ index, station, field: 'time', reason: `time ${JSON.stringify(r.time)} is not "yyyy-MM-dd HH:00:00"`, record });
        return;
      }
      for (const [field, pollutant] of Object.entries(FIELDS)) {
        if (!(field in r)) continue;
        const text = r[field];
        if (typeof text !== 'string') {
          out.problems.push({ index, station, pollutant, time, field, reason: `expected a string value, got ${JSON.stringify(text)}`, record });
        } else if (MISSING_MARKERS.has(text.trim())) {
          out.readings.push(makeReading({ station, pollutant, time, value: null, missingReason: `"${text}" (missing marker)` }, ctx));
        } else {
          const value = parseNumber(text);
          if (value === undefined) out.problems.push({ index, station, pollutant, time, field, reason: `"${text}" is not a number`, record });
          else out.readings.push(makeReading({ station, pollutant, time, value }, ctx));
        }
      }
    });
    return out;
  },
};
