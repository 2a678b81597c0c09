import { z } from 'zod';
import { zPollutant } from '../pollutant';
import { zReadingStatus } from '../reading';
import { zErrorCode } from '../errors';

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

export const zPushRejection = z.object({
  index: z
    .number()
    .int()
    .describe('Position of the record in the body (0-based); -1 for a whole-body or whole-station problem'),
  station: z.string(),
  code: zErrorCode,
  field: z.string(),
  reason: z.string(),
});

export const zPushResult = z.object({
  accepted: z.number().int().describe('Readings accepted and durable'),
  rejected: z.array(zPushRejection),
});
export type PushResult = z.infer<typeof zPushResult>;
