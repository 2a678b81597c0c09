import { z } from 'zod';
import { zFeedFormat } from '../feeds/feed-definition';
import { zProvince } from '../station';
import { zErrorCode } from '../errors';
import { zInstant } from '../time';

export const zPullSummary = z.object({
  startedAt: zInstant,
  finishedAt: zInstant,
  pages: z.number().int(),
  readings: z.number().int().describe('Readings decoded from the pages'),
  accepted: z.number().int().describe('Readings handed to the bus (durably)'),
  rejected: z.number().int().describe('Records refused, with reasons in /v1/rejects'),
});
export type PullSummary = z.infer<typeof zPullSummary>;

/** One feed's health as `GET /v1/feeds` reports it. */
export const zFeedStatus = z.object({
  name: z.string(),
  format: zFeedFormat,
  province: zProvince,
  enabled: z.boolean(),
  schedule: z.string(),
  running: z.boolean().describe('A pull is in progress'),
  lastAttemptAt: zInstant.nullable(),
  lastSuccessAt: zInstant.nullable(),
  watermark: z.object({ time: zInstant.optional(), cursor: z.string().optional() }).nullable(),
  lagMinutes: z
    .number()
    .nullable()
    .describe(
      'Minutes from the newest hour read (the watermark’s time; a cursor feed keeps it beside its cursor) to now; null before the first hour is read',
    ),
  errorCount: z.number().int().describe('Failed pulls since the process started'),
  consecutiveErrors: z.number().int(),
  lastError: z
    .object({ at: zInstant, code: zErrorCode, message: z.string() })
    .nullable()
    .describe('The last failed pull: FEED_HTTP_FAILED, FEED_PARSE_FAILED, BUS_UNAVAILABLE… (docs/errors.md)'),
  lastPull: zPullSummary.nullable(),
});
export type FeedStatus = z.infer<typeof zFeedStatus>;

export const zFeedsResponse = z.object({ feeds: z.array(zFeedStatus) });
export type FeedsResponse = z.infer<typeof zFeedsResponse>;
