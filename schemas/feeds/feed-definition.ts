import { z } from 'zod';
import { zProvince } from '../station';
import { zInstant } from '../time';

/** Pulled feed formats (docs/feeds.md §1–4); the file name of each adapter is its format id. */
export const zFeedFormat = z.enum(['sh-json', 'js-xml', 'zj-csv', 'ah-json']);
export type FeedFormat = z.infer<typeof zFeedFormat>;

/** All source formats, including the archive CSV that arrives by backfill or push (docs/feeds.md §5). */
export const zSourceFormat = z.enum([...zFeedFormat.options, 'cnemc-archive']);
export type SourceFormat = z.infer<typeof zSourceFormat>;

/** A secret is given inline or, better, as the name of an environment variable holding it. */
export const zSecret = z.union([z.string().min(1), z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) })]);
export type Secret = z.infer<typeof zSecret>;

export const zFeedCredentials = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('api-key'), header: z.string().default('X-Api-Key'), key: zSecret }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: zSecret }),
  z.object({ type: z.literal('bearer'), token: zSecret }),
]);
export type FeedCredentials = z.infer<typeof zFeedCredentials>;

/** Five-field cron expression (minute hour day month weekday), optionally with seconds first. */
const CRON = /^(\S+\s+){4,5}\S+$/;

export const zFeedDefinition = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case name of letters, digits and -'),
  format: zFeedFormat,
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  province: zProvince.describe('The province whose stations this feed may carry'),
  schedule: z.string().regex(CRON, 'expected a cron expression such as "*/5 * * * *"').default('*/5 * * * *'),
  credentials: zFeedCredentials.default({ type: 'none' }),
  lookbackHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 31)
    .default(48)
    .describe('Hours re-read on every pull so late and corrected values arrive'),
  startAt: zInstant.optional().describe('Where a feed with no watermark starts; default now minus the look-back'),
  timeoutMs: z.number().int().min(100).max(300_000).default(15_000).describe('Per-request timeout'),
  retries: z.number().int().min(0).max(10).default(3).describe('Retries per request, with exponential back-off'),
  enabled: z.boolean().default(true),
  options: z
    .object({
      pageSize: z.number().int().min(1).max(10_000).optional().describe('sh-json page size'),
      maxHoursPerPull: z
        .number()
        .int()
        .min(1)
        .max(24 * 366)
        .optional()
        .describe('js-xml/zj-csv: hours fetched per pull'),
    })
    .strict()
    .default({}),
});
export type FeedDefinition = z.output<typeof zFeedDefinition>;

export const zFeedsFile = z
  .object({ feeds: z.array(zFeedDefinition) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.feeds.forEach((f, i) => {
      if (seen.has(f.name))
        ctx.addIssue({ code: 'custom', path: ['feeds', i, 'name'], message: `duplicate feed name ${f.name}` });
      seen.add(f.name);
    });
  });
export type FeedsFile = z.output<typeof zFeedsFile>;
