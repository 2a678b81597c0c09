import { floorHour, HOUR_MS, toCstIso } from '../../kernel';
import type { FeedDefinition } from '../../schemas';
import type { PullContext, RawPage, Watermark } from '../feed-adapter';
import { bodyOf, pullStartMs } from './common';

/** Hours fetched per pull unless the feed says otherwise (`options.maxHoursPerPull`): a week. */
const DEFAULT_MAX_HOURS = 24 * 7;

/**
 * Pulls a feed that publishes one document per hour (Jiangsu docs/feeds.md §2, Zhejiang §3): every hour
 * label from the watermark minus the look-back up to the current hour (the hour that ended last),
 * oldest first. At most `maxHoursPerPull` hours per pull, counted from the oldest: after an outage
 * the feed catches up over several pulls without skipping any hour.
 *
 * A 404 is an hour not yet published. Among the last two hours it ends the pull — later hours
 * cannot be out yet, and the next pull asks again; an older one is a gap the centre has not filled,
 * so the walk goes on (the look-back window asks again for as long as it covers that hour).
 * Each page carries its hour as the watermark when that is later than the watermark so far, so the
 * re-read look-back hours never move it backwards.
 */
export async function* pullHourly(
  feed: FeedDefinition,
  from: Watermark | undefined,
  ctx: PullContext,
  pathOf: (hourEndingMs: number) => string,
): AsyncGenerator<RawPage> {
  const nowMs = ctx.now().getTime();
  const current = floorHour(nowMs);
  const first = pullStartMs(from?.time, feed.startAt, feed.lookbackHours, nowMs, feed.name);
  const maxHours = feed.options.maxHoursPerPull ?? DEFAULT_MAX_HOURS;
  const last = Math.min(current, first + (maxHours - 1) * HOUR_MS);
  let mark = from?.time ? Date.parse(from.time) : -Infinity;
  for (let hour = first; hour <= last; hour += HOUR_MS) {
    if (ctx.signal?.aborted) return;
    const path = pathOf(hour);
    const url = `${feed.baseUrl.replace(/\/+$/, '')}/${path}`;
    const res = await ctx.fetch(url);
    if (res.status === 404) {
      await res.body?.cancel();
      if (hour >= current - HOUR_MS) return;
      continue;
    }
    const body = await bodyOf(res, feed.name, url);
    const page: RawPage = { label: `${feed.format} ${path}`, body };
    if (hour > mark) {
      mark = hour;
      page.watermark = { time: toCstIso(hour) };
    }
    yield page;
  }
}
