import { z } from 'zod';
import { zPollutant } from '../pollutant';
import { zReadingStatus } from '../reading';
import { zErrorCode } from '../errors';
import { zQcFlag } from '../qc';

/**
 * One pushed reading (`POST /v1/readings`): value in the canonical unit (CO mg/m³, the
 * rest µg/m³), `time` the hour-ending instant with offset, `status` provisional unless audited.
 * `flag` is the centre's own flag (HJ 212 style): `N` or absent means valid; anything else is
 * kept and keeps the value out of statistics.
 */
export const zPushedReading = z
  .object({
    station: z.string(),
    pollutant: zPollutant,
    time: z.string(),
    value: z.number().nullable(),
    status: zReadingStatus.optional(),
    flag: z.string().max(16).optional(),
  })
  .strict();
export type PushedReading = z.infer<typeof zPushedReading>;

/** `POST /v1/readings`'s query: the status of archive-CSV readings. */
export const zPushQuery = z
  .object({
    status: zReadingStatus.optional().describe('Status of archive-CSV readings (JSON records carry their own)'),
  })
  .strict();

/** Position of a record in the body: the JSON array's index, or an archive reading's among the file's. */
const zPushIndex = z
  .number()
  .int()
  .describe(
    "Position of the record in the body (0-based): the JSON array's index; for an archive CSV the reading's position among the file's readings, or its data line for a line that cannot be read; -1 for a whole-body problem",
  );

export const zPushRejection = z
  .object({
    index: zPushIndex,
    station: z.string(),
    code: zErrorCode,
    field: z.string(),
    reason: z.string(),
    time: z
      .string()
      .describe(
        'The time exactly as the record wrote it (never normalised, so a refused time is shown as sent); empty when it gave none',
      ),
  })
  .describe('A record refused: not stored, written to the rejects table with the same code and reason');

export const zPushFlag = z
  .object({
    index: zPushIndex,
    station: z.string(),
    pollutant: zPollutant,
    time: z.string().describe('The time as the record wrote it'),
    value: z.number().describe('The value as sent (kept unchanged)'),
    field: z.literal('value').describe('The field judged: always the value'),
    flags: z
      .array(zQcFlag)
      .min(1)
      .describe("Quality control's own flags on the value: negative, out_of_range or pm25_above_pm10"),
    reason: z
      .string()
      .describe(
        'Each flag\'s rule and its limit, e.g. "PM2.5 5000 µg/m³ is above the plausible maximum 1000 µg/m³; kept out of statistics" (the words of /v1/flags)',
      ),
  })
  .describe(
    'An accepted reading that quality control sets aside: stored and kept as sent, but out of statistics (docs/standards.md §2.4)',
  );

export const zPushSkipped = z
  .object({
    otherStations: z
      .number()
      .int()
      .describe(
        "Stations of an archive CSV that this centre does not report, skipped: another province's, or outside the station registry (a national file carries every station)",
      ),
    cells: z.number().int().describe('Readings (filled cells) of those stations, skipped'),
    outsideRegistry: z
      .number()
      .int()
      .describe(
        "Of those stations, how many the registry does not know at all (the registry holds the four provinces: in practice another province's too); counted here only, not written to the rejects table, so a station missing from the list shows as this count",
      ),
  })
  .describe(
    "An archive CSV's columns of stations the centre does not report, counted apart from the rejections (as the backfill's summary counts the stations outside the registry); always zero for a JSON body, whose records of such stations are rejections",
  );

export const zPushResult = z.object({
  accepted: z.number().int().describe('Readings accepted and durable'),
  rejected: z.array(zPushRejection).describe('Records refused, by index'),
  flagged: z
    .array(zPushFlag)
    .describe(
      "Accepted readings quality control sets aside, by index. Only the checks on the values themselves and within this body (a negative value, a value above the plausible maximum, PM2.5 above the same station-hour's PM10 in the body); the temporal checks (constant runs, spikes: advisory, the value stays valid) are judged later in processing against the stored series. A value the centre flagged invalid itself, or sent as null, is not listed: it is the centre's own verdict, not news to it",
    ),
  skipped: zPushSkipped,
});
export type PushResult = z.infer<typeof zPushResult>;
