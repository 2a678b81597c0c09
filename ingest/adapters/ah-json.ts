import { zPollutant } from '../../schemas/pollutant';
import type { FeedAdapter, MappedPage, RawPage } from '../feed-adapter';
import { bodyOf, clean, makeReading, pageProblem, toCstIso, unitFactor } from './common';

/**
 * Anhui: long-format JSON behind a cursor, `ts` in UTC, CO in µg/m³ (FEEDS.md §4). The cursor
 * walks an append-only publication log, where a correction is the same (site, param, ts)
 * published again later — so a cursor feed needs no look-back window: the watermark is the
 * cursor, and corrections arrive as new items after it.
 */
interface Item {
  site?: unknown;
  param?: unknown;
  ts?: unknown;
  val?: unknown;
  unit?: unknown;
  valid?: unknown;
}

const HOUR_MS = 3_600_000;

function parsePage(body: Uint8Array): { items: unknown[]; next?: string } {
  const json = JSON.parse(Buffer.from(body).toString('utf8')) as { items?: unknown; next?: unknown };
  if (json === null || typeof json !== 'object' || !Array.isArray(json.items)) throw new Error('no items array');
  return { items: json.items, next: typeof json.next === 'string' && json.next !== '' ? json.next : undefined };
}

export const ahJson: FeedAdapter = {
  format: 'ah-json',

  async *pull(feed, from, ctx) {
    let cursor = from?.cursor;
    for (;;) {
      if (ctx.signal?.aborted) return;
      const url = `${feed.baseUrl.replace(/\/$/, '')}/v2/observations${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = await bodyOf(await ctx.fetch(url), feed.name, url);
      let next: string | undefined;
      try {
        next = parsePage(body).next;
      } catch (err) {
        throw new Error(`feed ${feed.name}: ${url} is not an observations page: ${(err as Error).message}`);
      }
      // The last page keeps its own cursor: the next pull re-reads it and whatever was appended.
      const page: RawPage = { label: `ah-json cursor=${cursor ?? '(start)'}`, body, watermark: { cursor: next ?? cursor ?? '' } };
      yield page;
      if (!next) return;
      cursor = next;
    }
  },

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    let items: unknown[];
    try {
      items = parsePage(page.body).items;
    } catch (err) {
      return { readings: [], problems: [pageProblem(`not an observations page: ${(err as Error).message}`, page.body)] };
    }
    items.forEach((raw, index) => {
      const it = (raw ?? {}) as Item;
      const record = JSON.stringify(raw) ?? '';
      const station = typeof it.site === 'string' ? it.site : '';
      const pollutant = zPollutant.safeParse(it.param);
      if (!pollutant.success) {
        out.problems.push({ index, station, field: 'param', reason: `unknown pollutant ${JSON.stringify(it.param)}`, record });
        return;
      }
      const p = pollutant.data;
      const ms = typeof it.ts === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(it.ts) ? Date.parse(it.ts) : NaN;
      if (Number.isNaN(ms) || ms % HOUR_MS !== 0) {
        out.problems.push({ index, station, pollutant: p, field: 'ts', reason: `ts ${JSON.stringify(it.ts)} is not an hour in UTC like 2025-02-28T17:00:00Z`, record });
        return;
      }
      const time = toCstIso(ms);
      const unit = typeof it.unit === 'string' ? it.unit : '';
      const factor = unitFactor(p, unit);
      const base = { station, pollutant: p, time, sourceFlag: it.valid === false ? 'invalid' : 'valid', sourceValid: it.valid !== false };
      if (it.val === null || it.val === undefined) {
        out.readings.push(makeReading({ ...base, value: null, missingReason: 'val is null' }, ctx));
      } else if (typeof it.val !== 'number' || !Number.isFinite(it.val)) {
        out.problems.push({ index, station, pollutant: p, time, field: 'val', reason: `${JSON.stringify(it.val)} is not a number`, record });
      } else if (factor === undefined) {
        out.problems.push({ index, station, pollutant: p, time, field: 'unit', reason: `unknown unit ${JSON.stringify(it.unit)}`, record });
      } else {
        out.readings.push(makeReading({ ...base, value: clean(it.val * factor), ...(factor !== 1 ? { originalUnit: unit } : {}) }, ctx));
      }
    });
    return out;
  },
};
