import type { FeedDefinition } from '../../schemas/feeds/feed-definition';
import type { PullContext, RawPage, Watermark } from '../feed-adapter';
import { bodyOf, floorHour, HOUR_MS, pullStartMs, toCstIso } from './common';

const DEFAULT_MAX_HOURS = 24 * 7;

/**
 * Pulls a feed that publishes one document per hour (Jiangsu, Zhejiang): every hour from the
 * watermark minus the look-back up to the current hour. A 404 is an hour not yet published (or
 * published late — the look-back reads it on a later pull); the watermark moves to each hour
 * read, never backwards.
 */
export async function* pullHourly(
  feed: FeedDefinition,
  from: Watermark | undefined,
  ctx: PullContext,
  pathOf: (hourEndingMs: number) => string,
): AsyncGenerator<RawPage> {
  const nowMs = ctx.now().getTime();
  const last = floorHour(nowMs);
  const maxHours = feed.options.maxHoursPerPull ?? DEFAULT_MAX_HOURS;
  let hour = Math.max(pullStartMs(from?.time, feed.startAt, feed.lookbackHours, nowMs), last - (maxHours - 1) * HOUR_MS);
  let mark = from?.time ? Date.parse(from.time) : -Infinity;
  for (; hour <= last; hour += HOUR_MS) {
    if (ctx.signal?.aborted) return;
    const url = `${feed.baseUrl.replace(/\/$/, '')}/${pathOf(hour)}`;
    const res = await ctx.fetch(url);
    if (res.status === 404) {
      await res.body?.cancel();
      continue;
    }
    const body = await bodyOf(res, feed.name, url);
    const page: RawPage = { label: `${feed.format} ${toCstIso(hour)}`, body };
    if (hour > mark) {
      mark = hour;
      page.watermark = { time: toCstIso(hour) };
    }
    yield page;
  }
}
