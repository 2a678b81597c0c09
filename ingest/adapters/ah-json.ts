import { DependencyError, HOUR_MS, toCstIso } from '../../kernel';
import type { Pollutant } from '../../schemas';
import type { FeedAdapter, MappedPage, RawPage } from '../feed-adapter';
import { bodyOf, clean, pageProblem, readingMaker, unitFactor } from './common';

/**
 * Anhui: long-format JSON behind a cursor, `ts` in UTC, CO in µg/m³ (docs/feeds.md §4). The cursor
 * walks an append-only publication log, where a correction is the same (site, param, ts)
 * published again later — so a cursor feed needs no look-back window: the watermark is the
 * cursor, and corrections arrive as new items after it. Beside the cursor the watermark keeps the
 * newest hour read so far (`time`), so /v1/feeds can give this feed a lag like the hour-addressed ones.
 */
const PARAMS: Record<string, Pollutant> = { pm25: 'pm25', pm10: 'pm10', o3: 'o3', no2: 'no2', so2: 'so2', co: 'co' };
/** `valid` → the flag kept verbatim in `sourceFlag`; only `false` keeps a value out of statistics. */
const VALID_FLAGS = { true: 'valid', false: 'invalid' } as const;
/** UTC (or any explicit offset); a bare local time is refused rather than guessed (invariant 4). */
const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

interface Item {
  site?: unknown;
  param?: unknown;
  ts?: unknown;
  val?: unknown;
  unit?: unknown;
  valid?: unknown;
}

function parsePage(body: Uint8Array): { items: unknown[]; next?: string } {
  const json = JSON.parse(Buffer.from(body).toString('utf8')) as { items?: unknown; next?: unknown } | null;
  if (json === null || typeof json !== 'object' || !Array.isArray(json.items)) throw new Error('no items array');
  return { items: json.items, next: typeof json.next === 'string' && json.next !== '' ? json.next : undefined };
}

/** Epoch ms of an hour-ending `ts`, or undefined (not ISO with offset, not a real date, not on the hour). */
function tsMs(ts: unknown): number | undefined {
  const m = typeof ts === 'string' ? TS.exec(ts) : null;
  if (!m) return undefined;
  const ms = Date.parse(ts as string);
  // Date.parse rolls 30 February into March; the calendar date must survive the round trip.
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (
    Number.isNaN(ms) ||
    day.getUTCMonth() !== Number(m[2]) - 1 ||
    day.getUTCDate() !== Number(m[3]) ||
    ms % HOUR_MS !== 0
  )
    return undefined;
  return ms;
}

export const ahJson: FeedAdapter = {
  format: 'ah-json',

  async *pull(feed, from, ctx) {
    let cursor = from?.cursor || undefined;
    // The newest hour-ending instant of any item read so far (a correction of an older hour leaves it).
    let newestMs = from?.time ? Date.parse(from.time) : -Infinity;
    for (;;) {
      if (ctx.signal?.aborted) return;
      const url = `${feed.baseUrl.replace(/\/+$/, '')}/v2/observations${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = await bodyOf(await ctx.fetch(url), feed.name, url);
      let next: string | undefined;
      try {
        const parsed = parsePage(body);
        next = parsed.next;
        for (const item of parsed.items) {
          const ms = tsMs((item as Item | null)?.ts);
          if (ms !== undefined && ms > newestMs) newestMs = ms;
        }
      } catch (err) {
        // Without `next` the chain cannot go on: stop here, the watermark stays on this page's cursor.
        throw new DependencyError(
          'FEED_PARSE_FAILED',
          'feed',
          `feed ${feed.name}: GET ${url} is not an observations page: ${(err as Error).message}`,
          false,
        );
      }
      const page: RawPage = { label: `ah-json cursor=${cursor ?? '(start)'}`, body };
      // The last page keeps its own cursor: the next pull re-reads it and whatever was appended.
      const mark = next ?? cursor;
      const time = Number.isFinite(newestMs) ? { time: toCstIso(newestMs) } : {};
      if (mark !== undefined || 'time' in time)
        page.watermark = { ...(mark !== undefined ? { cursor: mark } : {}), ...time };
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
      return {
        readings: [],
        problems: [pageProblem(`not an observations page: ${(err as Error).message}`, page.body)],
      };
    }
    const make = readingMaker(ctx);
    items.forEach((raw, index) => {
      const it = (raw !== null && typeof raw === 'object' ? raw : {}) as Item;
      const record = JSON.stringify(raw) ?? '';
      if (typeof it.site !== 'string' || it.site.trim() === '') {
        out.problems.push({
          index,
          field: 'site',
          reason: `site ${JSON.stringify(it.site) ?? 'is absent'} is not a station code`,
          record,
        });
        return;
      }
      const station = it.site.trim();
      const pollutant = typeof it.param === 'string' && Object.hasOwn(PARAMS, it.param) ? PARAMS[it.param] : undefined;
      if (!pollutant) {
        out.problems.push({
          index,
          station,
          field: 'param',
          reason: `unknown pollutant ${JSON.stringify(it.param)}`,
          record,
        });
        return;
      }
      const ms = tsMs(it.ts);
      if (ms === undefined) {
        out.problems.push({
          index,
          station,
          pollutant,
          field: 'ts',
          reason: `ts ${JSON.stringify(it.ts)} is not an hour in UTC like 2025-02-28T17:00:00Z`,
          record,
        });
        return;
      }
      // Emitted in CST like the other feeds: 2025-02-28T17:00:00Z is 2025-03-01T01:00:00+08:00.
      const time = toCstIso(ms);
      if (it.valid !== undefined && typeof it.valid !== 'boolean') {
        out.problems.push({
          index,
          station,
          pollutant,
          time,
          field: 'valid',
          reason: `valid ${JSON.stringify(it.valid)} is not true or false`,
          record,
        });
        return;
      }
      const flag = it.valid === undefined ? {} : { sourceFlag: VALID_FLAGS[`${it.valid}`], sourceValid: it.valid };
      const unit = typeof it.unit === 'string' ? it.unit : '';
      const factor = unitFactor(pollutant, unit);
      if (it.val === null || it.val === undefined) {
        out.readings.push(
          make({
            station,
            pollutant,
            time,
            ...flag,
            value: null,
            missingReason: it.val === null ? 'val is null' : 'no val',
          }),
        );
      } else if (typeof it.val !== 'number' || !Number.isFinite(it.val)) {
        out.problems.push({
          index,
          station,
          pollutant,
          time,
          field: 'val',
          reason: `${JSON.stringify(it.val)} is not a number`,
          record,
        });
      } else if (factor === undefined) {
        out.problems.push({
          index,
          station,
          pollutant,
          time,
          field: 'unit',
          reason: `unit ${JSON.stringify(it.unit)} is not a mass concentration the adapter knows`,
          record,
        });
      } else {
        // CO arrives in µg/m³ (docs/feeds.md §4): ÷1000 into mg/m³, noting the unit it came in.
        out.readings.push(
          make({
            station,
            pollutant,
            time,
            ...flag,
            value: clean(it.val * factor),
            ...(factor !== 1 ? { originalUnit: unit } : {}),
          }),
        );
      }
    });
    return out;
  },
};
