import { z } from 'zod';
import { zProvince } from '../station';
import { zTimeParam } from './common';
import { zInstant } from '../time';

export const zScorecardParams = z
  .object({ centre: zProvince.describe('The centre (province) whose delivery is scored') })
  .strict();
export const zScorecardQuery = z
  .object({
    from: zTimeParam.describe('First hour (a date = its natural day, hours labelled 01–24)'),
    to: zTimeParam.describe('Last hour (a date is included, an instant excluded)'),
  })
  .strict();

const zTimeliness = z.object({
  n: z
    .number()
    .int()
    .describe(
      'Readings whose first arrival is timed: feeds and pushes (backfills excluded), and only hours that ended at or after the first arrival of the source that first brought them, so a feed’s first pull catching up its look-back window (48 h by default) on a fresh start is not counted',
    ),
  p50Minutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
  p99Minutes: z.number().nullable(),
  withinHourShare: z.number().nullable().describe('Share published within 60 minutes of the hour’s end'),
});

const zDelivery = z.object({
  expected: z.number().int().describe('Station-hours × 6 pollutants the period should hold'),
  received: z.number().int().describe('Identities with a value'),
  valid: z.number().int().describe('Identities whose current value is valid for statistics'),
  capture: z.number().nullable().describe('valid / expected'),
  corrected: z.number().int().describe('Identities whose provisional value was re-published with another value'),
  auditedShare: z.number().nullable().describe('Share of identities with a value that have an audited revision'),
  timeliness: zTimeliness,
});

export const zScorecard = z.object({
  centre: zProvince,
  from: z.string(),
  to: z.string(),
  stations: z.number().int(),
  summary: zDelivery.extend({ rejectsByCode: z.record(z.string(), z.number().int()) }),
  perStation: z.array(zDelivery.extend({ station: z.string() })),
});
export type Scorecard = z.infer<typeof zScorecard>;

export const zCentreSummary = z.object({
  centre: zProvince,
  from: z.string(),
  to: z.string(),
  stations: z.number().int(),
  capture: z.number().nullable().describe('Valid station-hours × pollutants / expected'),
  p50Minutes: z.number().nullable().describe('Median minutes from the hour’s end to publication'),
  p90Minutes: z.number().nullable(),
  withinHourShare: z.number().nullable(),
  corrected: z.number().int(),
  auditedShare: z.number().nullable(),
  rejects: z.number().int(),
});
export type CentreSummary = z.infer<typeof zCentreSummary>;
export const zCentreSummaryQuery = z
  .object({
    hours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 31)
      .default(24)
      .describe('The last N complete hours'),
    to: zInstant.optional().describe('The hours ending at or before this instant (default now)'),
  })
  .strict();
export const zCentreSummaryResponse = z.object({ centres: z.array(zCentreSummary) });
